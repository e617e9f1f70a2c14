package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tramontane.retrieval.index.Chunk;
import io.tramontane.retrieval.index.CollectionIndex;
import io.tramontane.retrieval.index.LogPosition;
import io.tramontane.retrieval.ingest.DocumentEntity;
import io.tramontane.server.testing.TestDatabase;
import io.tramontane.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 item 4: the index is reconciled with the log when the node starts. While the server is
 * down, its index loses a document the log holds and gains one the log never had (drift both ways);
 * the next start finds both, repairs them, and {@code GET /collections/{c}/stats} reports it — to
 * the tenant whose documents drifted only.
 */
class IndexDriftH2IT {

  @Test
  void driftBetweenIndexAndLogIsFoundAtStartRepairedAndReported(@TempDir Path dir)
      throws Exception {
    TestDatabase db = TestDatabase.h2(dir);
    Map<String, Object> extra = Map.of("tramontane.retrieval.index.reconcile-interval", "1h");
    String key = TestServer.ACME_KEY;
    try (TestServer server = TestServer.start(db, extra)) {
      for (String id : List.of("a.txt", "b.txt", "c.txt")) {
        var r = IndexGapPostgresIT.upload(server, id, "Note " + id + " about the harbour crane.");
        assertEquals(200, r.statusCode(), r.body());
      }
      assertEquals(
          200,
          IndexGapPostgresIT.upload(server, "b.txt", "Bravo walrus inventory, second version.")
              .statusCode());
      RetrievalRestIT.awaitDocuments(server, key, "kb", 3);
      awaitHit(server, key, "walrus inventory", "b.txt"); // b's second version is applied too
    }

    // Offline: the index loses b.txt (the log has it) and gains ghost.txt (the log never had it).
    try (CollectionIndex index = CollectionIndex.open("kb", dir.resolve("index").resolve("kb"))) {
      Map<String, String> userData = index.committedUserData();
      index.remove("acme", "b.txt");
      float[] vector = new float[384];
      vector[0] = 1;
      index.replace(
          "acme",
          List.of(
              new Chunk(
                  "ghost.txt",
                  0,
                  "ghost.txt",
                  "ghost",
                  "",
                  0,
                  "Phantom walrus never uploaded.",
                  vector,
                  Set.of(),
                  true,
                  "h",
                  Instant.EPOCH)),
          new LogPosition("Document|" + DocumentEntity.entityId("acme", "kb", "ghost.txt"), 2));
      index.commit(userData);
    }

    try (TestServer server = TestServer.start(db, extra)) {
      JsonNode stats = awaitReconciled(server, key, Duration.ofSeconds(60));
      JsonNode rec = stats.get("reconciliation");
      assertEquals(3, stats.get("documents").asInt(), stats.toString());
      assertEquals(1, rec.get("missing").asInt(), stats.toString());
      assertEquals(1, rec.get("extra").asInt(), stats.toString());
      assertEquals(1, rec.get("missingSinceStart").asInt(), stats.toString());
      assertEquals(1, rec.get("extraSinceStart").asInt(), stats.toString());
      assertEquals(2, rec.get("repairedSinceStart").asInt(), stats.toString());
      assertTrue(rec.get("checkedUpToOffset").asLong() >= 4, stats.toString());

      List<String> hits =
          RetrievalRestIT.ids(
              RetrievalRestIT.search(
                  server, key, "kb", Map.of("query", "walrus inventory", "mode", "bm25")));
      assertTrue(hits.contains("b.txt"), "the missing document is back: " + hits);
      assertFalse(hits.contains("ghost.txt"), "the unlogged document is gone: " + hits);

      // Another tenant sees nothing of acme's collection, not even that it exists.
      var globex = server.get("/collections/kb/stats", TestServer.GLOBEX_KEY);
      assertEquals(404, globex.statusCode(), globex.body());
      assertEquals(
          server
              .get("/collections/no-such-kb/stats", TestServer.GLOBEX_KEY)
              .body()
              .replace("no-such-kb", "kb"),
          globex.body(),
          "the same answer as for a collection nobody has");
    }
  }

  static void awaitHit(TestServer server, String key, String query, String id) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    List<String> hits = List.of();
    while (System.nanoTime() < deadline) {
      hits =
          RetrievalRestIT.ids(
              RetrievalRestIT.search(server, key, "kb", Map.of("query", query, "mode", "bm25")));
      if (hits.contains(id)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(id + " never found for '" + query + "': " + hits);
  }

  /** Polls the stats until the reconciliation at start has run. */
  static JsonNode awaitReconciled(TestServer server, String key, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      var r = server.get("/collections/kb/stats", key);
      last = r.body();
      if (r.statusCode() == 200) {
        JsonNode stats = RetrievalRestIT.JSON.readTree(r.body());
        if (stats.get("reconciliation").hasNonNull("lastRun")) {
          return stats;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no reconciliation ran after start: " + last);
  }
}
