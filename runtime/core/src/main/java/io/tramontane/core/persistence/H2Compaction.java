package io.tramontane.core.persistence;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites the embedded H2 file before the node opens it. The default URL never reuses space (see
 * {@link DatabaseSettings}), so the file grows with every commit while the node runs; {@code
 * SHUTDOWN COMPACT} on a file nobody else holds writes the live data into a new file and replaces
 * the old one. Only the default file under the data directory is compacted; a custom {@code h2-url}
 * is left as configured.
 */
final class H2Compaction {

  private static final Logger LOG = LoggerFactory.getLogger(H2Compaction.class);

  private H2Compaction() {}

  static void compactAtStart(DatabaseSettings settings) {
    Path file = settings.dataDir().resolve("db").resolve("tramontane.mv.db");
    if (!settings.jdbcUrl().equals(DatabaseSettings.h2FileUrl(file.resolveSibling("tramontane")))
        || !Files.isRegularFile(file)) {
      return;
    }
    long before = size(file);
    long started = System.nanoTime();
    try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), settings.user(), "");
        Statement s = c.createStatement()) {
      s.execute("SHUTDOWN COMPACT");
    } catch (SQLException e) {
      // Held by another process or unreadable: the journal's own pool reports it with its cause.
      LOG.warn("Embedded database not compacted at start: {}", e.getMessage());
      return;
    }
    LOG.info(
        "Embedded database compacted at start: {} MB -> {} MB in {} ms",
        before / (1024 * 1024),
        size(file) / (1024 * 1024),
        (System.nanoTime() - started) / 1_000_000);
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (java.io.IOException e) {
      return -1;
    }
  }
}
