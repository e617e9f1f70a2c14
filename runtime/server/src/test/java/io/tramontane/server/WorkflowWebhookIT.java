package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.tramontane.server.testing.TestDatabase;
import io.tramontane.server.testing.TestServer;
import io.tramontane.testkit.Await;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhook → workflow → agent → callback, on a real node: a signed delivery sent three times starts
 * one run, which asks an agent about an ingested document (no language model: the extractive
 * responder) and posts the cited answer to a callback server with the run's idempotency key.
 */
class WorkflowWebhookIT {

  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aDeliverySentThreeTimesStartsOneRunThatPostsTheCitedAnswer(@TempDir Path dir)
      throws Exception {
    List<String> keys = new CopyOnWriteArrayList<>();
    List<String> bodies = new CopyOnWriteArrayList<>();
    HttpServer callback = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    callback.createContext(
        "/reply",
        ex -> {
          keys.add(ex.getRequestHeaders().getFirst("Idempotency-Key"));
          bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          ex.sendResponseHeaders(204, -1);
          ex.close();
        });
    callback.start();
    try {
      Path agents = Files.createDirectories(dir.resolve("agents"));
      Files.writeString(
          agents.resolve("kb.yaml"),
          """
          name: kb
          description: Answers from the knowledge base.
          instructions: Answer from the documents and cite them.
          tools: [retrieve]
          collections: [kb]
          """);
      Path workflows = Files.createDirectories(dir.resolve("workflows"));
      Files.writeString(
          workflows.resolve("answer.yaml"),
          """
          document: {dsl: '1.0.0', namespace: support, name: answer, version: '1.0.0'}
          do:
            - ask:
                call: agent
                with:
                  agent: kb
                  message: ${ .ticket.question }
                  session: ${ "ticket-" + (.ticket.id | tostring) }
                output:
                  as: '${ {ticket: $input.ticket.id, answer: .answer, citations: .citations} }'
            - reply:
                call: http
                with:
                  method: post
                  endpoint: http://127.0.0.1:%d/reply
                  body: ${ . }
          """
              .formatted(callback.getAddress().getPort()));
      Map<String, Object> extra =
          Map.of(
              "tramontane.agents.dir", agents.toString(),
              "tramontane.workflows.dir", workflows.toString(),
              "tramontane.workflows.http.allowed-hosts", List.of("127.0.0.1"),
              "tramontane.workflows.http.allow-private-networks", true,
              "tramontane.workflows.triggers.orders", "answer");
      try (TestServer server = TestServer.start(TestDatabase.h2(dir.resolve("data")), extra)) {
        HttpResponse<String> doc =
            server.send(
                HttpRequest.newBuilder(
                        server.uri("/collections/kb/documents?id=cranes.txt&public=true"))
                    .header("Authorization", "Bearer " + TestServer.ACME_KEY)
                    .PUT(
                        HttpRequest.BodyPublishers.ofString(
                            "Harbour cranes are inspected every spring by the port authority."))
                    .build());
        assertEquals(200, doc.statusCode(), doc.body());
        RetrievalRestIT.awaitDocuments(server, TestServer.ACME_KEY, "kb", 1);

        String body = "{\"ticket\": {\"id\": 7, \"question\": \"When are the cranes inspected?\"}}";
        for (int i = 0; i < 3; i++) {
          HttpResponse<String> r = server.send(server.signedOrder("msg_ticket_7", body));
          assertTrue(r.statusCode() == 202 || r.statusCode() == 200, r.body());
        }
        Await.until("the run's callback", Duration.ofSeconds(60), () -> !bodies.isEmpty());
        // A later delivery, through the same intake and trigger, calls back too: by then a (wrong)
        // second run for the repeated sends would have called back as well.
        HttpResponse<String> later =
            server.send(
                server.signedOrder(
                    "msg_ticket_8",
                    "{\"ticket\": {\"id\": 8, \"question\": \"Who inspects the cranes?\"}}"));
        assertTrue(later.statusCode() == 202 || later.statusCode() == 200, later.body());
        Await.until("the later run's callback", Duration.ofSeconds(60), () -> bodies.size() >= 2);
        List<Integer> tickets = new ArrayList<>();
        for (String b : bodies) {
          tickets.add(JSON.readTree(b).path("ticket").asInt());
        }
        assertEquals(
            List.of(7, 8), tickets, "one run for three sends, then the later one: " + bodies);
        JsonNode reply = JSON.readTree(bodies.getFirst());
        assertEquals(7, reply.get("ticket").asInt());
        assertTrue(reply.get("answer").asText().contains("every spring"), reply.toString());
        assertEquals("cranes.txt", reply.get("citations").get(0).get("documentId").asText());
        assertEquals("acme/answer/hook-msg_ticket_7//do/1/reply#1", keys.getFirst());
        var run =
            server
                .server()
                .workflows()
                .get("acme", "answer", "hook-msg_ticket_7")
                .toCompletableFuture()
                .join();
        assertEquals("COMPLETED", run.status().name());
      }
    } finally {
      callback.stop(0);
    }
  }

