package io.tramontane.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tramontane.server.cli.Main;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tramontane bench} as the CLI finds it: through the bench jar on the classpath. */
class BenchCommandIT {

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void benchIsACommandWithEveryScenario() {
    Run r = run("bench", "--help");
    assertEquals(0, r.exit(), r.err());
    for (String scenario :
        List.of(
            "agent",
            "embed",
            "ingest",
            "search",
            "quality",
            "tika",
            "journal",
            "webhook",
            "workflow",
            "recovery",
            "imap",
            "sharepoint")) {
      assertTrue(r.out().lines().anyMatch(l -> l.startsWith("  " + scenario + " ")), r.out());
    }
  }

  @Test
  void sharePointBenchMeasuresTheConnectorAgainstTheBareClient(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("sharepoint.json");
    Run r = run("bench", "sharepoint", "--quick", "--out", json.toString());
    assertEquals(0, r.exit(), r.err() + r.out());
    assertTrue(r.out().contains("connector"), r.out());
    assertTrue(r.out().contains("bare HTTP (baseline)"), r.out());
    JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertEquals(100, report.path("files").asInt(), report.toString());
    assertEquals(3, report.path("rounds").size(), report.toString());
    assertTrue(report.path("bestConnector").asDouble() > 0, report.toString());
    assertTrue(report.path("bestBareHttp").asDouble() > 0, report.toString());
  }

  /**
   * What {@code ./tramontane bench} runs with carries no test log settings: a logback-test.xml
   * would win over the server's logback.xml and drop its secret-redacting filter.
   */
  @Test
  void theBenchClasspathKeepsTheServersLogSettings() throws Exception {
    Path listing = Path.of("target", "classpath.txt");
    List<String> entries = List.of(Files.readString(listing).strip().split(File.pathSeparator));
    assertTrue(entries.stream().anyMatch(e -> e.contains("sharepoint")), entries.toString());
    for (String entry : entries) {
      Path p = Path.of(entry);
      if (Files.isDirectory(p)) {
        assertFalse(Files.exists(p.resolve("logback-test.xml")), entry);
      } else if (entry.endsWith(".jar")) {
        try (JarFile jar = new JarFile(p.toFile())) {
          assertNull(jar.getEntry("logback-test.xml"), entry);
        }
      }
    }
  }

  @Test
  void everyOptionDefaultIsShownAsAValue() {
    for (String scenario : List.of("workflow", "journal", "ingest")) {
      Run r = run("bench", scenario, "--help");
      assertEquals(0, r.exit(), r.err());
      assertFalse(r.out().contains("default: null"), r.out());
    }
  }

  @Test
  void dbIsOfferedOnlyWhereAJournalIsMeasuredAndAWrongValueIsRefusedAtOnce() {
    for (String scenario : List.of("tika", "embed", "quality", "imap", "sharepoint", "ingest")) {
      Run help = run("bench", scenario, "--help");
      assertFalse(help.out().contains("--db"), scenario + ":\n" + help.out());
      Run r = run("bench", scenario, "--db=mysql");
      assertEquals(2, r.exit(), r.err());
      assertTrue(r.err().contains("has no option '--db'"), r.err());
    }
    for (String scenario : List.of("agent", "journal", "recovery", "webhook", "workflow")) {
      assertTrue(run("bench", scenario, "--help").out().contains("--db"), scenario);
      long start = System.nanoTime();
      Run r = run("bench", scenario, "--db=mysql", "--quick");
      assertEquals(2, r.exit(), r.err());
      assertTrue(r.err().contains("'mysql' is not h2, postgres or both"), r.err());
      assertTrue(System.nanoTime() - start < 5_000_000_000L, scenario + " ran before refusing");
    }
  }
}
