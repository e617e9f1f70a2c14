package io.tramontane.core.persistence;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the journal, tag, snapshot, durable-state and offset tables when they are missing. Safe
 * to run at every start and from several nodes at once (PostgreSQL: one transaction under an
 * advisory lock; H2 is single-process).
 */
public final class SchemaInitializer {

  private static final Logger LOG = LoggerFactory.getLogger(SchemaInitializer.class);

  /** Arbitrary constant identifying Tramontane's schema lock among PostgreSQL advisory locks. */
  private static final long ADVISORY_LOCK_KEY = 0x7472616d6f6e74L;

  private SchemaInitializer() {}

  public static void ensureSchema(Database database) throws SQLException {
    DatabaseSettings settings = database.settings();
    String resource =
        settings.kind() == DatabaseSettings.Kind.H2 ? "h2-schema.sql" : "postgres-schema.sql";
    List<String> statements = statements(resource);
    try (Connection c = database.connection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        if (settings.kind() == DatabaseSettings.Kind.POSTGRES) {
          s.execute("SELECT pg_advisory_xact_lock(" + ADVISORY_LOCK_KEY + ")");
        }
        for (String sql : statements) {
          s.execute(sql);
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
    LOG.info("Journal schema ready on {}", settings.describe());
  }

  static List<String> statements(String resource) {
    try (InputStream in = SchemaInitializer.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Schema resource " + resource + " is missing from the jar");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      StringBuilder withoutComments = new StringBuilder();
      for (String line : text.split("\n")) {
        if (!line.strip().startsWith("--")) {
          withoutComments.append(line).append('\n');
        }
      }
      return Arrays.stream(withoutComments.toString().split(";"))
          .map(String::strip)
          .filter(sql -> !sql.isEmpty())
          .toList();
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read schema resource " + resource, e);
    }
  }
}
