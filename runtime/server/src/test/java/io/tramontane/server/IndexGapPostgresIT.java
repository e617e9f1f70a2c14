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
 * held open (a trigger on the journal table sleeps for that document's row only, after its {@code
 * ordering} was drawn from the sequence) while other uploads commit with higher orderings. The read
 * journal's gap detection gives up on the missing ordering and reads past it; the late event must
 * still reach the index: every acknowledged document becomes searchable and is counted.
 */
class IndexGapPostgresIT {

  /**
   * Gap detection gives up after query-delay × max-tries = 200 ms × 10 = 2 s here (production: 1 s
   * × 10 = 10 s, with a 10 s journal call timeout that would fail the held write instead). The held
   * transaction lasts four times that window.
   */
  static final Duration GAP_WINDOW = Duration.ofSeconds(2);

  static final int HOLD_SECONDS = 8;

  static final int OTHERS = 8;

  @Test
  void aLateCommittingDocumentIsIndexedAndCounted(@TempDir Path dir) throws Exception {
    TestDatabase db = TestDatabase.postgres(dir);
    Map<String, Object> extra =
        Map.of(
            "jdbc-read-journal.journal-sequence-retrieval.query-delay", "200ms",
            "jdbc-read-journal.journal-sequence-retrieval.max-tries", 10,
            "tramontane.retrieval.index.reconcile-interval", "2s");
    try (TestServer server = TestServer.start(db, extra)) {
      String key = TestServer.ACME_KEY;
      assertEquals(
          200, upload(server, "first.txt", "The first document opens the kb.").statusCode());
      RetrievalRestIT.awaitDocuments(server, key, "kb", 1);

      String held = "held/late.txt";
      String pid = "Document|" + DocumentEntity.entityId("acme", "kb", held);
      try (Connection c = db.connect();
          Statement s = c.createStatement()) {
        s.execute(
            "CREATE OR REPLACE FUNCTION hold_one_document() RETURNS trigger AS $$ BEGIN"
                + " IF NEW.persistence_id = '"
                + pid
                + "' THEN PERFORM pg_sleep("
                + HOLD_SECONDS
                + "); END IF; RETURN NEW; END $$ LANGUAGE plpgsql");
        s.execute(
            "CREATE TRIGGER hold_one_document BEFORE INSERT ON event_journal"
                + " FOR EACH ROW EXECUTE FUNCTION hold_one_document()");
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
        List<String> others = new ArrayList<>();
        for (int i = 0; i < OTHERS; i++) {
          String id = "other-" + i + ".txt";
          var r = upload(server, id, "Ordinary note " + i + " about quarterly figures.");
          assertEquals(200, r.statusCode(), r.body());
          others.add(id);
        }
        assertEquals(200, late.get(60, TimeUnit.SECONDS), "the held upload is acknowledged");
        long heldFor = (System.nanoTime() - start) / 1_000_000;
        assertTrue(
            heldFor > GAP_WINDOW.toMillis() * 2,
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
        try (Connection c = db.connect();
            Statement s = c.createStatement()) {
          s.execute("DROP TRIGGER IF EXISTS hold_one_document ON event_journal");
          s.execute("DROP FUNCTION IF EXISTS hold_one_document()");
        }
      }
    }
  }

  /** Waits until the held document's INSERT (its ordering drawn) sleeps in the trigger. */
  static void awaitHeldRowSleeping(TestDatabase db) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      while (System.nanoTime() < deadline) {
        try (var rs =
            s.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'"
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