  @Test
  void validateDeployStartAndReadARunOverRest(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(TestDatabase.h2(dir))) {
      String key = TestServer.ACME_KEY;
      HttpResponse<String> invalid =
          server.send(
              HttpRequest.newBuilder(server.uri("/workflows/validate"))
                  .header("Authorization", "Bearer " + key)
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "document: {dsl: '1.0.0', namespace: t, name: x, version: '1.0.0'}\n"
                              + "do:\n  - shell:\n      run: {shell: {command: ls}}\n"))
                  .build());
      assertEquals(400, invalid.statusCode(), invalid.body());
      JsonNode problem = JSON.readTree(invalid.body()).get("problems").get(0);
      assertEquals(4, problem.get("line").asInt(), invalid.body());
      assertEquals(13, problem.get("column").asInt(), invalid.body());
      String definition =
          """
          document: {dsl: '1.0.0', namespace: t, name: total, version: '1.0.0'}
          do:
            - sum:
                set: {total: '${ [.items[].price] | add }'}
          """;
      HttpResponse<String> deployed =
          server.send(
              HttpRequest.newBuilder(server.uri("/workflows/total"))
                  .header("Authorization", "Bearer " + key)
                  .PUT(HttpRequest.BodyPublishers.ofString(definition))
                  .build());
      assertEquals(200, deployed.statusCode(), deployed.body());
      HttpResponse<String> started =
          server.send(
              HttpRequest.newBuilder(server.uri("/workflows/total/runs/r1"))
                  .header("Authorization", "Bearer " + key)
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"items\": [{\"price\": 2}, {\"price\": 5}]}"))
                  .build());
      assertEquals(202, started.statusCode(), started.body());
      JsonNode run = awaitCompleted(server, "/workflows/total/runs/r1", key);
      assertEquals(7, run.path("output").path("total").asInt());
      assertEquals(404, server.get("/workflows/total/runs/r1", TestServer.GLOBEX_KEY).statusCode());

      // Human approval: the run waits in `listen` until the approval event is sent over REST.
      String approval =
          """
          document: {dsl: '1.0.0', namespace: t, name: approval, version: '1.0.0'}
          do:
            - wait-for-approval:
                listen: {to: {one: {with: {type: io.tramontane.approval.granted}}}}
            - approved:
                set: {by: '${ .[0].by }'}
          """;
      assertEquals(
          200,
          server
              .send(
                  HttpRequest.newBuilder(server.uri("/workflows/approval"))
                      .header("Authorization", "Bearer " + key)
                      .PUT(HttpRequest.BodyPublishers.ofString(approval))
                      .build())
              .statusCode());
      assertEquals(
          202,
          server
              .send(
                  HttpRequest.newBuilder(server.uri("/workflows/approval/runs/a1"))
                      .header("Authorization", "Bearer " + key)
                      .POST(HttpRequest.BodyPublishers.ofString("{}"))
                      .build())
              .statusCode());
      // The event goes to the run's inbox, kept until its listen takes it: no need to wait for the
      // listen. That the run waited for it shows in its output, which only the event carries.
      HttpResponse<String> sent =
          server.send(
              HttpRequest.newBuilder(server.uri("/workflows/approval/runs/a1/events"))
                  .header("Authorization", "Bearer " + key)
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"type\": \"io.tramontane.approval.granted\", \"data\": {\"by\": \"carol\"}}"))
                  .build());
      assertEquals(202, sent.statusCode(), sent.body());
      JsonNode approved = awaitCompleted(server, "/workflows/approval/runs/a1", key);
      assertEquals("carol", approved.path("output").path("by").asText(), String.valueOf(approved));
    }
  }

  static JsonNode awaitCompleted(TestServer server, String path, String key) {
    return Await.until(
        path + " completed",
        Duration.ofSeconds(20),
        () -> JSON.readTree(server.get(path, key).body()),
        run -> "completed".equals(run.path("status").asText()));
  }
}
