package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

  static void checkClean(Path index) throws IOException {
    if (!Files.exists(index)) {
      return;
    }
    try (Directory dir = FSDirectory.open(index)) {
      if (!DirectoryReader.indexExists(dir)) {
        return;
      }
      try (CheckIndex check = new CheckIndex(dir)) {
        CheckIndex.Status status = check.checkIndex();
        assertTrue(status.clean, "index not clean after kill -9");
      }
      try (DirectoryReader reader = DirectoryReader.open(dir)) {
        Map<String, String> data = reader.getIndexCommit().getUserData();
        assertTrue(
            Long.parseLong(data.getOrDefault("tramontane.offset", "0")) >= 0,
            "commit names its log offset: " + data);
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
    try (ServerProcess server = new ServerProcess(dir, db, extra)) {
      for (int round = 0; round < 3; round++) {
        server.start();
        server.awaitReady(Duration.ofSeconds(120));
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
        server.kill();
        uploaders.shutdownNow();
        uploaders.awaitTermination(30, TimeUnit.SECONDS);
        checkClean(index);
      }

      server.start();
      server.awaitReady(Duration.ofSeconds(120));
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
