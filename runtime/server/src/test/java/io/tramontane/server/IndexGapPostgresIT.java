package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tramontane.retrieval.ingest.DocumentEntity;
import io.tramontane.server.testing.TestDatabase;
import io.tramontane.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 item 4: the index projection never skips an event. One upload's journal transaction is
 * held open (a trigger on the journal table waits on an advisory lock the test holds, for that
 * document's row only, after its {@code ordering} was drawn from the sequence) while other uploads
 * commit with higher orderings. The test releases the lock only once the index holds those later
 * documents, so the projection has read past the missing ordering whatever the machine's speed; the
 * late event must still reach the index: every acknowledged document becomes searchable and is
 * counted, and the reconciliation reports the repair.
 */
class IndexGapPostgresIT {

  /**
   * Gap detection gives up after query-delay × max-tries = 200 ms × 10 = 2 s here (production: 1 s
   * × 10 = 10 s, with a 10 s journal call timeout that would fail the held write instead). The held
   * transaction lasts four times that window.
   */
  static final Duration GAP_WINDOW = Duration.ofSeconds(2);

  /** At most this long (below the upload's own 30 s ask timeout) the late write is held. */
  static final Duration MAX_HOLD = Duration.ofSeconds(20);

  static final long LOCK = 4_217_001L;

  static final int OTHERS = 8;

  @Test
  void aLateCommittingDocumentIsIndexedAndCounted(@TempDir Path dir) throws Exception {
    TestDatabase db = TestDatabase.postgres(dir);
    Map<String, Object> extra =
        Map.of(
            "jdbc-read-journal.journal-sequence-retrieval.query-delay", "200ms",
            "jdbc-read-journal.journal-sequence-retrieval.max-tries", 10,
            "tramontane.retrieval.index.reconcile-interval", "2s",
            "jdbc-journal.circuit-breaker.call-timeout", "60s",
            "pekko.http.server.request-timeout", "60s",
            "tramontane.retrieval.ingest.parallelism", OTHERS + 2);
    try (TestServer server = TestServer.start(db, extra)) {
      String key = TestServer.ACME_KEY;
      assertEquals(
          200, upload(server, "first.txt", "The first document opens the kb.").statusCode());
      RetrievalRestIT.awaitDocuments(server, key, "kb", 1);

      String held = "held/late.txt";
      String pid = "Document|" + DocumentEntity.entityId("acme", "kb", held);
      Connection lockHolder = db.connect();
      try (Statement s = lockHolder.createStatement()) {
        s.execute(
            "CREATE OR REPLACE FUNCTION hold_one_document() RETURNS trigger AS $$ BEGIN"
                + " IF NEW.persistence_id = '"
                + pid
                + "' THEN PERFORM pg_advisory_xact_lock("
                + LOCK
                + "); END IF; RETURN NEW; END $$ LANGUAGE plpgsql");
        s.execute(
            "CREATE TRIGGER hold_one_document BEFORE INSERT ON event_journal"
                + " FOR EACH ROW EXECUTE FUNCTION hold_one_document()");
        s.execute("SELECT pg_advisory_lock(" + LOCK + ")");
      }
      try {
        long start = System.nanoTime();
        CompletableFuture<Integer> late =
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return upload(server, held, "Late zeppelin manifest, committed last.")
                        .statusCode();
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
        awaitHeldRowSleeping(db);
        // Pekko acknowledges journal writes in the order they were asked for (and a document in a
        // shard not yet allocated waits for the coordinator's own write), so the others' uploads
        // are answered only after the held one; they are sent at once, and those that can commit
        // (with higher orderings) do so while it waits.
        List<String> others = new ArrayList<>();
        List<CompletableFuture<java.net.http.HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < OTHERS; i++) {
          String id = "other-" + i + ".txt";
          String text = "Ordinary note " + i + " about quarterly figures.";
          others.add(id);
          sent.add(
              CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      return upload(server, id, text);
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  }));
        }
        // The index holds a later document while the held one is uncommitted: the projection has
        // read past its ordering.
        boolean passed = indexHolds(server, key, others, MAX_HOLD);
        release(lockHolder);
        assertTrue(
            passed,
            "the index did not hold any later document within "
                + MAX_HOLD.toSeconds()
                + " s (gap detection gives up after "
                + GAP_WINDOW.toMillis()
                + " ms)");
        for (var r : sent) {
          var response = r.get(60, TimeUnit.SECONDS);
          assertEquals(200, response.statusCode(), response.body());
        }
        assertEquals(200, late.get(60, TimeUnit.SECONDS), "the held upload is acknowledged");
        long heldFor = (System.nanoTime() - start) / 1_000_000;
        assertTrue(
            heldFor > GAP_WINDOW.toMillis(),
            "the held write outlasted the gap-detection window: " + heldFor + " ms");

        // Every acknowledged document is counted and searchable, the late one included.
        JsonNode stats =
            awaitDocumentsOrNull(server, key, "kb", OTHERS + 2, Duration.ofSeconds(30));
        assertTrue(
            stats != null,
            "stats never counted "
                + (OTHERS + 2)
                + " documents: "
                + server.get("/collections/kb/stats", key).body());
        List<String> hits =
            RetrievalRestIT.ids(
                RetrievalRestIT.search(
                    server, key, "kb", Map.of("query", "zeppelin manifest", "mode", "bm25")));
        assertTrue(hits.contains(held), "the late document is searchable: " + hits);

        // The drift was found and repaired, and the stats say so.
        JsonNode reconciliation = stats.get("reconciliation");
        assertTrue(reconciliation != null, stats.toString());
        assertTrue(reconciliation.get("missingSinceStart").asInt() >= 1, stats.toString());
        assertTrue(reconciliation.get("repairedSinceStart").asInt() >= 1, stats.toString());
        assertTrue(reconciliation.hasNonNull("lastRun"), stats.toString());
      } finally {
        release(lockHolder);
        lockHolder.close();
        try (Connection c = db.connect();
            Statement s = c.createStatement()) {
          s.execute("DROP TRIGGER IF EXISTS hold_one_document ON event_journal");
          s.execute("DROP FUNCTION IF EXISTS hold_one_document()");
        }
      }
    }
  }

  /** Whether a BM25 search finds any of {@code ids} before {@code timeout} passes. */
  static boolean indexHolds(TestServer server, String key, List<String> ids, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      var r =
          RetrievalRestIT.search(
              server, key, "kb", Map.of("query", "quarterly figures", "mode", "bm25", "k", 20));
      if (r.statusCode() == 200 && RetrievalRestIT.ids(r).stream().anyMatch(ids::contains)) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  static void release(Connection lockHolder) throws Exception {
    try (Statement s = lockHolder.createStatement()) {
      s.execute("SELECT pg_advisory_unlock_all()");
    }
  }

  /** Waits until the held document's INSERT (its ordering drawn) waits in the trigger. */
  static void awaitHeldRowSleeping(TestDatabase db) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      while (System.nanoTime() < deadline) {
        try (var rs =
            s.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'advisory'"
                    + " AND query ILIKE '%event_journal%' AND datname = current_database()")) {
          rs.next();
          if (rs.getInt(1) > 0) {
            return;
          }
        }
        Thread.sleep(20);
      }
    }
    throw new AssertionError("the held upload never reached the journal");
  }

  static java.net.http.HttpResponse<String> upload(TestServer server, String id, String text)
      throws Exception {
    return RetrievalRestIT.upload(
        server,
        TestServer.ACME_KEY,
        "kb",
        id,
        "&public=true",
        "text/plain",
        text.getBytes(StandardCharsets.UTF_8));
  }

  static JsonNode awaitDocumentsOrNull(
      TestServer server, String key, String collection, int documents, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      var r = server.get("/collections/" + collection + "/stats", key);
      if (r.statusCode() == 200) {
        JsonNode stats = RetrievalRestIT.JSON.readTree(r.body());
        if (stats.get("documents").asInt() == documents) {
          return stats;
        }
      }
      Thread.sleep(200);
    }
    return null;
  }
}
