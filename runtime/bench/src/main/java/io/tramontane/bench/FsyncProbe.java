package io.tramontane.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;

/**
 * The durable-write baseline: one writer appends 512-byte records to a file and forces each one to
 * the disk ({@link FileChannel#force(boolean) force(false)}, i.e. fdatasync) before the next. A
 * journal that acknowledges a write only once it is on disk cannot beat this per writer; it can
 * only batch several writers into one flush.
 */
final class FsyncProbe {

  static final int RECORD_BYTES = 512;

  /** Flushes per second, and the latency of one write + flush. */
  record Result(long fsyncs, double seconds, double perSecond, double p50Ms, double p99Ms) {}

  private FsyncProbe() {}

  static Result run(Path dir, Duration duration) {
    Path file = dir.resolve("fsync-probe.bin");
    long[] latencies = new long[1 << 16];
    int n = 0;
    ByteBuffer record = ByteBuffer.allocateDirect(RECORD_BYTES);
    for (int i = 0; i < RECORD_BYTES; i++) {
      record.put((byte) ('a' + i % 26));
    }
    try (FileChannel channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      long start = System.nanoTime();
      long end = start + duration.toNanos();
      long now = start;
      while (now < end) {
        record.rewind();
        while (record.hasRemaining()) {
          channel.write(record);
        }
        channel.force(false);
        long after = System.nanoTime();
        if (n == latencies.length) {
          latencies = Arrays.copyOf(latencies, n * 2);
        }
        latencies[n++] = after - now;
        now = after;
      }
      double seconds = (now - start) / 1e9;
      long[] sorted = Arrays.copyOf(latencies, n);
      Arrays.sort(sorted);
      return new Result(
          n, seconds, n / seconds, percentileMs(sorted, 0.50), percentileMs(sorted, 0.99));
    } catch (IOException e) {
      throw new UncheckedIOException("fsync probe: cannot write " + file, e);
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // The data dir is removed afterwards anyway.
      }
    }
  }

  private static double percentileMs(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
    return sorted[Math.max(0, index)] / 1e6;
  }
}
