package io.tramontane.core.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tramontane.core.TramontaneConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaInitializerTest {

  @Test
  void createsEveryTableAndCanRunAgain(@TempDir Path dir) throws Exception {
    DatabaseSettings settings =
        DatabaseSettings.fromConfig(
            TramontaneConfig.load(Map.of("tramontane.data-dir", dir.toString())));
    try (Database db = Database.open(settings)) {
      SchemaInitializer.ensureSchema(db);
      SchemaInitializer.ensureSchema(db); // every start runs it
      Set<String> tables = new TreeSet<>();
      try (Connection c = db.connection();
          ResultSet rs = c.getMetaData().getTables(null, "PUBLIC", "%", new String[] {"TABLE"})) {
        while (rs.next()) {
          tables.add(rs.getString("TABLE_NAME").toLowerCase(java.util.Locale.ROOT));
        }
      }
      assertEquals(
          Set.of("durable_state", "event_journal", "event_tag", "snapshot", "tramontane_offset"),
          tables);
    }
  }

  @Test
  void splitsTheScriptIntoStatementsWithoutComments() {
    var statements = SchemaInitializer.statements("postgres-schema.sql");
    assertEquals(true, statements.stream().noneMatch(s -> s.startsWith("--")));
    assertEquals(true, statements.stream().allMatch(s -> s.contains("IF NOT EXISTS")));
  }
}
