package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tramontane.server.testing.TestDatabase;
import io.tramontane.server.testing.TestServer;
import io.tramontane.testkit.Await;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder connector on a real node (H2), seen through the REST API as a user would: the initial
 * scan is searchable, files created, modified and deleted are reflected in search, a file deleted
 * while the node was down is gone after the restart, pause/resume/sync-now work and are refused
 * when they make no sense, the status shows the last sync and the files that could not be taken
 * with a reason, and another tenant cannot see the connector at all.
 */
class FileSystemConnectorIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration DEADLINE = Duration.ofSeconds(60);
  static final String KEY = TestServer.ACME_KEY;

  static Map<String, Object> config(Path folder, Path benchFolder) {
    Map<String, Object> o = new HashMap<>();
    o.put(
        "tramontane.connectors.docs",
        Map.of(
            "kind", "filesystem",
            "tenant", "acme",
            "collection", "fsdocs",
            "public", true,
            "interval", "1h",
            "debounce", "100ms",
            "path", folder.toString()));
    o.put(
        "tramontane.connectors.bench",
        Map.of(
            "kind", "filesystem",
            "tenant", "acme",
            "collection", "fsbench",
            "public", true,
            "interval", "1h",
            "paused", true,
            "path", benchFolder.toString()));
    return o;
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  static HttpResponse<String> post(TestServer s, String path, String key, String body)
      throws Exception {
    return s.send(
        HttpRequest.newBuilder(s.uri(path))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  /** The document ids a BM25 search for {@code words} returns (none if the collection is new). */
  static List<String> search(TestServer s, String words) throws Exception {
    HttpResponse<String> r =
        post(
            s,
            "/collections/fsdocs/search",
            KEY,
            JSON.createObjectNode().put("query", words).put("mode", "bm25").toString());
    List<String> ids = new ArrayList<>();
    if (r.statusCode() == 200) {
      json(r).path("results").forEach(h -> ids.add(h.path("documentId").asText()));
    }
    return ids;
  }

  static List<String> awaitSearch(TestServer s, String words, Predicate<List<String>> p)
      throws Exception {
    return Await.until("search '" + words + "' matching", DEADLINE, () -> search(s, words), p);
  }

  static JsonNode status(TestServer s, String name) throws Exception {
    HttpResponse<String> r = s.get("/connectors/" + name, KEY);
    assertEquals(200, r.statusCode(), r.body());
    return json(r);
  }

  static JsonNode awaitStatus(TestServer s, String name, Predicate<JsonNode> p) throws Exception {
    return Await.until("status of " + name + " matching", DEADLINE, () -> status(s, name), p);
  }

  static void write(Path file, String text) throws Exception {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(".tmp-" + file.getFileName());
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(
        tmp,
        file,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  @Test
  void aFolderStaysInSyncWithItsCollection(
      @TempDir Path data, @TempDir Path folder, @TempDir Path bench) throws Exception {
    write(folder.resolve("lighthouse.txt"), "The lighthouse keeper logs every storm at midnight.");
    write(folder.resolve("guides/kayak.md"), "# Kayak\nPaddle the fjord only with a drysuit.");
    Files.write(folder.resolve("broken.pdf"), "%PDF-1.7\nthis is not really a PDF".getBytes());
    TestDatabase db = TestDatabase.h2(data);
    TestServer server = TestServer.start(db, config(folder, bench));
    try {
      // Initial scan.
      awaitSearch(server, "lighthouse storm", ids -> ids.contains("lighthouse.txt"));
      awaitSearch(server, "fjord drysuit", ids -> ids.contains("guides/kayak.md"));
      JsonNode st =
          awaitStatus(
              server,
              "docs",
              s -> !s.path("lastSuccess").isNull() && s.path("itemsFailed").asInt() > 0);
      assertEquals("filesystem", st.path("kind").asText());
      assertEquals("fsdocs", st.path("collection").asText());
      assertTrue(st.path("documentsSynced").asInt() >= 2, st.toString());
      assertTrue(st.path("lagSeconds").asLong() >= 0, st.toString());
      JsonNode failure = st.path("recentFailures").get(0);
      assertEquals("broken.pdf", failure.path("item").asText(), st.toString());
      assertFalse(failure.path("reason").asText().isBlank(), st.toString());
      HttpResponse<String> list = server.get("/connectors", KEY);
      assertEquals(200, list.statusCode());
      assertEquals(2, json(list).path("connectors").size(), list.body());

      // Created, modified, deleted: seen by the watch.
      write(folder.resolve("guides/zebra.txt"), "Zebras graze on the quartz savannah.");
      awaitSearch(server, "zebras quartz savannah", ids -> ids.contains("guides/zebra.txt"));
      write(folder.resolve("lighthouse.txt"), "The harbour pilot boards every tanker at dawn.");
      awaitSearch(server, "harbour pilot tanker", ids -> ids.contains("lighthouse.txt"));
      awaitSearch(server, "lighthouse storm", ids -> !ids.contains("lighthouse.txt"));
      Files.delete(folder.resolve("guides/kayak.md"));
      awaitSearch(server, "fjord drysuit", List::isEmpty);
      assertTrue(
          awaitStatus(server, "docs", s -> s.path("documentsDeleted").asInt() >= 1)
                  .path("documentsDeleted")
                  .asInt()
              >= 1);

      // Pause: nothing is taken, sync now is refused; resume takes what changed meanwhile.
      assertEquals(202, post(server, "/connectors/docs/pause", KEY, "").statusCode());
      assertEquals(
          "paused",
          awaitStatus(server, "docs", s -> s.path("state").asText().equals("paused"))
              .path("state")
              .asText());
      HttpResponse<String> refused = post(server, "/connectors/docs/sync", KEY, "");
      assertEquals(409, refused.statusCode(), refused.body());
      assertTrue(refused.body().contains("paused"), refused.body());
      write(folder.resolve("walrus.txt"), "A walrus naps beside the icebreaker.");
      Thread.sleep(1500); // time for the folder watch to report the change while paused
      assertTrue(search(server, "walrus icebreaker").isEmpty(), "paused: not taken");
      assertEquals(202, post(server, "/connectors/docs/resume", KEY, "").statusCode());
      awaitSearch(server, "walrus icebreaker", ids -> ids.contains("walrus.txt"));
      // The connector's journal decides, whatever the timing: the first event recording the new
      // file comes after the resume, never between the pause and the resume.
      List<TestDatabase.JournalEntry> journal =
          db.journal("ConnectorSync|").stream()
              .filter(e -> e.persistenceId().endsWith("docs"))
              .toList();
      int taken = -1;
      for (int i = 0; i < journal.size() && taken < 0; i++) {
        taken = journal.get(i).mentions("walrus.txt") ? i : -1;
      }
      assertTrue(taken > 0, "the journal records walrus.txt: " + journal.size() + " events");
      String previousPauseOrResume = "";
      for (int i = 0; i < taken; i++) {
        String m = journal.get(i).manifest();
        if (m.endsWith("SyncPaused") || m.endsWith("SyncResumed")) {
          previousPauseOrResume = m;
        }
      }
      assertTrue(
          previousPauseOrResume.endsWith("SyncResumed"),
          "walrus.txt was taken while paused (last before it: " + previousPauseOrResume + ")");
      HttpResponse<String> now = post(server, "/connectors/docs/sync", KEY, "");
      assertEquals(202, now.statusCode(), now.body());
      awaitStatus(server, "docs", s -> s.path("state").asText().equals("idle"));

      // Another tenant: the connector does not exist for it.
      assertEquals(404, server.get("/connectors/docs", TestServer.GLOBEX_KEY).statusCode());
      assertEquals(
          404, post(server, "/connectors/docs/sync", TestServer.GLOBEX_KEY, "").statusCode());
      assertEquals(
          404, post(server, "/connectors/docs/pause", TestServer.GLOBEX_KEY, "").statusCode());
      HttpResponse<String> theirs = server.get("/connectors", TestServer.GLOBEX_KEY);
      assertEquals(200, theirs.statusCode());
      assertEquals(0, json(theirs).path("connectors").size(), theirs.body());
      assertEquals(404, server.get("/connectors/nope", KEY).statusCode());

      measureInitialSyncThroughput(server, bench);
    } finally {
      server.close();
    }

    // Deleted while the node is down: gone after the restart, without any file event.
    Files.delete(folder.resolve("guides/zebra.txt"));
    server = TestServer.start(db, config(folder, bench));
    try {
      awaitSearch(server, "zebras quartz savannah", List::isEmpty);
      awaitSearch(server, "harbour pilot tanker", ids -> ids.contains("lighthouse.txt"));
      JsonNode st = awaitStatus(server, "docs", s -> s.path("state").asText().equals("idle"));
      assertTrue(st.path("documentsSynced").asInt() >= 4, st.toString());
    } finally {
      server.close();
    }
  }

  /**
   * MEASUREMENT, not an assertion on time: the initial pass over 200 small text files with the
   * shipped embedding model, from resume to the pass's completion, printed in documents/s.
   */
  static void measureInitialSyncThroughput(TestServer server, Path bench) throws Exception {
    int files = 200;
    for (int i = 0; i < files; i++) {
      write(
          bench.resolve("d" + (i / 50) + "/note-" + i + ".txt"),
          "Note "
              + i
              + ": the quarterly review of depot "
              + (i * 7919 % 1000)
              + " found "
              + (i % 13)
              + " pallets misrouted between Lyon and Turin; the carrier refunds them within"
              + " thirty days.");
    }
    assertEquals("paused", status(server, "bench").path("state").asText());
    long started = System.nanoTime();
    assertEquals(202, post(server, "/connectors/bench/resume", KEY, "").statusCode());
    JsonNode st =
        awaitStatus(
            server,
            "bench",
            s -> s.path("state").asText().equals("idle") && !s.path("lastSuccess").isNull());
    double seconds = (System.nanoTime() - started) / 1e9;
    assertEquals(files, st.path("documentsSynced").asInt(), st.toString());
    System.out.printf(
        "MEASUREMENT filesystem initial sync: %d files in %.2f s = %.1f documents/s"
            + " (%d cores, shipped embedding model)%n",
        files, seconds, files / seconds, Runtime.getRuntime().availableProcessors());
  }
}
