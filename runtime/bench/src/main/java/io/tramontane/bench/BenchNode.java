package io.tramontane.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.typesafe.config.Config;
import io.tramontane.core.ConfigurationException;
import io.tramontane.core.TramontaneConfig;
import io.tramontane.core.persistence.Database;
import io.tramontane.core.persistence.DatabaseSettings;
import io.tramontane.core.system.Readiness;
import io.tramontane.core.system.TramontaneSystem;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.LoggerFactory;

/** Starting, checking and cleaning up after the node a benchmark measures. */
final class BenchNode {

  private BenchNode() {}

  /** Node configuration for a benchmark: a private data dir, a free cluster port, one database. */
  static Config config(Path dataDir, DatabaseSettings.Kind kind, Map<String, Object> extra) {
    Map<String, Object> overrides = new HashMap<>(extra);
    overrides.put("tramontane.data-dir", dataDir.toString());
    overrides.put("tramontane.cluster.port", 0);
    overrides.put("tramontane.database.kind", kind.name().toLowerCase(Locale.ROOT));
    return TramontaneConfig.load(overrides);
  }

  /**
   * Why PostgreSQL cannot be used, or empty when a connection succeeds. Checked before a node is
   * started so an unreachable server costs seconds, not the node's retry loop.
   */
  static Optional<String> postgresProblem(Config config) {
    DatabaseSettings settings;
    try {
      settings = DatabaseSettings.fromConfig(config);
    } catch (ConfigurationException e) {
      return Optional.of(e.getMessage());
    }
    DriverManager.setLoginTimeout(5);
    try (Connection c =
        DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password())) {
      return c.isValid(5) ? Optional.empty() : Optional.of("the connection is not valid");
    } catch (SQLException e) {
      return Optional.of(
          settings.jdbcUrl()
              + " as "
              + settings.user()
              + ": "
              + e.getMessage()
              + " (set TRAMONTANE_DB_URL, TRAMONTANE_DB_USER, TRAMONTANE_DB_PASSWORD)");
    }
  }

  static Optional<String> awaitReady(TramontaneSystem node, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "not checked";
    while (System.nanoTime() < deadline) {
      try {
        Readiness r = node.readiness().toCompletableFuture().get(10, TimeUnit.SECONDS);
        if (r.ready()) {
          return Optional.empty();
        }
        last = r.checks().toString();
      } catch (ExecutionException | TimeoutException e) {
        last = e.toString();
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    return Optional.of("the node was not ready within " + timeout.toSeconds() + " s: " + last);
  }

  static void quietLogs() {
    ((Logger) LoggerFactory.getLogger("io.tramontane")).setLevel(Level.WARN);
    ((Logger) LoggerFactory.getLogger("tramontane")).setLevel(Level.ERROR);
  }

  /** A fresh temporary data directory for one node. */
  static Path tempDataDir(String name) {
    try {
      return Files.createTempDirectory("tramontane-bench-" + name + "-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary data directory", e);
    }
  }

  /** Removes a temporary data directory; a leftover is reported, not fatal. */
  static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException | UncheckedIOException e) {
      System.err.println("bench: could not remove " + dir + ": " + e.getMessage());
    }
  }

  /** The file system type under {@code dir} (ext4, tmpfs, ...): a tmpfs makes fsync free. */
  static String fileSystem(Path dir) {
    try {
      return Files.getFileStore(dir).type();
    } catch (IOException e) {
      return "unknown";
    }
  }

  /**
   * The persistence ids in the journal that start with {@code prefix} (quoted names: H2's tables
   * are lower case and quoted, which PostgreSQL reads the same way).
   */
  static Set<String> persistenceIds(Database database, String prefix) throws SQLException {
    Set<String> ids = new HashSet<>();
    try (Connection c = database.connection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT \"persistence_id\" FROM \"event_journal\" WHERE \"persistence_id\" LIKE ?")) {
      s.setString(1, prefix + "%");
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
    }
    return ids;
  }

  /**
   * Deletes the events whose persistence id starts with {@code prefix}, so repeated runs do not
   * grow a shared database; tags go with them (ON DELETE CASCADE).
   */
  static long deleteEvents(Database database, String prefix, PrintWriter progress) {
    String sql = "DELETE FROM \"event_journal\" WHERE \"persistence_id\" LIKE ?";
    try (Connection c = database.connection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, prefix + "%");
      return s.executeUpdate();
    } catch (SQLException e) {
      progress.println(
          "bench: could not delete the benchmark's events ("
              + e.getMessage()
              + "); remove them with: DELETE FROM event_journal WHERE persistence_id LIKE '"
              + prefix
              + "%'");
      return 0;
    }
  }
}
