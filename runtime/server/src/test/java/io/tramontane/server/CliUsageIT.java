package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tramontane.server.testing.CliRun;
import io.tramontane.server.testing.TestDatabase;
import io.tramontane.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a new user meets first on the command line: help, versions, mistakes and waiting. */
class CliUsageIT {

  static final List<String> OFFLINE =
      List.of("ingest", "search", "ask", "replay", "run", "reindex");

  @Test
  void versionHasHelpAndEveryCommandPrintsTheVersion() {
    CliRun help = CliIT.run("version", "--help");
    assertEquals(0, help.exit(), help.err());
    assertTrue(help.out().contains("Usage: tramontane version"), help.out());
    for (String command : List.of("serve", "ingest", "runs")) {
      CliRun v = CliIT.run(command, "-V");
      assertEquals(0, v.exit(), v.err());
      assertTrue(v.out().startsWith("Tramontane "), command + " -V: '" + v.out() + "'");
    }
  }

  @Test
  void commandListsShowWholeSentences() {
    for (String[] args : List.of(new String[] {"--help"}, new String[] {"runs", "--help"})) {
      CliRun r = CliIT.run(args);
      assertEquals(0, r.exit(), r.err());
      List<String> entries = new ArrayList<>();
      boolean commands = false;
      for (String line : r.out().lines().toList()) {
        if (line.equals("Commands:")) {
          commands = true;
        } else if (commands && line.matches("  \\S.*")) {
          entries.add(line.strip());
        } else if (commands && line.matches(" {3,}\\S.*") && !entries.isEmpty()) {
          entries.set(entries.size() - 1, entries.getLast() + " " + line.strip());
        }
      }
      assertFalse(entries.isEmpty(), r.out());
      for (String entry : entries) {
        assertTrue(entry.endsWith(".") || entry.endsWith(".)"), "cut mid-sentence: " + entry);
      }
    }
  }

  @Test
  void offlineCommandsDoNotOfferAnHttpPort() {
    for (String command : OFFLINE) {
      CliRun r = CliIT.run(command, "--help");
      assertEquals(0, r.exit(), r.err());
      assertFalse(r.out().contains("--port"), command + " --help:\n" + r.out());
    }
    assertTrue(CliIT.run("serve", "--help").out().contains("--port"));
  }

  @Test
  void aMistypedOptionIsNamedWithTheClosestOne() {
    // --colection is meant as the required --collection: the typo is what to show, not "missing".
    CliRun r = CliIT.run("search", "holidays", "--colection", "handbook");
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("'--colection'"), r.err());
    assertTrue(r.err().contains("did you mean --collection?"), r.err());
    CliRun runs = CliIT.run("runs", "list", "approval", "--limt", "3");
    assertEquals(2, runs.exit(), runs.err());
    assertTrue(runs.err().contains("'--limt'; did you mean --limit?"), runs.err());
  }

  @Test
  void aMistypedCommandIsNamedWithTheClosestOne() {
    CliRun r = CliIT.run("searh", "holidays");
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("has no command 'searh'; did you mean search?"), r.err());
    CliRun runs = CliIT.run("runs", "lst", "approval");
    assertEquals(2, runs.exit(), runs.err());
    assertTrue(runs.err().contains("runs has no command 'lst'; did you mean list?"), runs.err());
    CliRun far = CliIT.run("zzzzzzzz");
    assertEquals(2, far.exit(), far.err());
    assertTrue(far.err().contains("has no command 'zzzzzzzz'. Commands:"), far.err());
  }

  @Test
  void aJsonInputMistakeSaysWhereInPlainWords(@TempDir Path dir) throws Exception {
    Path flow = dir.resolve("hello.yaml");
    Files.writeString(
        flow,
        """
        document: {dsl: '1.0.0', namespace: t, name: hello, version: '1.0.0'}
        do:
          - greet: {set: {greeting: hello}}
        """);
    CliRun r =
        CliIT.run("run", flow.toString(), "--input", "{ticket: 42}", "--data-dir", dir.toString());
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("--input is not valid JSON at line 1, column 2"), r.err());
    assertTrue(r.err().contains("unexpected 't'"), r.err());
    assertFalse(r.err().contains("Source:") || r.err().contains("StreamReadFeature"), r.err());
    assertFalse(r.err().contains("(code "), r.err());
    CliRun cut =
        CliIT.run(
            "run", flow.toString(), "--input", "{\"ticket\": 4", "--data-dir", dir.toString());
    assertEquals(2, cut.exit(), cut.err());
    assertTrue(cut.err().contains("ends before the value is complete"), cut.err());
  }

  @Test
  void anOfflineCommandSaysWhatItIsDoingBeforeTheWait(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("note.txt"), "The office is closed on 24 December.");
    Path data = dir.resolve("data");
    CliRun r =
        CliIT.run(
            "ingest",
            dir.resolve("note.txt").toString(),
            "--collection",
            "notes",
            "--public",
            "--data-dir",
            data.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(
        r.err().lines().findFirst().orElse("").startsWith("tramontane ingest: opening " + data),
        r.err());
  }

  @Test
  void listingTheRunsOfAnUnknownWorkflowIsAnError(@TempDir Path dir) {
    try (TestServer server = TestServer.start(TestDatabase.h2(dir), Map.of())) {
      CliRun r =
          CliIT.run(
              "runs",
              "list",
              "no-such-flow",
              "--server",
              server.uri("").toString(),
              "--api-key",
              TestServer.ACME_KEY);
      assertEquals(2, r.exit(), r.out());
      assertTrue(
          r.err().contains("no workflow 'no-such-flow' is deployed in this API key's tenant"),
          r.err());
    }
  }
}
