package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tramontane.retrieval.ingest.CollectionWriter;
import io.tramontane.server.testing.ServerProcess;
import io.tramontane.server.testing.TestDatabase;
import io.tramontane.server.testing.TestServer;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RELIABILITY F6: a server process is killed with SIGKILL while documents are being indexed and
 * committed, three times over. After each kill the index on disk opens and checks clean and its
 * last commit names the log offset it contains; after the last restart every acknowledged document
 * is searchable (the index catches up from the log, nothing is re-parsed).
 */
abstract class AbstractIndexCrashIT {

  abstract TestDatabase database(Path dataDir);

  static final ObjectMapper JSON = new ObjectMapper();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  HttpResponse<String> upload(ServerProcess server, int n) throws Exception {
    String body =
        "Inspection report "
            + n
            + ": crane token"
            + n
            + "x was checked, hydraulics and cables in order. "
            + "Next inspection in spring. ".repeat(20);
    return http.send(
        HttpRequest.newBuilder(
                server.uri("/collections/kb/documents?public=true&id=report-" + n + ".txt"))
            .header("Authorization", "Bearer " + TestServer.ACME_KEY)
            .header("Content-Type", "text/plain")
            .timeout(Duration.ofSeconds(30))
            .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The index after a kill: it exists (a dozen acknowledged uploads with a commit every three
   * events must have committed), checks clean, and its last commit names a log offset that is at
   * least {@code previous} (a commit the node reported is durable) and covers every document the
   * commit holds (no document is ahead of the offset it resumes from). Returns that offset.
   */
  static long checkClean(Path index, long previous) throws IOException {
    assertTrue(Files.isDirectory(index), "no index at " + index + " after a dozen uploads");
    try (Directory dir = FSDirectory.open(index)) {
      assertTrue(DirectoryReader.indexExists(dir), "no commit in " + index);
      try (CheckIndex check = new CheckIndex(dir)) {
        CheckIndex.Status status = check.checkIndex();
        assertTrue(status.clean, "index not clean after kill -9");
      }
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        Map<String, String> data = reader.getIndexCommit().getUserData();
        String named = data.get(CollectionWriter.OFFSET_KEY);
        assertNotNull(named, "the commit names its log offset: " + data);
        long offset = Long.parseLong(named);
        assertTrue(offset > 0, "the commit holds documents, so an offset past 0: " + data);
        assertTrue(
            offset >= previous,
            "the node reported offset "
                + previous
                + " committed, the disk holds less"
                + ": "
                + data);
        long highest = 0;
        for (LeafReaderContext leaf : reader.leaves()) {
          // CollectionIndex stores each document's log offset as numeric doc values
          NumericDocValues offsets = leaf.reader().getNumericDocValues("log_offset");
          if (offsets == null) {
            continue;
          }
          while (offsets.nextDoc() != DocIdSetIterator.NO_MORE_DOCS) {
            highest = Math.max(highest, offsets.longValue());
          }
        }
        assertTrue(highest > 0, "the committed documents carry their log offsets");
        assertTrue(
            highest <= offset,
            "a committed document is at log offset " + highest + ", past the commit's " + offset);
        return offset;
      }
    }
  }

  @Test
  void killedWhileIndexingTheIndexChecksCleanAndCatchesUpFromTheLog(@TempDir Path dir)
      throws Exception {
    TestDatabase db = database(dir.resolve("data"));
    Path index = dir.resolve("data").resolve("index").resolve("kb");
    Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicInteger next = new AtomicInteger();
    // Commit often, so the kills land among commits.
    Map<String, Object> extra =
        Map.of(
            "tramontane.retrieval.index.commit-every",
            3,
            "tramontane.retrieval.index.commit-interval",
            "100ms");
    long committed = 0;
    try (ServerProcess server = new ServerProcess(dir, db, extra)) {
      for (int round = 0; round < 3; round++) {
        server.start();
        server.awaitReady(Duration.ofSeconds(300));
        int target = acknowledged.size() + 12;
        ExecutorService uploaders = Executors.newFixedThreadPool(3);
        for (int t = 0; t < 3; t++) {
          uploaders.submit(
              () -> {
                while (!Thread.currentThread().isInterrupted()) {
                  int n = next.incrementAndGet();
                  try {
                    HttpResponse<String> r = upload(server, n);
                    if (r.statusCode() == 200) {
                      acknowledged.add(n);
                    }
                  } catch (Exception e) {
                    return null;
                  }
                }
                return null;
              });
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (acknowledged.size() < target && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertTrue(acknowledged.size() >= target, "uploads stalled:\n" + server.logTail());
        // Acknowledged means logged; wait (uploads going on) until the index has committed past
        // the last round, so the kill lands among commits and the commit below is this round's.
        long reported = committed;
        while (reported <= committed && System.nanoTime() < deadline) {
          HttpResponse<String> r =
              http.send(
                  HttpRequest.newBuilder(server.uri("/collections/kb/stats"))
                      .header("Authorization", "Bearer " + TestServer.ACME_KEY)
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200) {
            reported = JSON.readTree(r.body()).path("logOffsetCommitted").asLong();
          }
          Thread.sleep(20);
        }
        assertTrue(reported > committed, "the index never committed:\n" + server.logTail());
        server.kill();
        uploaders.shutdownNow();
        uploaders.awaitTermination(30, TimeUnit.SECONDS);
        // What the node reported committed is on disk after the kill, and not less.
        committed = checkClean(index, reported);
      }

      server.start();
      server.awaitReady(Duration.ofSeconds(300));
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      int documents = -1;
      while (System.nanoTime() < deadline) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(server.uri("/collections/kb/stats"))
                    .header("Authorization", "Bearer " + TestServer.ACME_KEY)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        documents = JSON.readTree(r.body()).get("documents").asInt();
        if (documents >= acknowledged.size()) {
          break;
        }
        Thread.sleep(200);
      }
      assertTrue(
          documents >= acknowledged.size() && documents <= next.get(),
          documents + " documents for " + acknowledged.size() + " acknowledged");
      for (int n : List.copyOf(acknowledged)) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(server.uri("/collections/kb/search"))
                    .header("Authorization", "Bearer " + TestServer.ACME_KEY)
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"query\": \"token" + n + "x\", \"mode\": \"bm25\", \"k\": 1}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode results = JSON.readTree(r.body()).get("results");
        assertEquals(1, results.size(), "acknowledged report " + n + " is not searchable");
        assertEquals("report-" + n + ".txt", results.get(0).get("documentId").asText());
      }
      // SIGTERM still stops it gracefully (128 + 15) with the projections closed.
      assertEquals(143, server.terminate(Duration.ofSeconds(60)), server.logTail());
      assertTrue(server.logTail().contains("Node stopped gracefully"), server.logTail());
    }
  }
}
