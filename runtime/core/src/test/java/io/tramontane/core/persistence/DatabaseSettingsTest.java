package io.tramontane.core.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tramontane.core.ConfigurationException;
import io.tramontane.core.TramontaneConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseSettingsTest {

  @Test
  void embeddedH2UnderTheDataDirIsTheDefault(@TempDir Path dir) {
    DatabaseSettings s =
        DatabaseSettings.fromConfig(
            TramontaneConfig.load(Map.of("tramontane.data-dir", dir.toString())));
    assertEquals(DatabaseSettings.Kind.H2, s.kind());
    assertTrue(
        s.jdbcUrl().startsWith("jdbc:h2:file:" + dir.resolve("db").resolve("tramontane")),
        s.jdbcUrl());
    assertTrue(s.jdbcUrl().contains("WRITE_DELAY=0"), "acknowledged writes reach the file");
    assertTrue(
        s.toPekkoConfig()
            .getString("pekko-persistence-jdbc.shared-databases.slick.profile")
            .contains("H2Profile"));
  }

  @Test
  void postgresIsSelectedByConfigAndThePasswordIsNeverPrinted() {
    DatabaseSettings s =
        DatabaseSettings.fromConfig(
            TramontaneConfig.load(
                Map.of(
                    "tramontane.database.kind", "postgres",
                    "tramontane.database.url", "jdbc:postgresql://db.example:5432/t",
                    "tramontane.database.password", "canary-password-7f3a")));
    assertEquals(DatabaseSettings.Kind.POSTGRES, s.kind());
    assertEquals("canary-password-7f3a", s.password());
    assertFalse(s.toString().contains("canary-password-7f3a"), s.toString());
    assertFalse(s.describe().contains("canary-password-7f3a"), s.describe());
    assertEquals(
        "jdbc:postgresql://db.example:5432/t",
        s.toPekkoConfig().getString("pekko-persistence-jdbc.shared-databases.slick.db.url"));
  }

  @Test
  void passwordFileWins(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("pw");
    Files.writeString(file, "from-file\n");
    DatabaseSettings s =
        DatabaseSettings.fromConfig(
            TramontaneConfig.load(
                Map.of(
                    "tramontane.database.kind", "postgres",
                    "tramontane.database.password", "from-config",
                    "tramontane.database.password-file", file.toString())));
    assertEquals("from-file", s.password());
  }

  @Test
  void anUnknownKindNamesTheKeyAndTheChoices() {
    ConfigurationException e =
        assertThrows(
            ConfigurationException.class,
            () ->
                DatabaseSettings.fromConfig(
                    TramontaneConfig.load(Map.of("tramontane.database.kind", "mysql"))));
    assertTrue(e.getMessage().contains("tramontane.database.kind"), e.getMessage());
    assertTrue(e.getMessage().contains("TRAMONTANE_DB_KIND"), e.getMessage());
    assertTrue(e.getMessage().contains("'postgres'"), e.getMessage());
  }

  @Test
  void aNonPostgresUrlIsRefused() {
    ConfigurationException e =
        assertThrows(
            ConfigurationException.class,
            () ->
                DatabaseSettings.fromConfig(
                    TramontaneConfig.load(
                        Map.of(
                            "tramontane.database.kind", "postgres",
                            "tramontane.database.url", "jdbc:mysql://x/y"))));
    assertTrue(e.getMessage().contains("jdbc:postgresql://"), e.getMessage());
  }

  @Test
  void aPasswordMayBeAFileReferenceLikeEveryOtherSecret(@TempDir Path dir) throws Exception {
    Path secret = Files.writeString(dir.resolve("pw"), "s3cret-from-file\n");
    DatabaseSettings s =
        DatabaseSettings.fromConfig(
            TramontaneConfig.load(
                Map.of(
                    "tramontane.database.kind", "postgres",
                    "tramontane.database.url", "jdbc:postgresql://db.invalid/x",
                    "tramontane.database.password", "file:" + secret)));
    assertEquals("s3cret-from-file", s.password());
    assertThrows(
        ConfigurationException.class,
        () ->
            DatabaseSettings.fromConfig(
                TramontaneConfig.load(
                    Map.of(
                        "tramontane.database.kind", "postgres",
                        "tramontane.database.url", "jdbc:postgresql://db.invalid/x",
                        "tramontane.database.password", "env:TRAMONTANE_SURELY_UNSET_VAR"))));
  }
}
