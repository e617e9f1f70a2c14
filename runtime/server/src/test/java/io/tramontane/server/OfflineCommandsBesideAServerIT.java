package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tramontane.server.testing.CliRun;
import io.tramontane.server.testing.ServerProcess;
import io.tramontane.server.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 item 16: the offline commands that open the embedded database or the index for writing
 * ({@code ingest}, {@code ask}, {@code reindex}, {@code run}, {@code replay}) used to hang for
 * minutes beside a running server on the same data directory. They now say at once, in one line,
 * that a server runs there and what to use instead, and exit 2. A server killed with SIGKILL leaves
 * nothing that blocks them.
 */
class OfflineCommandsBesideAServerIT {

  static final Path EXAMPLES = Path.of("..", "..", "examples");

  static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void eachOfflineCommandRefusesAtOnceNamingTheRunningServer(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    Path doc = Files.writeString(dir.resolve("note.txt"), "Ferries leave at nine.");
    try (ServerProcess server = new ServerProcess(dir, TestDatabase.h2(data))) {
      server.start();
      server.awaitReady(Duration.ofSeconds(300));
      String url = "http://127.0.0.1:" + server.port();
      String d = data.toString();
      List<List<String>> commands =
          List.of(
              List.of("ingest", doc.toString(), "--collection", "kb", "--public", "--data-dir", d),
              List.of("ask", "handbook", "When do ferries leave?", "--data-dir", d),
              List.of("reindex", "--collection", "kb", "--data-dir", d),
              List.of(
                  "run",
                  EXAMPLES.resolve("workflows/answer-ticket.yaml").toString(),
                  "--data-dir",
                  d),
              List.of("replay", "handbook", "s1", "--data-dir", d));
      for (List<String> command : commands) {
        long started = System.nanoTime();
        CliRun r =
            assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> run(command.toArray(String[]::new)),
                command.get(0) + " beside a running server");
        long millis = (System.nanoTime() - started) / 1_000_000;
        String what = command.get(0) + ": " + r.err();
        assertEquals(2, r.exit(), what);
        assertEquals(1, r.err().strip().lines().count(), what);
        assertTrue(r.err().startsWith("tramontane: "), what);
        assertTrue(r.err().contains("server"), what);
        assertTrue(r.err().contains(url), "names the server's URL: " + what);
        assertTrue(r.err().contains(data.toAbsolutePath().normalize().toString()), what);
        assertTrue(millis < 10_000, command.get(0) + " took " + millis + " ms");
      }
      CliRun ingest = run(commands.get(0).toArray(String[]::new));
      assertTrue(ingest.err().contains("PUT " + url + "/collections/"), ingest.err());

      // A second server on the same data directory is refused the same way.
      CliRun serve = run("serve", "--data-dir", d, "--port", "0", "--cluster-port", "0");
      assertEquals(2, serve.exit(), serve.err());
      assertTrue(serve.err().contains(url), serve.err());
      assertEquals(1, serve.err().strip().lines().count(), serve.err());

      // Killed with SIGKILL, the server leaves nothing behind that blocks the offline commands.
      server.kill();
      CliRun after =
          assertTimeoutPreemptively(
              Duration.ofSeconds(120), () -> run(commands.get(0).toArray(String[]::new)));
      assertEquals(0, after.exit(), after.err() + after.out());
      assertFalse(after.err().contains("server"), after.err());
      assertTrue(after.out().contains("indexed    1"), after.out());
    }
  }
}
