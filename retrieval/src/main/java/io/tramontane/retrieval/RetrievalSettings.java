package io.tramontane.retrieval;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.tramontane.core.ConfigurationException;
import io.tramontane.core.TramontaneConfig;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code tramontane.retrieval.*}, read once and checked: a bad value stops start-up with the key's
 * full name.
 */
public record RetrievalSettings(
    Path indexDir,
    String embeddingModel,
    int ingestParallelism,
    int maxQueued,
    int maxChunksPerDocument,
    int overlapTokens,
    int maxIdChars,
    int commitEvery,
    Duration commitInterval,
    int batchSize,
    Duration batchWindow,
    Duration catchUpTimeout,
    Duration reconcileInterval,
    int defaultK,
    int maxK,
    int maxQueryChars) {

  private static final String ROOT = "tramontane.retrieval.";

  public static RetrievalSettings fromConfig(Config config) {
    try {
      Config r = config.getConfig("tramontane.retrieval");
      Path indexDir = TramontaneConfig.directory(config, "tramontane.retrieval.index-dir", "index");
      String model = r.getString("embedding-model");
      if (model.isBlank()) {
        model = config.getString("tramontane.inference.default-embedding-model");
      }
      return new RetrievalSettings(
          indexDir,
          model,
          positive(r, "ingest.parallelism"),
          atLeast(r, "ingest.max-queued", 0),
          positive(r, "ingest.max-chunks-per-document"),
          atLeast(r, "ingest.overlap-tokens", 0),
          positive(r, "ingest.max-id-chars"),
          positive(r, "index.commit-every"),
          duration(r, "index.commit-interval"),
          positive(r, "index.batch-size"),
          duration(r, "index.batch-window"),
          duration(r, "index.catch-up-timeout"),
          duration(r, "index.reconcile-interval"),
          positive(r, "search.default-k"),
          positive(r, "search.max-k"),
          positive(r, "search.max-query-chars"));
    } catch (ConfigException e) {
      throw new ConfigurationException("retrieval settings: " + e.getMessage(), e);
    }
  }

  private static int positive(Config c, String key) {
    return atLeast(c, key, 1);
  }

  private static int atLeast(Config c, String key, int min) {
    int v = c.getInt(key);
    if (v < min) {
      throw new ConfigurationException(ROOT + key + " must be at least " + min + ", was " + v);
    }
    return v;
  }

  private static Duration duration(Config c, String key) {
    Duration d = c.getDuration(key);
    if (d.isNegative() || d.isZero()) {
      throw new ConfigurationException(ROOT + key + " must be a positive duration, was " + d);
    }
    return d;
  }
}
