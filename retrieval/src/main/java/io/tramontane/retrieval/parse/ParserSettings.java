package io.tramontane.retrieval.parse;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.tramontane.core.ConfigurationException;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Limits and isolation of document parsing, read from {@code tramontane.retrieval.parser} (see
 * {@code reference.conf}).
 *
 * @param maxInputBytes documents larger than this are refused before parsing
 * @param writeLimitChars extraction stops after this many characters; the document is kept, flagged
 *     truncated
 * @param maxEmbeddedDepth attachments nested deeper than this are skipped (1 = attachments of the
 *     document itself, not their own attachments)
 * @param maxEmbeddedResources at most this many attachments and embedded files are parsed per
 *     document
 * @param timeout how long one document may take in a worker before the worker is killed
 * @param workers how many worker JVMs parse at the same time
 * @param workerHeap the {@code -Xmx} of each worker JVM, e.g. {@code 512m}
 */
public record ParserSettings(
    long maxInputBytes,
    int writeLimitChars,
    int maxEmbeddedDepth,
    int maxEmbeddedResources,
    Duration timeout,
    int workers,
    String workerHeap) {

  /** The configuration path of these settings. */
  public static final String PATH = "tramontane.retrieval.parser";

  private static final Pattern HEAP = Pattern.compile("[1-9][0-9]*[kKmMgG]?");

  public ParserSettings {
    positive(maxInputBytes, "max-input-bytes");
    positive(writeLimitChars, "write-limit-chars");
    if (maxEmbeddedDepth < 0) {
      throw new ConfigurationException(
          key("max-embedded-depth") + " must be 0 or more (0 skips all attachments)");
    }
    if (maxEmbeddedResources < 0) {
      throw new ConfigurationException(key("max-embedded-resources") + " must be 0 or more");
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new ConfigurationException(key("timeout") + " must be a positive duration, e.g. 60s");
    }
    positive(workers, "workers");
    if (workerHeap == null || !HEAP.matcher(workerHeap).matches()) {
      throw new ConfigurationException(
          key("worker-heap")
              + " must be a JVM heap size such as 512m or 2g, not \""
              + workerHeap
              + "\"");
    }
  }

  /** These settings with other input and write limits. */
  public ParserSettings withLimits(long maxInputBytes, int writeLimitChars) {
    return with(maxInputBytes, writeLimitChars, timeout, workers, workerHeap);
  }

  /** These settings with another timeout and worker heap. */
  public ParserSettings withIsolation(Duration timeout, int workers, String workerHeap) {
    return with(maxInputBytes, writeLimitChars, timeout, workers, workerHeap);
  }

  private ParserSettings with(
      long inputBytes, int writeChars, Duration timeout, int workers, String workerHeap) {
    return new ParserSettings(
        inputBytes,
        writeChars,
        maxEmbeddedDepth,
        maxEmbeddedResources,
        timeout,
        workers,
        workerHeap);
  }

  /**
   * Reads {@code tramontane.retrieval.parser.*}.
   *
   * @throws ConfigurationException naming the key when a value is missing or malformed
   */
  public static ParserSettings fromConfig(Config config) {
    Config c;
    try {
      c = config.getConfig(PATH);
    } catch (ConfigException e) {
      throw new ConfigurationException(PATH + " is missing or not an object: " + e.getMessage(), e);
    }
    return new ParserSettings(
        read(() -> c.getBytes("max-input-bytes"), "max-input-bytes"),
        intValue(
            read(() -> c.getBytes("write-limit-chars"), "write-limit-chars"), "write-limit-chars"),
        read(() -> c.getInt("max-embedded-depth"), "max-embedded-depth"),
        read(() -> c.getInt("max-embedded-resources"), "max-embedded-resources"),
        read(() -> c.getDuration("timeout"), "timeout"),
        read(() -> c.getInt("workers"), "workers"),
        read(() -> c.getString("worker-heap"), "worker-heap").trim());
  }

  private interface Reader<T> {
    T read();
  }

  private static <T> T read(Reader<T> reader, String name) {
    try {
      return reader.read();
    } catch (ConfigException e) {
      throw new ConfigurationException(
          key(name) + " is missing or malformed: " + e.getMessage(), e);
    }
  }

  private static int intValue(long value, String name) {
    if (value > Integer.MAX_VALUE) {
      throw new ConfigurationException(key(name) + " must be at most " + Integer.MAX_VALUE);
    }
    return (int) value;
  }

  private static void positive(long value, String name) {
    if (value <= 0) {
      throw new ConfigurationException(key(name) + " must be positive, not " + value);
    }
  }

  static String key(String name) {
    return PATH + "." + name;
  }
}
