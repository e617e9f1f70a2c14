package io.tramontane.server.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server for tests that stop, crash or restart the database (RELIABILITY
 * F3): {@code initdb} into a temporary directory owned by {@code postgres}, its own port, trust
 * authentication on 127.0.0.1, superuser {@code tramontane}. Created stopped. It never touches the
 * shared CI database. Needs root and the Debian PostgreSQL binaries ({@link #binaries()} is null
 * otherwise). {@link #close()} stops it with {@code -m immediate} and deletes the directory.
 *
 * <p>Runs with {@code fsync=off}: the tests crash the PostgreSQL processes, never the operating
 * system, so committed data stays in the page cache and survives exactly as it would with fsync.
 */
public final class PrivatePostgres implements AutoCloseable {

  private final Path bin;
  private final Path dir;
  private final int port;
  private final String listen;

  private PrivatePostgres(Path bin, Path dir, int port, String listen) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.listen = listen;
  }

  /** The newest {@code /usr/lib/postgresql/<v>/bin} with {@code pg_ctl}, or null. */
  public static Path binaries() throws IOException {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return null;
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
          .max(Comparator.comparingInt(PrivatePostgres::version))
          .orElse(null);
    }
  }

  /** True when this JVM can create one: root, and the binaries are installed. */
  public static boolean available() throws IOException {
    return binaries() != null && "root".equals(System.getProperty("user.name"));
  }

  private static int version(Path bin) {
    try {
      return Integer.parseInt(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** A new, stopped instance listening on 127.0.0.1. */
  public static PrivatePostgres create() throws Exception {
    return create("127.0.0.1");
  }

  /** A new, stopped instance listening on {@code listen} (comma-separated addresses). */
  public static PrivatePostgres create(String listen) throws Exception {
    Path bin = binaries();
    if (bin == null) {
      throw new IllegalStateException("no /usr/lib/postgresql/<version>/bin/pg_ctl");
    }
    Path dir = Files.createTempDirectory("tramontane-pg-");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    PrivatePostgres pg = new PrivatePostgres(bin, dir, port, listen);
    try {
      run(List.of("chown", "postgres:postgres", dir.toString()));
      pg.asPostgres(
          bin.resolve("initdb").toString(),
          "-D",
          pg.data(),
          "-U",
          "tramontane",
          "--auth=trust",
          "-E",
          "UTF8",
          "--no-sync");
      Files.writeString(
          dir.resolve("data").resolve("pg_hba.conf"),
          "local all all trust\nhost all all 0.0.0.0/0 trust\n");
    } catch (Exception | Error e) {
      pg.close();
      throw e;
    }
    return pg;
  }

  private String data() {
    return dir.resolve("data").toString();
  }

  public int port() {
    return port;
  }

  /** The JDBC URL on the first listen address. */
  public String url() {
    return "jdbc:postgresql://" + listen.split(",")[0] + ":" + port + "/postgres";
  }

  /** A {@link TestDatabase} on this instance, user and password {@code tramontane}. */
  public TestDatabase database(Path dataDir) {
    return new TestDatabase("postgres", url(), "tramontane", "tramontane", dataDir);
  }

  public void start() throws Exception {
    asPostgres(
        bin.resolve("pg_ctl").toString(),
        "-D",
        data(),
        "-l",
        dir.resolve("postgres.log").toString(),
        "-o",
        "-p "
            + port
            + " -k "
            + dir
            + " -c listen_addresses="
            + listen
            + " -c fsync=off -c max_connections=200",
        "-w",
        "-t",
        "60",
        "start");
  }

  /** {@code pg_ctl stop -m immediate}: every server process quits at once, as in a crash. */
  public void stopImmediately() throws Exception {
    asPostgres(bin.resolve("pg_ctl").toString(), "-D", data(), "-m", "immediate", "-w", "stop");
  }

  private void asPostgres(String... command) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
    cmd.addAll(List.of(command));
    run(cmd);
  }

  private static void run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(cmd + " failed:\n" + out);
    }
  }

  @Override
  public void close() throws Exception {
    try {
      if (Files.exists(dir.resolve("data").resolve("postmaster.pid"))) {
        stopImmediately();
      }
    } finally {
      run(List.of("rm", "-rf", dir.toString()));
    }
  }
}
