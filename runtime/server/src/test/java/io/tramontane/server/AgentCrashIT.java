package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tramontane.server.testing.ServerProcess;
import io.tramontane.server.testing.TestDatabase;
import io.tramontane.server.testing.TestServer;
import io.tramontane.testkit.Await;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once effects across a crash: a server JVM runs an agent whose model (a local
 * OpenAI-compatible server speaking the documented chat-completions format, reached through the
 * production LangChain4j client) asks for one payment through {@code http.request}. The ledger
 * server receives the call and the server is killed with SIGKILL before it answers. After a restart
 * the session resumes by itself, re-issues the call with the same Idempotency-Key, and the ledger
 * applies the payment once; the session completes.
 */
class AgentCrashIT {

  static final ObjectMapper JSON = new ObjectMapper();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  /** A chat-completions answer: a tool call to http.request, or (after the tool) plain text. */
  static String completion(JsonNode request, int ledgerPort) {
    JsonNode messages = request.get("messages");
    String lastRole = messages.get(messages.size() - 1).get("role").asText();
    ObjectNode message = JSON.createObjectNode().put("role", "assistant");
    String finish;
    if ("tool".equals(lastRole)) {
      message.put("content", "The payment is recorded.");
      finish = "stop";
    } else {
      message.putNull("content");
      ObjectNode args =
          JSON.createObjectNode()
              .put("method", "POST")
              .put("url", "http://127.0.0.1:" + ledgerPort + "/payments")
              .put("body", "{\"invoice\": \"INV-7\", \"amount\": 1250}");
      ArrayNode calls = message.putArray("tool_calls");
      calls
          .addObject()
          .put("id", "call_pay_1")
          .put("type", "function")
          .putObject("function")
          .put("name", "http.request")
          .put("arguments", args.toString());
      finish = "tool_calls";
    }
    ObjectNode out =
        JSON.createObjectNode()
            .put("id", "chatcmpl-1")
            .put("object", "chat.completion")
            .put("created", 1764583200)
            .put("model", "ledger-model");
    ObjectNode choice = out.putArray("choices").addObject();
    choice.put("index", 0);
    choice.set("message", message);
    choice.put("finish_reason", finish);
    out.putObject("usage")
        .put("prompt_tokens", 50)
        .put("completion_tokens", 10)
        .put("total_tokens", 60);
    return out.toString();
  }

  @Test
  void aPaymentInterruptedByKill9IsAppliedOnceAndTheSessionCompletes(@TempDir Path dir)
      throws Exception {
    List<String> attempts = new CopyOnWriteArrayList<>();
    Map<String, String> applied = new ConcurrentHashMap<>();
    CountDownLatch firstArrived = new CountDownLatch(1);
    CountDownLatch serverKilled = new CountDownLatch(1);
    HttpServer ledger = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    ledger.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    ledger.createContext(
        "/payments",
        ex -> {
          String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
          String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          attempts.add(String.valueOf(key));
          boolean first = key != null && applied.putIfAbsent(key, body) == null;
          if (first && attempts.size() == 1) {
            firstArrived.countDown();
            try {
              // Answer only after the caller is dead: its outcome was never persisted.
              serverKilled.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          reply(
              ex, first ? 201 : 200, "{\"status\": \"" + (first ? "applied" : "duplicate") + "\"}");
        });
    ledger.start();
    HttpServer model = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    model.createContext(
        "/v1/chat/completions",
        ex -> {
          JsonNode request = JSON.readTree(ex.getRequestBody());
          reply(ex, 200, completion(request, ledger.getAddress().getPort()));
        });
    model.start();
    try {
      Path agentsDir = Files.createDirectories(dir.resolve("agents"));
      Files.writeString(
          agentsDir.resolve("payer.yaml"),
          """
          name: payer
          description: Pays invoices through the ledger API.
          instructions: Pay the invoice the user names, once.
          tools: [http.request]
          limits: {max-steps: 4, max-tool-calls: 2, timeout: 120s}
          """);
      Map<String, Object> extra =
          Map.of(
              "tramontane.agents.dir", agentsDir.toString(),
              "tramontane.agents.models.default",
                  Map.of(
                      "provider", "openai",
                      "base-url", "http://127.0.0.1:" + model.getAddress().getPort() + "/v1",
                      "model-name", "ledger-model"),
              "tramontane.agents.tools.http",
                  Map.of("allowed-hosts", List.of("127.0.0.1"), "allow-private-networks", true));
      TestDatabase db = TestDatabase.h2(dir.resolve("data"));
      try (ServerProcess server = new ServerProcess(dir, db, extra)) {
        server.start();
        server.awaitReady(Duration.ofSeconds(300));
        HttpResponse<String> started =
            http.send(
                HttpRequest.newBuilder(server.uri("/agents/payer/sessions/s1/messages"))
                    .header("Authorization", "Bearer " + TestServer.ACME_KEY)
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"text\": \"Pay invoice INV-7\", \"wait\": false}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, started.statusCode(), started.body() + server.logTail());
        assertTrue(
            firstArrived.await(60, TimeUnit.SECONDS), "no payment call:\n" + server.logTail());
        server.kill();
        serverKilled.countDown();

        server.start();
        server.awaitReady(Duration.ofSeconds(300));
        // The session resumes by itself: nobody talks to it until it is done.
        Await.until(
            "the payment re-issued after the restart without any request",
            Duration.ofSeconds(60),
            () -> attempts.size() >= 2);
        JsonNode view =
            Await.until(
                "the session idle",
                Duration.ofSeconds(60),
                () ->
                    JSON.readTree(
                        http.send(
                                HttpRequest.newBuilder(server.uri("/agents/payer/sessions/s1"))
                                    .header("Authorization", "Bearer " + TestServer.ACME_KEY)
                                    .build(),
                                HttpResponse.BodyHandlers.ofString())
                            .body()),
                v -> "idle".equals(v.path("phase").asText()));
        assertEquals(2, attempts.size(), "issued, then re-issued once: " + attempts);
        assertEquals(attempts.get(0), attempts.get(1), "the same Idempotency-Key both times");
        assertEquals(1, applied.size(), "the payment was applied once");
        assertTrue(view.toString().contains("The payment is recorded."), view.toString());
      }
    } finally {
      ledger.stop(0);
      model.stop(0);
    }
  }
}
