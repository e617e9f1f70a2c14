package io.tramontane.server;

import io.tramontane.core.ConfigurationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Who writes to a data directory: the embedded database and the Lucene indexes under it take one
 * process at a time. The process that owns the directory (a server, or an offline command such as
 * {@code ingest}) holds an operating-system lock on {@code <data-dir>/tramontane.lock} and writes
 * into it its pid, its command and, for a server, its URL. Another process finds the lock taken at
 * once and says who holds it instead of waiting for the database; the lock dies with its process,
 * so a server killed with SIGKILL leaves nothing that blocks the next one.
 */
public final class DataDirLock implements AutoCloseable {

  /** The lock file's name inside the data directory. */
  public static final String FILE_NAME = "tramontane.lock";

  /** What holds a data directory, as its lock file says. */
  public record Holder(String command, long pid, Optional<String> url) {

    /** {@code a Tramontane server (pid 42, http://127.0.0.1:8080)}. */
    public String describe() {
      String who =
          "serve".equals(command) ? "a Tramontane server" : "a 'tramontane " + command + "'";
      String pidPart = pid > 0 ? "pid " + pid : "";
      String urlPart = url.orElse("");
      String sep = pidPart.isEmpty() || urlPart.isEmpty() ? "" : ", ";
      return pidPart.isEmpty() && urlPart.isEmpty()
          ? who
          : who + " (" + pidPart + sep + urlPart + ")";
    }
  }

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;
  private final Map<String, String> content = new LinkedHashMap<>();

  private DataDirLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the data directory for {@code command}, or throws a {@link ConfigurationException} whose
   * one line says who holds it and {@code advice} (called with the holder) says what to do instead.
   */
  public static DataDirLock acquire(Path dataDir, String command, Function<Holder, String> advice) {
    Path dir = dataDir.toAbsolutePath().normalize();
    Path file = dir.resolve(FILE_NAME);
    FileChannel channel;
    try {
      Files.createDirectories(dir);
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new ConfigurationException(
          "Cannot use the data directory "
              + dir
              + " ("
              + e.getMessage()
              + "); choose another with --data-dir or TRAMONTANE_DATA_DIR.",
          e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by this very JVM (a server started in-process)
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException("cannot lock " + file, e);
    }
    if (lock == null) {
      closeQuietly(channel);
      Holder holder = holder(file);
      throw new ConfigurationException(
          holder.describe() + " is using the data directory " + dir + "; " + advice.apply(holder));
    }
    DataDirLock taken = new DataDirLock(file, channel, lock);
    taken.content.put("pid", Long.toString(ProcessHandle.current().pid()));
    taken.content.put("command", command);
    taken.content.put("started", Instant.now().toString());
    taken.write();
    return taken;
  }

  /** Records the server's URL, for the commands that find the directory taken. */
  public void announce(String url) {
    content.put("url", url);
    write();
  }

  private synchronized void write() {
    StringBuilder text = new StringBuilder();
    content.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    try {
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)), 0);
      channel.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** The holder as its lock file says (it may not have written it yet). */
  static Holder holder(Path file) {
    Map<String, String> values = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          values.put(line.substring(0, eq), line.substring(eq + 1).strip());
        }
      }
    } catch (IOException e) {
      // unreadable: describe the holder without details
    }
    long pid;
    try {
      pid = Long.parseLong(values.getOrDefault("pid", "-1"));
    } catch (NumberFormatException e) {
      pid = -1;
    }
    return new Holder(
        values.getOrDefault("command", "serve"),
        pid,
        Optional.ofNullable(values.get("url")).filter(u -> !u.isBlank()));
  }

  /** Releases the directory (the file stays; an unlocked file holds nothing). */
  @Override
  public synchronized void close() {
    if (!channel.isOpen()) {
      return;
    }
    try {
      lock.release();
    } catch (IOException e) {
      // closing the channel releases it too
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // nothing to do
    }
  }
}
