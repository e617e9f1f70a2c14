package io.tramontane.core.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tramontane.core.TramontaneConfig;
import io.tramontane.testkit.Requirements;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Several nodes starting at once on a real PostgreSQL create the schema once, without errors. */
class SchemaInitializerPostgresIT {

  @Test
  void concurrentStartsCreateTheSchemaOnce() throws Exception {
    String base = Requirements.env("TRAMONTANE_TEST_PG_URL", "set by .ci/run");
    String user = envOr("TRAMONTANE_TEST_PG_USER", "tramontane");
    String password = envOr("TRAMONTANE_TEST_PG_PASSWORD", "tramontane");
    String schema = "it_schema_" + UUID.randomUUID().toString().substring(0, 8);
    try (Connection c = DriverManager.getConnection(base, user, password);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    DatabaseSettings settings =
        DatabaseSettings.fromConfig(
            TramontaneConfig.load(
                Map.of(
                    "tramontane.database.kind", "postgres",
                    "tramontane.database.url", url,
                    "tramontane.database.user", user,
                    "tramontane.database.password", password)));
    List<Database> nodes = new ArrayList<>();
    try {
      List<CompletableFuture<Void>> starts = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Database db = Database.open(settings);
        nodes.add(db);
        starts.add(
            CompletableFuture.runAsync(
                () -> {
                  try {
                    SchemaInitializer.ensureSchema(db);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }));
      }
      CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
      try (Connection c = nodes.get(0).connection();
          ResultSet rs =
              c.createStatement()
                  .executeQuery(
                      "SELECT count(*) FROM information_schema.tables WHERE table_schema = '"
                          + schema
                          + "'")) {
        rs.next();
        assertEquals(5, rs.getInt(1));
      }
    } finally {
      nodes.forEach(Database::close);
    }
  }

  private static String envOr(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
