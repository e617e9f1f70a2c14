package io.tramontane.server.testing;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Tramontane server in its own JVM ({@code tramontane serve}), started from the test's classpath,
 * that a test can kill with SIGKILL and start again on the same database and port.
 */
public final class ServerProcess implements AutoCloseable {

  private final Path workDir;
  private final TestDatabase db;
  private final int port;
  private final Map<String, String> environment;
  private final List<String> prefix;
  private final String host;
  private Process process;
  private int starts;

  public ServerProcess(Path workDir, TestDatabase db) throws IOException {
    this(workDir, db, Map.of());
  }

  /** A server with {@code extra} configuration layered over the test triggers and keys. */
  public ServerProcess(Path workDir, TestDatabase db, Map<String, Object> extra)
      throws IOException {
    this(workDir, db, extra, Map.of());
  }

  /**
   * A server with {@code extra} configuration and {@code environment} variables set last (over the
   * database's and the default {@code TRAMONTANE_CLUSTER_PORT=0}), e.g. a fixed cluster port.
   */
  public ServerProcess(
      Path workDir, TestDatabase db, Map<String, Object> extra, Map<String, String> environment)
      throws IOException {
    this(workDir, db, extra, environment, List.of(), "127.0.0.1");
  }

  /**
   * A server whose JVM is started under {@code prefix} (e.g. {@code ip netns exec <ns>}: in another
   * network namespace) and whose HTTP edge listens on {@code host}.
   */
  public ServerProcess(
      Path workDir,
      TestDatabase db,
      Map<String, Object> extra,
      Map<String, String> environment,
      List<String> prefix,
      String host)
      throws IOException {
    this.prefix = List.copyOf(prefix);
    this.host = host;
    this.workDir = workDir;
    this.environment = Map.copyOf(environment);
    this.db = db;
    try (ServerSocket s = new ServerSocket(0)) {
      this.port = s.getLocalPort();
    }
    String config =
        ConfigFactory.parseMap(extra)
            .withFallback(ConfigFactory.parseMap(TestServer.securityConfig()))
            .root()
            .render(ConfigRenderOptions.defaults().setOriginComments(false));
    Files.writeString(workDir.resolve("server.conf"), config);
  }

  public int port() {
    return port;
  }

  public URI uri(String path) {
    return URI.create("http://" + host + ":" + port + path);
  }

  public void start() throws IOException {
    starts++;
    List<String> cmd = new ArrayList<>(prefix);
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-Xmx512m");
    if (Runtime.version().feature() >= 24) {
      cmd.add("--sun-misc-unsafe-memory-access=allow");
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.tramontane.server.cli.Main");
    cmd.add("serve");
    cmd.add("--config");
    cmd.add(workDir.resolve("server.conf").toString());
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> env = pb.environment();
    env.putAll(TestServer.ENV);
    env.putAll(db.environment());
    env.put("TRAMONTANE_HTTP_PORT", Integer.toString(port));
    env.put("TRAMONTANE_HTTP_HOST", host);
    env.put("TRAMONTANE_CLUSTER_PORT", "0");
    env.putAll(environment);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
    process = pb.start();
  }

  public Path log() {
    return workDir.resolve("server.log");
  }

  /** Waits for {@code GET /ready} to answer 200; fails with the server's log otherwise. */
  public void awaitReady(Duration timeout) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("server exited with " + process.exitValue() + ":\n" + logTail());
      }
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(uri("/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("server not ready within " + timeout + ":\n" + logTail());
  }

  /** SIGKILL: no shutdown hook, no flush, nothing graceful. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM: coordinated shutdown. Returns the exit code. */
  public int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("server did not stop within " + timeout + " of SIGTERM");
    }
    return process.exitValue();
  }

  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log());
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  public int starts() {
    return starts;
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      kill();
    }
  }
}
