package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tramontane.server.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user meets it: the demo walk-through, and one-line errors. */
class CliIT {

  static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void demoWalksThroughASignedWebhookOnTheEmbeddedDefaults(@TempDir Path dir) {
    // The server's log lines go to a file during the demo: the console shows the walk-through.
    java.io.ByteArrayOutputStream console = new java.io.ByteArrayOutputStream();
    java.io.PrintStream stdout = System.out;
    System.setOut(new java.io.PrintStream(console, true, java.nio.charset.StandardCharsets.UTF_8));
    CliRun r;
    try {
      r =
          run(
              "demo",
              "--exit",
              "--port",
              "0",
              "--cluster-port",
              "0",
              "--data-dir",
              dir.toString(),
              "--corpus",
              HANDBOOK.toString());
    } finally {
      System.setOut(stdout);
    }
    String logged = console.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertFalse(logged.matches("(?s).*\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (INFO|WARN) .*"), logged);
    assertTrue(r.out().contains("Server log: " + dir.resolve("server.log")), r.out());
    // The demo key can try the README's workflow and agent commands, and says so.
    assertTrue(
        r.out()
            .matches("(?s).*API key: .*scopes: .*workflows:read workflows:write workflows:run.*"),
        r.out());
    // Every curl it prints can be pasted as is: no file that does not exist.
    assertFalse(r.out().contains("@notes.txt"), r.out());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("POST /hooks/demo -> 202"), r.out());
    assertTrue(r.out().contains("\"duplicate\":true"), r.out());
    assertTrue(r.out().contains("Tampered body         POST /hooks/demo -> 401"), r.out());
    assertTrue(r.out().matches("(?s).*GET /hooks/demo/deliveries/msg_\\w+ -> 200.*"), r.out());
    assertTrue(r.out().contains("feed   -> delivery"), r.out());
    // The shipped model, on the CPU, ranks the invoice passage first for an invoice question.
    assertTrue(
        r.out().matches("(?s).*Shipped model +minilm \\(384 dimensions\\) on cpu.*"), r.out());
    String ranking = r.out().substring(r.out().indexOf("Shipped model"));
    assertTrue(
        ranking.lines().skip(1).findFirst().orElseThrow().contains("Invoices are paid"), ranking);
    assertTrue(
        r.out().contains("6. Agent 'demo' (no LLM)") && r.out().contains("first: sailings.txt"),
        r.out());
    // Webhook -> workflow -> agent -> callback.
    String step7 = r.out().substring(r.out().indexOf("7. Workflow 'demo-ticket'"));
    assertTrue(step7.contains("POST /hooks/tickets -> 202"), step7);
    assertTrue(step7.contains("\"ticket\":42") && step7.contains("invoices.txt"), step7);
    // The demo corpus, kept in sync by a file-system connector.
    String step8 = r.out().substring(r.out().indexOf("8. Folder connector"));
    assertTrue(step8.contains("collection 'handbook': idle, 5 document(s) synced"), step8);
    assertTrue(step8.contains("-> leave-and-holidays.txt"), step8);
    assertTrue(Files.exists(dir.resolve("db")), "H2 database created under the data dir");
    assertFalse(
        r.out().contains(readQuietly(dir.resolve("api-key"))), "the API key is not printed");
  }

  /** The demo corpus the README points at, from this module's directory. */
  static final Path HANDBOOK = Path.of("..", "..", "examples", "handbook");

  @Test
  void ingestThenSearchTheDemoCorpusAsTheReadmeSays(@TempDir Path dir) {
    String data = dir.toString();
    CliRun ingest =
        run(
            "ingest",
            HANDBOOK.toString(),
            "--collection",
            "handbook",
            "--public",
            "--data-dir",
            data);
    assertEquals(0, ingest.exit(), ingest.err() + ingest.out());
    assertTrue(ingest.out().contains("indexed    5"), ingest.out());
    assertTrue(ingest.out().contains("failed     0"), ingest.out());
    CliRun again =
        run(
            "ingest",
            HANDBOOK.toString(),
            "--collection",
            "handbook",
            "--public",
            "--data-dir",
            data);
    assertTrue(again.out().contains("unchanged  5"), again.out());

    CliRun search =
        run(
            "search",
            "how many days of holiday do I get",
            "--collection",
            "handbook",
            "--data-dir",
            data);
    assertEquals(0, search.exit(), search.err());
    assertTrue(search.out().startsWith("1. "), search.out());
    assertTrue(
        search.out().lines().findFirst().orElseThrow().contains("leave-and-holidays"),
        search.out());
    assertTrue(search.out().contains("**holiday**"), search.out());
    CliRun bm25 =
        run(
            "search",
            "hotel nights Paris",
            "--collection",
            "handbook",
            "--mode",
            "bm25",
            "-k",
            "1",
            "--data-dir",
            data);
    assertTrue(bm25.out().contains("travel-policy.md"), bm25.out());

    // The demo agent answers from the same corpus with citations, with no language model.
    CliRun ask =
        run(
            "ask",
            "handbook",
            "How many days of holiday do I get?",
            "--agents",
            Path.of("..", "..", "examples", "agents").toString(),
            "--data-dir",
            data);
    assertEquals(0, ask.exit(), ask.err());
    assertTrue(ask.out().startsWith("No language model is configured"), ask.out());
    assertTrue(ask.out().contains("twenty-five days"), ask.out());
    assertTrue(ask.out().contains("[1] leave-and-holidays.txt"), ask.out());

    CliRun rebuilt = run("reindex", "--collection", "handbook", "--data-dir", data);
    assertEquals(0, rebuilt.exit(), rebuilt.err());
    assertTrue(rebuilt.out().contains("Rebuilt collection 'handbook'"), rebuilt.out());
    assertEquals(
        search.out(),
        run(
                "search",
                "how many days of holiday do I get",
                "--collection",
                "handbook",
                "--data-dir",
                data)
            .out());
  }

  @Test
  void retrievalCommandMistakesAreOneLineErrors(@TempDir Path dir) {
    CliRun noAcl =
        run(
            "ingest",
            HANDBOOK.toString(),
            "--collection",
            "handbook",
            "--data-dir",
            dir.toString());
    assertEquals(2, noAcl.exit());
    assertTrue(noAcl.err().contains("--acl"), noAcl.err());
    assertFalse(noAcl.err().contains("\tat "), "no stack trace: " + noAcl.err());
    CliRun unknown = run("search", "x", "--collection", "nothing", "--data-dir", dir.toString());
    assertEquals(2, unknown.exit());
    assertTrue(unknown.err().contains("no collection named 'nothing'"), unknown.err());
    CliRun badName = run("search", "x", "--collection", "../etc", "--data-dir", dir.toString());
    assertEquals(2, badName.exit());
    assertTrue(badName.err().contains("is not valid"), badName.err());
  }

  static String readQuietly(Path p) {
    try {
      return Files.readString(p).strip();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aMissingSecretStopsStartUpWithOneLineNamingTheKey(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("bad.conf");
    Files.writeString(
        conf,
        """
        tramontane.intake.triggers.orders {
          tenant = "acme"
          scheme = "standard-webhooks"
          secrets = ["env:TRAMONTANE_IT_SURELY_UNSET_SECRET"]
        }
        """);
    CliRun r =
        run(
            "serve",
            "--config",
            conf.toString(),
            "--data-dir",
            dir.toString(),
            "--port",
            "0",
            "--cluster-port",
            "0");
    assertEquals(2, r.exit());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(
        r.err().startsWith("tramontane: tramontane.intake.triggers.orders.secrets[0]"), r.err());
    assertTrue(r.err().contains("TRAMONTANE_IT_SURELY_UNSET_SECRET"), r.err());
  }

  @Test
  void aMissingConfigFileIsNamed(@TempDir Path dir) {
    CliRun r =
        run(
            "serve",
            "--config",
            dir.resolve("nope.conf").toString(),
            "--port",
            "0",
            "--cluster-port",
            "0");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("nope.conf does not exist"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @Test
  void anUnknownDatabaseKindSaysWhatIsAllowed(@TempDir Path dir) {
    CliRun r =
        run(
            "serve",
            "--db",
            "oracle",
            "--data-dir",
            dir.toString(),
            "--port",
            "0",
            "--cluster-port",
            "0");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("'h2'") && r.err().contains("'postgres'"), r.err());
  }

  @Test
  void versionNamesProductAndJvm() {
    CliRun r = run("version");
    assertEquals(0, r.exit());
    assertTrue(r.out().startsWith("Tramontane "), r.out());
    assertTrue(r.out().contains("Java "), r.out());
  }

  @Test
  void aPortInUseIsOneLineNamingThePort(@TempDir Path dir) throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
      CliRun r =
          run(
              "serve",
              "--data-dir",
              dir.toString(),
              "--port",
              Integer.toString(taken.getLocalPort()),
              "--cluster-port",
              "0");
      assertEquals(2, r.exit(), r.err());
      assertTrue(r.err().contains(":" + taken.getLocalPort()), r.err());
      assertTrue(r.err().contains("--port"), r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
    }
  }

  /** Issue 15 item 17: the cluster port clash was an 85-line stack trace. */
  @Test
  void aClusterPortInUseIsOneLineNamingThePortAndTheFlag(@TempDir Path dir) throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      // From the configuration file...
      Path conf = dir.resolve("node.conf");
      Files.writeString(conf, "tramontane.cluster.port = " + taken.getLocalPort() + "\n");
      CliRun fromFile =
          run(
              "serve",
              "--config",
              conf.toString(),
              "--data-dir",
              dir.resolve("a").toString(),
              "--port",
              "0");
      assertEquals(2, fromFile.exit(), fromFile.err());
      assertEquals(1, fromFile.err().strip().lines().count(), fromFile.err());
      assertTrue(fromFile.err().contains(":" + taken.getLocalPort()), fromFile.err());
      assertTrue(fromFile.err().contains("--cluster-port"), fromFile.err());
      // ... and from the flag, on serve and on demo.
      for (String command : new String[] {"serve", "demo"}) {
        CliRun flag =
            run(
                command,
                "--data-dir",
                dir.resolve(command).toString(),
                "--port",
                "0",
                "--cluster-port",
                Integer.toString(taken.getLocalPort()));
        assertEquals(2, flag.exit(), command + ": " + flag.err());
        assertEquals(1, flag.err().strip().lines().count(), command + ": " + flag.err());
        assertTrue(flag.err().contains("cluster port"), flag.err());
        assertTrue(flag.err().contains(":" + taken.getLocalPort()), flag.err());
      }
    }
  }
}
