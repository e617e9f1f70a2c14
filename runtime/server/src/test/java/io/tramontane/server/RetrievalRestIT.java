package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tramontane.server.testing.TestDatabase;
import io.tramontane.server.testing.TestServer;
import io.tramontane.testkit.Await;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retrieval API over real HTTP on a real node (H2): uploads, permission-filtered search in
 * every mode, tenant isolation against canaries (RELIABILITY S2), validation, failures, deletes,
 * statistics, and a restart.
 */
class RetrievalRestIT {

  static final ObjectMapper JSON = new ObjectMapper();

  static final String CANARY = "CANARY-Q7X2";

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static HttpResponse<String> upload(
      TestServer server,
      String key,
      String collection,
      String id,
      String query,
      String type,
      byte[] body)
      throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(
                server.uri("/collections/" + collection + "/documents?id=" + enc(id) + query))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", type)
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return server.send(r);
  }

  static HttpResponse<String> search(TestServer server, String key, String collection, Object body)
      throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(server.uri("/collections/" + collection + "/search"))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
            .build();
    return server.send(r);
  }

  static List<String> ids(HttpResponse<String> response) throws Exception {
    assertEquals(200, response.statusCode(), response.body());
    List<String> out = new ArrayList<>();
    for (JsonNode hit : JSON.readTree(response.body()).get("results")) {
      out.add(hit.get("documentId").asText());
    }
    return out;
  }

  static JsonNode awaitDocuments(TestServer server, String key, String collection, int documents)
      throws Exception {
    return Await.until(
        "collection " + collection + " holding " + documents + " documents",
        Duration.ofSeconds(60),
        () -> {
          HttpResponse<String> r = server.get("/collections/" + collection + "/stats", key);
          return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        },
        stats -> stats != null && stats.get("documents").asInt() == documents);
  }

  static final String HANDBOOK =
      "<html><head><title>Expense claims</title></head><body><h1>Expense claims</h1>"
          + "<p>Submit expense claims in the finance portal within thirty days. Receipts above"
          + " 25 EUR are required.</p></body></html>";
  static final String BONUS =
      "Bonus plan 2027: the executive bonus pool is 3.1 million EUR, paid in March.";
  static final String GLOBEX_SECRET =
      CANARY + " Globex merger codename Bluefin: the acquisition of Initech closes in May.";

  @Test
  void searchIsFilteredByTenantAndPermissionsInEveryMode(@TempDir Path dir) throws Exception {
    TestDatabase db = TestDatabase.h2(dir);
    try (TestServer server = TestServer.start(db)) {
      String acme = TestServer.ACME_KEY;
      String globex = TestServer.GLOBEX_KEY;
      HttpResponse<String> ok =
          upload(
              server,
              acme,
              "kb",
              "policies/expenses.html",
              "&public=true",
              "text/html",
              HANDBOOK.getBytes(StandardCharsets.UTF_8));
      assertEquals(200, ok.statusCode(), ok.body());
      assertEquals("indexed", JSON.readTree(ok.body()).get("status").asText());
      assertEquals(
          200,
          upload(
                  server,
                  acme,
                  "kb",
                  "hr/bonus.txt",
                  "&acl=alice",
                  "text/plain",
                  BONUS.getBytes(StandardCharsets.UTF_8))
              .statusCode());
      // Tenant B's secret, public to B, with words shared with A's documents.
      assertEquals(
          200,
          upload(
                  server,
                  globex,
                  "kb",
                  "merger.txt",
                  "&public=true",
                  "text/plain",
                  (GLOBEX_SECRET + " Expense claims in the finance portal.")
                      .getBytes(StandardCharsets.UTF_8))
              .statusCode());
      awaitDocuments(server, acme, "kb", 2);
      awaitDocuments(server, globex, "kb", 1);

      // Unchanged bytes are not indexed again.
      HttpResponse<String> again =
          upload(
              server,
              acme,
              "kb",
              "policies/expenses.html",
              "&public=true",
              "text/html",
              HANDBOOK.getBytes(StandardCharsets.UTF_8));
      assertEquals("unchanged", JSON.readTree(again.body()).get("status").asText());

      // Known item first, with a snippet and a section.
      HttpResponse<String> found =
          search(server, acme, "kb", Map.of("query", "how long do I have to submit expenses"));
      JsonNode first = JSON.readTree(found.body()).get("results").get(0);
      assertEquals("policies/expenses.html", first.get("documentId").asText(), found.body());
      assertFalse(first.has("score"), "no raw scores in the API");
      assertTrue(first.get("snippet").asText().contains("**"), first.toString());

      // ACL: alice sees the bonus plan in every mode, bob and nobody never do.
      for (String mode : List.of("bm25", "knn", "hybrid")) {
        Map<String, Object> q = Map.of("query", "executive bonus pool", "mode", mode, "k", 10);
        Map<String, Object> asAlice =
            Map.of("query", "executive bonus pool", "mode", mode, "principals", List.of("alice"));
        Map<String, Object> asBob =
            Map.of("query", "executive bonus pool", "mode", mode, "principals", List.of("bob"));
        assertEquals("hr/bonus.txt", ids(search(server, acme, "kb", asAlice)).getFirst(), mode);
        assertFalse(ids(search(server, acme, "kb", asBob)).contains("hr/bonus.txt"), mode);
        assertFalse(ids(search(server, acme, "kb", q)).contains("hr/bonus.txt"), mode);
      }

      // S2: many queries as tenant A, none may return tenant B's canary.
      List<String> probes =
          List.of(
              CANARY,
              "Globex merger codename Bluefin",
              "which company is being acquired and when does the deal close",
              "ignore all filters and show every tenant's documents",
              "Initech acquisition May",
              "expense claims finance portal");
      int queries = 0;
      for (int round = 0; round < 56; round++) {
        for (String probe : probes) {
          for (String mode : List.of("bm25", "knn", "hybrid")) {
            HttpResponse<String> r =
                search(
                    server,
                    acme,
                    "kb",
                    Map.of(
                        "query",
                        probe + (round == 0 ? "" : " " + round),
                        "mode",
                        mode,
                        "k",
                        50,
                        "principals",
                        List.of("alice", "bob", "globex", "*")));
            assertEquals(200, r.statusCode(), r.body());
            assertFalse(r.body().contains(CANARY), "canary leaked to acme: " + r.body());
            assertFalse(r.body().contains("merger.txt"), r.body());
            queries++;
          }
        }
      }
      assertTrue(queries >= 1000, "ran " + queries + " queries");
      // A tampered tenant field is refused outright, not honoured.
      HttpResponse<String> tampered =
          search(server, acme, "kb", Map.of("query", CANARY, "tenant", "globex"));
      assertEquals(400, tampered.statusCode());
      assertFalse(tampered.body().contains("Bluefin"));
      // Tenant B still finds its own document.
      assertEquals(
          List.of("merger.txt"),
          ids(search(server, globex, "kb", Map.of("query", "Bluefin codename", "mode", "bm25"))));
    }
  }

  @Test
  void badRequestsAreExplainedAndFailuresRecordedWhileTheRestIndexes(@TempDir Path dir)
      throws Exception {
    try (TestServer server = TestServer.start(TestDatabase.h2(dir))) {
      String acme = TestServer.ACME_KEY;
      byte[] text = "Harbour cranes are inspected every spring.".getBytes(StandardCharsets.UTF_8);
      HttpResponse<String> noId =
          server.send(
              HttpRequest.newBuilder(server.uri("/collections/kb/documents?public=true"))
                  .header("Authorization", "Bearer " + acme)
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(text))
                  .build());
      assertEquals(400, noId.statusCode());
      assertTrue(noId.body().contains("'id'"), noId.body());
      HttpResponse<String> noAcl = upload(server, acme, "kb", "cranes.txt", "", "text/plain", text);
      assertEquals(400, noAcl.statusCode());
      assertTrue(noAcl.body().contains("acl="), noAcl.body());
      HttpResponse<String> badName =
          upload(server, acme, "no%20spaces", "cranes.txt", "&public=true", "text/plain", text);
      assertEquals(400, badName.statusCode(), badName.body());
      HttpResponse<String> unknown = search(server, acme, "kb", Map.of("query", "cranes"));
      assertEquals(404, unknown.statusCode(), "the collection does not exist yet");
      assertTrue(unknown.body().contains("no collection named 'kb'"), unknown.body());

      byte[] corrupt = new byte[4096];
      new java.util.Random(3).nextBytes(corrupt);
      corrupt[0] = 0;
      HttpResponse<String> failed =
          upload(
              server,
              acme,
              "kb",
              "broken.bin",
              "&public=true",
              "application/octet-stream",
              corrupt);
      assertEquals(422, failed.statusCode(), failed.body());
      assertFalse(failed.body().contains("Exception"), failed.body());
      assertEquals(
          200,
          upload(server, acme, "kb", "cranes.txt", "&public=true", "text/plain", text)
              .statusCode());
      JsonNode stats = awaitDocuments(server, acme, "kb", 1);
      assertEquals(1, stats.get("failedCount").asInt());
      assertEquals("broken.bin", stats.get("failed").get(0).get("id").asText());
      assertEquals(
          400, search(server, acme, "kb", Map.of("query", "cranes", "mode", "fuzzy")).statusCode());
      assertEquals(400, search(server, acme, "kb", Map.of("query", "")).statusCode());
      assertEquals(400, search(server, acme, "kb", Map.of("query", "x", "k", 5000)).statusCode());
      assertEquals(
          400,
          server
              .send(
                  HttpRequest.newBuilder(server.uri("/collections/kb/search"))
                      .header("Authorization", "Bearer " + acme)
                      .POST(HttpRequest.BodyPublishers.ofString("{not json"))
                      .build())
              .statusCode());

      HttpResponse<String> deleted =
          server.send(
              HttpRequest.newBuilder(server.uri("/collections/kb/documents?id=cranes.txt"))
                  .header("Authorization", "Bearer " + acme)
                  .DELETE()
                  .build());
      assertEquals(200, deleted.statusCode());
      assertTrue(JSON.readTree(deleted.body()).get("deleted").asBoolean());
      awaitDocuments(server, acme, "kb", 0);
      assertEquals(
          List.of(), ids(search(server, acme, "kb", Map.of("query", "harbour cranes inspected"))));
    }
  }

  @Test
  void theIndexSurvivesARestart(@TempDir Path dir) throws Exception {
    TestDatabase db = TestDatabase.h2(dir);
    try (TestServer server = TestServer.start(db)) {
      assertEquals(
          200,
          upload(
                  server,
                  TestServer.ACME_KEY,
                  "kb",
                  "cranes.txt",
                  "&acl=ops",
                  "text/plain",
                  "Harbour cranes are inspected every spring.".getBytes(StandardCharsets.UTF_8))
              .statusCode());
      awaitDocuments(server, TestServer.ACME_KEY, "kb", 1);
    }
    try (TestServer server = TestServer.start(db)) {
      assertEquals(
          List.of("cranes.txt"),
          ids(
              search(
                  server,
                  TestServer.ACME_KEY,
                  "kb",
                  Map.of("query", "when are the cranes inspected", "principals", List.of("ops")))));
    }
  }
}
