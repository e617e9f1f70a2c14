package io.tramontane.retrieval.parse;

import com.typesafe.config.Config;
import java.time.Duration;

/** Temporary placeholder until the parsing branch merges. */
public record ParserSettings(
    long maxInputBytes,
    int writeLimitChars,
    int maxEmbeddedDepth,
    int maxEmbeddedResources,
    Duration timeout,
    int workers,
    String workerHeap) {
  public static ParserSettings fromConfig(Config c) {
    return new ParserSettings(100L << 20, 5_000_000, 3, 200, Duration.ofSeconds(60), 1, "512m");
  }
}
