package io.tramontane.core.persistence;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * A small connection pool for Tramontane's own tables (feed offsets) and the readiness probe. The
 * journal itself uses pekko-persistence-jdbc's pool, configured from the same {@link
 * DatabaseSettings}. Every call here blocks: run it on {@link io.tramontane.core.Dispatchers}.
 */
public final class Database implements AutoCloseable {

  private final DatabaseSettings settings;
  private final HikariDataSource dataSource;

  private Database(DatabaseSettings settings, HikariDataSource dataSource) {
    this.settings = settings;
    this.dataSource = dataSource;
  }

  /** Opens the pool lazily: no connection is made until the first use. */
  public static Database open(DatabaseSettings settings) {
    if (settings.kind() == DatabaseSettings.Kind.H2) {
      createDirectories(settings.dataDir().resolve("db"));
      H2Compaction.compactAtStart(settings);
    }
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("tramontane-db");
    hikari.setJdbcUrl(settings.jdbcUrl());
    hikari.setUsername(settings.user());
    hikari.setPassword(settings.password());
    hikari.setDriverClassName(settings.driverClass());
    hikari.setMaximumPoolSize(Math.max(2, settings.maxConnections() / 2));
    hikari.setMinimumIdle(0);
    hikari.setConnectionTimeout(Math.max(250, settings.connectionTimeout().toMillis()));
    hikari.setInitializationFailTimeout(-1);
    return new Database(settings, new HikariDataSource(hikari));
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new io.tramontane.core.ConfigurationException(
          "Cannot create the data directory "
              + dir
              + " ("
              + e.getMessage()
              + "); set tramontane.data-dir (env TRAMONTANE_DATA_DIR) to a writable folder.");
    }
  }

  public DatabaseSettings settings() {
    return settings;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public Connection connection() throws SQLException {
    return dataSource.getConnection();
  }

  /** Throws when the database cannot answer a trivial query. */
  public void ping() throws SQLException {
    try (Connection c = connection();
        Statement s = c.createStatement()) {
      s.setQueryTimeout(5);
      s.execute("SELECT 1");
    }
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
