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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agents API over HTTP on a real node: define an agent by upload (errors with line:column), ask
 * it about uploaded documents and get a cited answer without a language model, approvals through
 * the API, and sessions that belong to their tenant.
 */
abstract class AbstractAgentRestIT {

  abstract TestDatabase database(Path dir);

  static final ObjectMapper JSON = new ObjectMapper();

  static HttpResponse<String> call(
      TestServer server, String method, String path, String key, String type, String body)
      throws Exception {
    return server.send(
        HttpRequest.newBuilder(server.uri(path))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", type)
            .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .timeout(Duration.ofSeconds(60))
            .build());
  }

  static final String AGENT =
      """
      name: %s
      description: Answers from the knowledge base.
      instructions: Answer from the documents and cite them.
      tools: [retrieve]
      collections: [kb]
      approval: %s
      """;

  @Test
  void defineAskApproveAndStayWithinTheTenant(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(database(dir))) {
      String acme = TestServer.ACME_KEY;
      HttpResponse<String> bad =
          call(
              server,
              "PUT",
              "/agents/kb",
              acme,
              "application/yaml",
              AGENT.formatted("kb", "[]").replace("tools:", "toolz:"));
      assertEquals(400, bad.statusCode(), bad.body());
      assertTrue(bad.body().contains("PUT /agents/kb:4:1: unknown key 'toolz'"), bad.body());
      assertEquals(
          200,
          call(server, "PUT", "/agents/kb", acme, "application/yaml", AGENT.formatted("kb", "[]"))
              .statusCode());
      assertEquals(
          200,
          call(
                  server,
                  "PUT",
                  "/agents/careful",
                  acme,
                  "application/yaml",
                  AGENT.formatted("careful", "[retrieve]"))
              .statusCode());
      HttpResponse<String> doc =
          call(
              server,
              "PUT",
              "/collections/kb/documents?id=cranes.txt&public=true",
              acme,
              "text/plain",
              "Harbour cranes are inspected every spring by the port authority.");
      assertEquals(200, doc.statusCode(), doc.body());
      RetrievalRestIT.awaitDocuments(server, acme, "kb", 1);

      HttpResponse<String> answer =
          call(
              server,
              "POST",
              "/agents/kb/sessions/s1/messages",
              acme,
              "application/json",
              "{\"text\": \"When are the cranes inspected?\"}");
      assertEquals(200, answer.statusCode(), answer.body());
      JsonNode a = JSON.readTree(answer.body());
      assertTrue(a.get("answer").asText().contains("every spring"), answer.body());
      assertEquals("cranes.txt", a.get("citations").get(0).get("documentId").asText());

      HttpResponse<String> view = server.get("/agents/kb/sessions/s1", acme);
      assertEquals(200, view.statusCode());
      List<String> types = JSON.readTree(view.body()).findValuesAsText("type");
      assertEquals(
          List.of(
              "MessageReceived",
              "ModelAnswered",
              "ToolCallRequested",
              "ToolCallCompleted",
              "ModelAnswered",
              "AnswerProduced"),
          types);
      // The same steps as server-sent events from the journal, resumable by Last-Event-ID.
      HttpResponse<java.util.stream.Stream<String>> sse =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(server.uri("/agents/kb/sessions/s1/events"))
                      .header("Authorization", "Bearer " + acme)
                      .header("Last-Event-ID", "4")
                      .build(),
                  HttpResponse.BodyHandlers.ofLines());
      assertEquals(200, sse.statusCode());
      assertTrue(
          sse.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
      List<String> lines =
          sse.body()
              .filter(l -> l.startsWith("event:") || l.startsWith("id:"))
              .map(l -> l.replaceFirst(":\\s*", ": "))
              .limit(4)
              .toList();
      assertEquals(
          java.util.Set.of("event: ModelAnswered", "id: 5", "event: AnswerProduced", "id: 6"),
          java.util.Set.copyOf(lines),
          lines.toString());
      assertEquals(404, server.get("/agents/kb/sessions/none/events", acme).statusCode());
      // Another tenant's key sees no such session, even with the same ids.
      assertEquals(404, server.get("/agents/kb/sessions/s1", TestServer.GLOBEX_KEY).statusCode());
      assertEquals(
          400,
          call(
                  server,
                  "POST",
                  "/agents/kb/sessions/s1/messages",
                  acme,
                  "application/json",
                  "{\"text\": \"hi\", \"tenant\": \"globex\"}")
              .statusCode());

      // Approval through the API.
      HttpResponse<String> waiting =
          call(
              server,
              "POST",
              "/agents/careful/sessions/s2/messages",
              acme,
              "application/json",
              "{\"text\": \"When are the cranes inspected?\"}");
      assertEquals(202, waiting.statusCode(), waiting.body());
      String key = JSON.readTree(waiting.body()).get("pending").get(0).asText();
      HttpResponse<String> busy =
          call(
              server,
              "POST",
              "/agents/careful/sessions/s2/messages",
              acme,
              "application/json",
              "{\"text\": \"and?\", \"wait\": false}");
      assertEquals(409, busy.statusCode(), busy.body());
      HttpResponse<String> approved =
          call(
              server,
              "POST",
              "/agents/careful/sessions/s2/decisions",
              acme,
              "application/json",
              JSON.writeValueAsString(Map.of("key", key, "approve", true)));
      assertEquals(200, approved.statusCode(), approved.body());
      Await.until(
          "session s2 idle after the approval",
          Duration.ofSeconds(30),
          () ->
              JSON.readTree(server.get("/agents/careful/sessions/s2", acme).body())
                  .get("phase")
                  .asText(),
          "idle"::equals);
      String final_ = server.get("/agents/careful/sessions/s2", acme).body();
      assertTrue(final_.contains("every spring"), final_);
      assertFalse(final_.contains("ApprovalDenied"), final_);
    }
  }
}
