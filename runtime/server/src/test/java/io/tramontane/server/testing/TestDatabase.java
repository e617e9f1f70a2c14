package io.tramontane.server.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The journal database of an integration test: H2 in a temporary directory, or a fresh schema on
 * the real PostgreSQL named by {@code TRAMONTANE_TEST_PG_URL} (with {@code _USER}, {@code
 * _PASSWORD}). Without that variable PostgreSQL tests are skipped on a laptop and fail under CI.
 */
public record TestDatabase(String kind, String url, String user, String password, Path dataDir) {

  public static final String PG_URL = "TRAMONTANE_TEST_PG_URL";

  public static TestDatabase h2(Path dataDir) {
    return new TestDatabase("h2", "", "sa", "", dataDir);
  }

  /** A new, empty schema on the test PostgreSQL server. */
  public static TestDatabase postgres(Path dataDir) {
    String base = System.getenv(PG_URL);
    if (base == null || base.isBlank()) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail(
            PG_URL + " is not set under CI: .ci/run must start PostgreSQL and export it.");
      }
      Assumptions.abort(
          "PostgreSQL tests need "
              + PG_URL
              + " (and _USER, _PASSWORD); .ci/run sets them. Skipped on this machine.");
    }
    String user = env("TRAMONTANE_TEST_PG_USER", "tramontane");
    String password = env("TRAMONTANE_TEST_PG_PASSWORD", "tramontane");
    String schema = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(base, user, password);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create schema on " + base + ": " + e.getMessage(), e);
    }
    String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    return new TestDatabase("postgres", url, user, password, dataDir);
  }

  public static TestDatabase of(String kind, Path dataDir) {
    return switch (kind.toLowerCase(Locale.ROOT)) {
      case "h2" -> h2(dataDir);
      case "postgres" -> postgres(dataDir);
      default -> throw new IllegalArgumentException(kind);
    };
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  /** Configuration overrides selecting this database. */
  public Map<String, Object> overrides() {
    Map<String, Object> o = new HashMap<>();
    o.put("tramontane.data-dir", dataDir.toString());
    o.put("tramontane.database.kind", kind);
    if (kind.equals("postgres")) {
      o.put("tramontane.database.url", url);
      o.put("tramontane.database.user", user);
      o.put("tramontane.database.password", password);
    }
    return o;
  }

  /** Environment variables selecting this database, for a server started as a process. */
  public Map<String, String> environment() {
    Map<String, String> e = new HashMap<>();
    e.put("TRAMONTANE_DATA_DIR", dataDir.toString());
    e.put("TRAMONTANE_DB_KIND", kind);
    if (kind.equals("postgres")) {
      e.put("TRAMONTANE_DB_URL", url);
      e.put("TRAMONTANE_DB_USER", user);
      e.put("TRAMONTANE_DB_PASSWORD", password);
    }
    return e;
  }

  /** A direct JDBC connection, for assertions on what the journal holds. */
  public Connection connect() throws SQLException {
    if (kind.equals("h2")) {
      return DriverManager.getConnection(
          "jdbc:h2:file:" + dataDir.resolve("db").resolve("tramontane") + ";FILE_LOCK=FS",
          "sa",
          "");
    }
    return DriverManager.getConnection(url, user, password);
  }

  /** One journaled event: its persistence id, sequence number, serializer manifest and payload. */
  public record JournalEntry(
      String persistenceId, long sequenceNr, String manifest, byte[] payload) {

    /** Whether the (CBOR) payload carries {@code text}, e.g. an item's name. */
    public boolean mentions(String text) {
      return new String(payload, StandardCharsets.ISO_8859_1)
          .contains(new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
    }
  }

  /** The events of the persistence ids starting with {@code prefix}, each id's in order. */
  public List<JournalEntry> journal(String prefix) throws SQLException {
    boolean h2 = kind.equals("h2");
    String q = h2 ? "\"" : "";
    String sql =
        "SELECT "
            + String.join(
                ", ",
                List.of(
                    q + "persistence_id" + q,
                    q + "sequence_number" + q,
                    q + "event_ser_manifest" + q,
                    q + "event_payload" + q))
            + " FROM "
            + (h2 ? "PUBLIC.\"event_journal\"" : "event_journal")
            + " WHERE "
            + q
            + "persistence_id"
            + q
            + " LIKE ? ORDER BY 1, 2";
    List<JournalEntry> entries = new ArrayList<>();
    try (Connection c = connect();
        var s = c.prepareStatement(sql)) {
      s.setString(1, prefix.replace("%", "\\%").replace("_", "\\_") + "%");
      try (var rs = s.executeQuery()) {
        while (rs.next()) {
          entries.add(
              new JournalEntry(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getBytes(4)));
        }
      }
    }
    return entries;
  }

  /** How many events the journal holds for one persistence id. */
  public int eventCount(String persistenceId) throws SQLException {
    String table = kind.equals("h2") ? "PUBLIC.\"event_journal\"" : "event_journal";
    String column = kind.equals("h2") ? "\"persistence_id\"" : "persistence_id";
    try (Connection c = connect();
        var s = c.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE " + column + " = ?")) {
      s.setString(1, persistenceId);
      try (var rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
