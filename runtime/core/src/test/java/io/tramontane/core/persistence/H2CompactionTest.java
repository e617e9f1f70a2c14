package io.tramontane.core.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tramontane.core.TramontaneConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class H2CompactionTest {

  @Test
  void theEmbeddedFileNeverReusesSpaceAndIsCompactedAtTheNextStartWithItsRowsKept(@TempDir Path dir)
      throws Exception {
    DatabaseSettings s =
        DatabaseSettings.fromConfig(
            TramontaneConfig.load(Map.of("tramontane.data-dir", dir.toString())));
    assertTrue(s.jdbcUrl().contains("REUSE_SPACE=FALSE"), s.jdbcUrl());
    Files.createDirectories(dir.resolve("db"));
    try (Connection c = DriverManager.getConnection(s.jdbcUrl(), "sa", "");
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(2000))");
      // Many small commits of rows later deleted: with space never reused the file keeps them all.
      try (PreparedStatement ins = c.prepareStatement("MERGE INTO t VALUES (?, ?)")) {
        for (int i = 0; i < 3000; i++) {
          ins.setInt(1, i % 50);
          ins.setString(2, "x".repeat(1500) + i);
          ins.executeUpdate();
        }
      }
    }
    Path file = dir.resolve("db").resolve("tramontane.mv.db");
    long grown = Files.size(file);

    try (Database db = Database.open(s);
        Connection c = db.connection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COUNT(*), MAX(v) FROM t")) {
      rs.next();
      assertEquals(50, rs.getInt(1));
      assertTrue(rs.getString(2).endsWith("2999") || rs.getString(2).startsWith("x"));
    }
    long compacted = Files.size(file);
    assertTrue(compacted * 4 < grown, "compacted " + compacted + " bytes from " + grown);
  }
}
