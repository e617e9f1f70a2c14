package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tramontane.server.cli.Main;
import io.tramontane.server.testing.TestDatabase;
import io.tramontane.server.testing.TestServer;
import io.tramontane.testkit.Await;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agent turns that tell the truth (issue 15, items 5-9 and the message validation of 13), over real
 * HTTP against a real server whose models are a local OpenAI-compatible server written from the
 * public chat-completions documentation, reached through the production LangChain4j client. The
 * fake server enforces OpenAI's documented function-name pattern {@code ^[a-zA-Z0-9_-]{1,64}$} and
 * answers a 400 like OpenAI does when a name breaks it. Its behaviour depends on the model name:
 *
 * <ul>
 *   <li>{@code pay}: asks for one {@code http.request} POST to the receiver's {@code /pay} (under
 *       the name it was offered), then answers "The payment is recorded.";
 *   <li>{@code slow}: answers after {@link #SLOW};
 *   <li>{@code err500}, {@code err401}: the provider's JSON error with that status;
 *   <li>{@code surrogate}: an answer that contains a lone UTF-16 surrogate.
 * </ul>
 */
class AgentTurnsIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Pattern OPENAI_NAME = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");
  static final Duration SLOW = Duration.ofSeconds(7);

  @TempDir Path dir;
  HttpServer model;
  HttpServer receiver;
  final Map<String, AtomicInteger> modelCalls = new ConcurrentHashMap<>();
  final List<JsonNode> modelRequests = new CopyOnWriteArrayList<>();
  final List<String> badNames = new CopyOnWriteArrayList<>();
  final List<String> payments = new CopyOnWriteArrayList<>();
  volatile CountDownLatch paymentArrived = new CountDownLatch(1);
  volatile CountDownLatch releasePayment = new CountDownLatch(0);

  static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  static String completion(String model, ObjectNode message, String finish) {
    ObjectNode out =
        JSON.createObjectNode()
            .put("id", "chatcmpl-1")
            .put("object", "chat.completion")
            .put("created", 1764583200)
            .put("model", model);
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

  static String text(String model, String content) {
    return completion(
        model, JSON.createObjectNode().put("role", "assistant").put("content", content), "stop");
  }

  /** OpenAI's 400 for a function name that breaks the documented pattern. */
  String badName(String param, String name) {
    badNames.add(name);
    ObjectNode error = JSON.createObjectNode();
    error
        .putObject("error")
        .put(
            "message",
            "Invalid '"
                + param
                + "': string does not match pattern. Expected a string that matches the pattern"
                + " '^[a-zA-Z0-9_-]+$'.")
        .put("type", "invalid_request_error")
        .put("param", param)
        .put("code", "invalid_value");
    return error.toString();
  }

  void answer(HttpExchange ex) throws IOException {
    JsonNode request = JSON.readTree(ex.getRequestBody());
    modelRequests.add(request);
    String name = request.path("model").asText();
    modelCalls.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
    JsonNode tools = request.path("tools");
    String payTool = null;
    for (int i = 0; i < tools.size(); i++) {
      String t = tools.get(i).path("function").path("name").asText();
      if (!OPENAI_NAME.matcher(t).matches()) {
        reply(ex, 400, badName("tools[" + i + "].function.name", t));
        return;
      }
      if (t.contains("http")) {
        payTool = t;
      }
    }
    JsonNode messages = request.path("messages");
    for (int i = 0; i < messages.size(); i++) {
      JsonNode calls = messages.get(i).path("tool_calls");
      for (int j = 0; j < calls.size(); j++) {
        String t = calls.get(j).path("function").path("name").asText();
        if (!OPENAI_NAME.matcher(t).matches()) {
          reply(ex, 400, badName("messages[" + i + "].tool_calls[" + j + "].function.name", t));
          return;
        }
      }
    }
    switch (name) {
      case "err500" ->
          reply(
              ex,
              500,
              "{\"error\": {\"message\": \"The server had an error while processing your request.\","
                  + " \"type\": \"server_error\", \"param\": null, \"code\": null}}");
      case "err401" ->
          reply(
              ex,
              401,
              "{\"error\": {\"message\": \"Incorrect API key provided: sk-fake.\", \"type\":"
                  + " \"invalid_request_error\", \"param\": null, \"code\": \"invalid_api_key\"}}");
      case "surrogate" -> {
        // A lone high surrogate, escaped as JSON allows.
        String body = text(name, "Half a pair: X").replace("X", "\\ud800");
        reply(ex, 200, body);
      }
      case "slow" -> {
        try {
          Thread.sleep(SLOW.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        reply(ex, 200, text(name, "Slow but sure."));
      }
      default -> {
        String lastRole = messages.get(messages.size() - 1).path("role").asText();
        if ("tool".equals(lastRole) || payTool == null) {
          reply(ex, 200, text(name, "The payment is recorded."));
          return;
        }
        ObjectNode message = JSON.createObjectNode().put("role", "assistant");
        message.putNull("content");
        ObjectNode args =
            JSON.createObjectNode()
                .put("method", "POST")
                .put("url", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/pay")
                .put("body", "{\"invoice\": \"INV-7\", \"amount\": 1250}");
        ArrayNode calls = message.putArray("tool_calls");
        calls
            .addObject()
            .put("id", "call_pay_" + modelRequests.size())
            .put("type", "function")
            .putObject("function")
            .put("name", payTool)
            .put("arguments", args.toString());
        reply(ex, 200, completion(name, message, "tool_calls"));
      }
    }
  }

  @BeforeEach
  void fakes() throws IOException {
    model = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    model.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    model.createContext("/v1/chat/completions", this::answer);
    model.start();
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    receiver.createContext(
        "/pay",
        ex -> {
          payments.add(String.valueOf(ex.getRequestHeaders().getFirst("Idempotency-Key")));
          ex.getRequestBody().readAllBytes();
          paymentArrived.countDown();
          try {
            releasePayment.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          reply(ex, 201, "{\"status\": \"applied\"}");
        });
    receiver.start();
  }

  @AfterEach
  void stopFakes() {
    releasePayment.countDown();
    model.stop(0);
    receiver.stop(0);
  }

  static final String AGENTS =
      """
      name: payer
      description: Pays invoices through the ledger API.
      model: pay
      instructions: Pay the invoice the user names, once.
      tools: [http.request]
      limits: {max-steps: 4, max-tool-calls: 2, timeout: 120s}
      ---
      name: hasty
      description: Pays invoices, within a short time.
      model: pay
      instructions: Pay the invoice the user names, once.
      tools: [http.request]
      limits: {max-steps: 4, max-tool-calls: 2, timeout: 3s}
      ---
      name: slowpoke
      description: Answers slowly.
      model: slow
      instructions: Answer.
      tools: []
      ---
      name: broken
      description: Its provider fails.
      model: err500
      instructions: Answer.
      tools: []
      ---
      name: locked
      description: Its provider refuses the key.
      model: err401
      instructions: Answer.
      tools: []
      ---
      name: looper
      description: Its model answers with a lone surrogate.
      model: surrogate
      instructions: Answer.
      tools: []
      limits: {max-steps: 3}
      """;

  Path agentsDir() throws IOException {
    Path agents = Files.createDirectories(dir.resolve("agents"));
    for (String doc : AGENTS.split("---\n")) {
      String name = doc.lines().findFirst().orElseThrow().substring("name: ".length()).strip();
      Files.writeString(agents.resolve(name + ".yaml"), doc);
    }
    return agents;
  }

  Map<String, Object> config() throws IOException {
    String base = "http://127.0.0.1:" + model.getAddress().getPort() + "/v1";
    Map<String, Object> models = new HashMap<>();
    for (String m : List.of("pay", "slow", "err500", "err401", "surrogate")) {
      models.put(
          m, Map.of("provider", "openai", "base-url", base, "model-name", m, "timeout", "30s"));
    }
    Map<String, Object> extra = new HashMap<>();
    extra.put("tramontane.agents.dir", agentsDir().toString());
    extra.put("tramontane.agents.models", models);
    extra.put(
        "tramontane.agents.tools.http",
        Map.of("allowed-hosts", List.of("127.0.0.1"), "allow-private-networks", true));
    // A short request timeout, so a long wait meets it within the test's time.
    extra.put("pekko.http.server.request-timeout", "5s");
    return extra;
  }

  TestServer start() throws IOException {
    return TestServer.start(TestDatabase.h2(dir.resolve("data")), config());
  }

  static HttpResponse<String> post(TestServer server, String path, String body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(server.uri(path))
            .header("Authorization", "Bearer " + TestServer.ACME_KEY)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return server.send(b.build());
  }

  static JsonNode view(TestServer server, String agent, String session) throws Exception {
    return JSON.readTree(
        server.get("/agents/" + agent + "/sessions/" + session, TestServer.ACME_KEY).body());
  }

  static JsonNode awaitIdle(TestServer server, String agent, String session) throws Exception {
    return Await.until(
        "session " + session + " of " + agent + " idle",
        Duration.ofSeconds(60),
        () -> view(server, agent, session),
        v -> "idle".equals(v.path("phase").asText()));
  }

  static void assertProblem(HttpResponse<String> r, int status, String mentions) throws Exception {
    assertEquals(status, r.statusCode(), r.body());
    assertTrue(
        r.headers().firstValue("content-type").orElse("").startsWith("application/problem+json"),
        r.headers().map() + " " + r.body());
    JsonNode p = JSON.readTree(r.body());
    assertEquals(status, p.path("status").asInt(), r.body());
    assertTrue(p.path("detail").asText().contains(mentions), r.body());
  }

  static List<String> types(JsonNode view) {
    List<String> out = new ArrayList<>();
    view.path("steps").forEach(s -> out.add(s.path("type").asText()));
    return out;
  }

  /** Item 8: the dotted tool names reach OpenAI as valid names, and calls map back to the tool. */
  @Test
  void toolNamesOfferedToTheModelMatchOpenAisPatternAndMapBack() throws Exception {
    try (TestServer server = start()) {
      HttpResponse<String> r =
          post(server, "/agents/payer/sessions/n1/messages", "{\"text\": \"Pay INV-7\"}");
      assertEquals(200, r.statusCode(), r.body());
      assertEquals("The payment is recorded.", JSON.readTree(r.body()).path("answer").asText());
      assertEquals(List.of(), badNames, "every name offered matches ^[a-zA-Z0-9_-]{1,64}$");
      assertEquals(1, payments.size(), "the call reached the receiver through http.request");
      JsonNode v = view(server, "payer", "n1");
      JsonNode requested = v.path("steps").get(2);
      assertEquals("ToolCallRequested", requested.path("type").asText(), v.toString());
      assertEquals("http.request", requested.path("tool").asText(), "mapped back to the tool");
    }
  }

  /** Item 9: provider failures are problems with the right status, never a 200 answer. */
  @Test
  void aModelFailureIsAProblemAndEveryModelCallCounts() throws Exception {
    try (TestServer server = start()) {
      HttpResponse<String> broken =
          post(server, "/agents/broken/sessions/f1/messages", "{\"text\": \"hello\"}");
      assertProblem(broken, 502, "language model");
      assertFalse(broken.body().contains("server_error"), "no raw provider JSON: " + broken.body());
      // One HTTP request per counted model call: the client library does not retry behind the
      // session's back (it used to send each failed call three times).
      assertEquals(1, modelCalls.get("err500").get(), "requests for one failed model call");
      HttpResponse<String> locked =
          post(server, "/agents/locked/sessions/f2/messages", "{\"text\": \"hello\"}");
      assertProblem(locked, 502, "language model");
      assertFalse(locked.body().contains("sk-fake"), locked.body());
      assertTrue(types(awaitIdle(server, "locked", "f2")).contains("ModelCallFailed"));

      // A lone surrogate in a message: refused at once, naming the field.
      long t0 = System.nanoTime();
      HttpResponse<String> lone =
          post(server, "/agents/looper/sessions/f3/messages", "{\"text\": \"pay \\ud800 now\"}");
      assertProblem(lone, 400, "'text'");
      assertTrue(Duration.ofNanos(System.nanoTime() - t0).toSeconds() < 3, "answered at once");

      // A lone surrogate in a model answer: one model call, an answer, no loop.
      HttpResponse<String> looped =
          post(server, "/agents/looper/sessions/f4/messages", "{\"text\": \"hello\"}");
      assertEquals(200, looped.statusCode(), looped.body());
      assertTrue(JSON.readTree(looped.body()).path("answer").asText().contains("\uFFFD"));
      // The session's journal: the turn ended (idle) after one model answer; a loop would have
      // journaled another model call before ending, or kept the session busy.
      JsonNode v = awaitIdle(server, "looper", "f4");
      assertEquals(
          List.of("MessageReceived", "ModelAnswered", "AnswerProduced"), types(v), v.toString());
      assertEquals(1, modelCalls.get("surrogate").get(), "one model call, counted");
    }
  }

  /** Item 13 (messages): wrong bodies are 400 naming the field; nothing is started. */
  @Test
  void invalidMessagesAre400NamingTheField() throws Exception {
    try (TestServer server = start()) {
      String path = "/agents/payer/sessions/v1/messages";
      assertProblem(post(server, path, "{\"text\": \"\"}"), 400, "'text'");
      assertProblem(post(server, path, "{\"text\": \"   \"}"), 400, "'text'");
      assertProblem(
          post(server, path, "{\"text\": \"" + "x".repeat(32_001) + "\"}"), 400, "'text'");
      assertProblem(post(server, path, "{\"text\": 7}"), 400, "'text'");
      assertProblem(post(server, path, "{}"), 400, "'text'");
      assertProblem(
          post(server, path, "{\"text\": \"hi\", \"principals\": [1]}"), 400, "'principals'");
      assertProblem(
          post(server, path, "{\"text\": \"hi\", \"principals\": \"alice\"}"), 400, "'principals'");
      assertProblem(
          post(server, path, "{\"text\": \"hi\", \"principals\": [\"\"]}"), 400, "'principals'");
      assertProblem(
          post(server, path, "{\"text\": \"hi\", \"principals\": [\"a\\udc00\"]}"),
          400,
          "'principals'");
      assertProblem(post(server, path, "{\"text\": \"hi\", \"wait\": \"no\"}"), 400, "'wait'");
      assertProblem(post(server, path, "{\"text\": \"hi\", \"colour\": 1}"), 400, "'colour'");
      assertEquals(404, server.get("/agents/payer/sessions/v1", TestServer.ACME_KEY).statusCode());
      assertEquals(0, modelRequests.size(), "nothing started");
    }
  }

  /**
   * Item 5: a long wait ends before the request timeout in a 202 pointing at the session, and a
   * retry with the same Idempotency-Key returns the first attempt's turn, also after a restart.
   */
  @Test
  void aLongWaitEndsIn202AndARetryWithTheSameKeyReturnsTheSameTurn() throws Exception {
    String path = "/agents/slowpoke/sessions/w1/messages";
    String body = "{\"text\": \"take your time\"}";
    try (TestServer server = start()) {
      long t0 = System.nanoTime();
      HttpResponse<String> first = post(server, path, body, "Idempotency-Key", "k-1");
      long took = Duration.ofNanos(System.nanoTime() - t0).toMillis();
      assertEquals(202, first.statusCode(), first.body());
      assertTrue(took < 5000, "before the request timeout: " + took + " ms");
      assertTrue(
          first.headers().firstValue("content-type").orElse("").startsWith("application/json"));
      assertEquals(
          "/agents/slowpoke/sessions/w1", first.headers().firstValue("location").orElse(""));
      JsonNode f = JSON.readTree(first.body());
      assertEquals(1, f.path("turn").asInt(), first.body());
      assertEquals("working", f.path("status").asText(), first.body());
      assertEquals("/agents/slowpoke/sessions/w1/events", f.path("events").asText());

      // The client retries as a client does: same key, same body. No second turn.
      HttpResponse<String> retry = post(server, path, body, "Idempotency-Key", "k-1");
      assertNotEquals(409, retry.statusCode(), retry.body());
      assertEquals(1, JSON.readTree(retry.body()).path("turn").asInt(), retry.body());
      awaitIdle(server, "slowpoke", "w1");
      HttpResponse<String> done = post(server, path, body, "Idempotency-Key", "k-1");
      assertEquals(200, done.statusCode(), done.body());
      assertEquals(1, JSON.readTree(done.body()).path("turn").asInt());
      assertEquals("Slow but sure.", JSON.readTree(done.body()).path("answer").asText());
      assertEquals(1, modelCalls.get("slow").get(), "one turn, one model call");

      // Same key, another message: refused, naming the key.
      assertProblem(
          post(server, path, "{\"text\": \"something else\"}", "Idempotency-Key", "k-1"),
          422,
          "Idempotency-Key");
      assertProblem(
          post(server, path, body, "Idempotency-Key", "bad key with spaces"),
          400,
          "Idempotency-Key");
    }
    // After a restart the key is still known: the journal holds it.
    try (TestServer server = start()) {
      HttpResponse<String> again = post(server, path, body, "Idempotency-Key", "k-1");
      assertEquals(200, again.statusCode(), again.body());
      assertEquals(1, JSON.readTree(again.body()).path("turn").asInt(), again.body());
      assertEquals(1, modelCalls.get("slow").get(), "no second turn after the restart");
      assertEquals(1, view(server, "slowpoke", "w1").path("turn").asInt());
    }
  }

  /** Item 6: a cancel while a tool call is in flight records an unknown outcome, and says so. */
  @Test
  void cancellingWhileAToolCallIsInFlightRecordsAnUnknownOutcome() throws Exception {
    releasePayment = new CountDownLatch(1);
    try (TestServer server = start()) {
      HttpResponse<String> started =
          post(
              server,
              "/agents/payer/sessions/c1/messages",
              "{\"text\": \"Pay INV-7\", \"wait\": false}");
      assertEquals(202, started.statusCode(), started.body());
      assertTrue(paymentArrived.await(30, TimeUnit.SECONDS), "the payment reached the receiver");
      HttpResponse<String> cancelled = post(server, "/agents/payer/sessions/c1/cancel", "");
      assertEquals(200, cancelled.statusCode(), cancelled.body());
      JsonNode c = JSON.readTree(cancelled.body());
      assertEquals("cancelled", c.path("status").asText(), cancelled.body());
      assertEquals("http.request", c.path("outcomeUnknown").get(0).path("tool").asText());
      assertTrue(cancelled.body().contains("may have been applied"), cancelled.body());
      releasePayment.countDown();

      JsonNode v = awaitIdle(server, "payer", "c1");
      assertFalse(v.toString().contains("not run"), v.toString());
      JsonNode unknown = null;
      for (JsonNode s : v.path("steps")) {
        if (s.path("type").asText().equals("ToolCallOutcomeUnknown")) {
          unknown = s;
        }
      }
      assertTrue(unknown != null, v.toString());
      assertTrue(unknown.path("reason").asText().contains("may have been applied"), v.toString());

      // The model is told the same thing on the next turn.
      int before = modelRequests.size();
      HttpResponse<String> next =
          post(server, "/agents/payer/sessions/c1/messages", "{\"text\": \"Did it go through?\"}");
      assertEquals(200, next.statusCode(), next.body());
      JsonNode request = modelRequests.get(before);
      String toolMessage = "";
      for (JsonNode m : request.path("messages")) {
        if (m.path("role").asText().equals("tool")) {
          toolMessage = m.path("content").asText();
        }
      }
      assertTrue(toolMessage.contains("outcome unknown"), toolMessage);
      assertTrue(toolMessage.contains("may have been applied"), toolMessage);
      assertFalse(toolMessage.contains("not run"), toolMessage);
    }
  }

  /** Item 6: the turn timeout bounds a hanging tool call: BudgetExceeded, outcome unknown. */
  @Test
  void theTurnTimeoutBoundsAHangingToolCall() throws Exception {
    releasePayment = new CountDownLatch(1);
    try (TestServer server = start()) {
      long t0 = System.nanoTime();
      HttpResponse<String> r =
          post(server, "/agents/hasty/sessions/t1/messages", "{\"text\": \"Pay INV-7\"}");
      long took = Duration.ofNanos(System.nanoTime() - t0).toMillis();
      assertEquals(200, r.statusCode(), r.body());
      assertTrue(took < 4900, "ended by the 3 s turn timeout, took " + took + " ms");
      JsonNode a = JSON.readTree(r.body());
      assertEquals("budget-exceeded", a.path("status").asText(), r.body());
      assertTrue(a.path("answer").asText().contains("may have been applied"), r.body());
      JsonNode v = awaitIdle(server, "hasty", "t1");
      List<String> types = types(v);
      assertTrue(types.contains("BudgetExceeded"), types.toString());
      assertTrue(types.contains("ToolCallOutcomeUnknown"), types.toString());
      assertFalse(types.contains("ToolCallAbandoned"), types.toString());
      releasePayment.countDown();
    }
  }

  /**
   * Item 7: {@code tramontane replay} of a session interrupted with a tool call in flight reads the
   * journal only: no model or tool call, no stack trace, a clear report.
   */
  @Test
  void replayReadsTheJournalOnly() throws Exception {
    releasePayment = new CountDownLatch(1);
    try (TestServer server = start()) {
      HttpResponse<String> started =
          post(
              server,
              "/agents/payer/sessions/r1/messages",
              "{\"text\": \"Pay INV-7\", \"wait\": false}");
      assertEquals(202, started.statusCode(), started.body());
      assertTrue(paymentArrived.await(30, TimeUnit.SECONDS), "the payment reached the receiver");
    }
    // The node is gone while the payment was in flight: the session is interrupted.
    int modelBefore = modelRequests.size();
    int paymentsBefore = payments.size();
    Path conf = dir.resolve("replay.conf");
    StringBuilder hocon = new StringBuilder();
    for (String m : List.of("pay", "slow", "err500", "err401", "surrogate")) {
      hocon
          .append("tramontane.agents.models.")
          .append(m)
          .append(" { provider = openai, model-name = ")
          .append(m)
          .append(", base-url = \"http://127.0.0.1:")
          .append(model.getAddress().getPort())
          .append("/v1\" }\n");
    }
    hocon.append(
        "tramontane.agents.tools.http { allowed-hosts = [\"127.0.0.1\"],"
            + " allow-private-networks = true }\n");
    Files.writeString(conf, hocon);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        Main.run(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            "replay",
            "payer",
            "r1",
            "--tenant",
            "acme",
            "--config",
            conf.toString(),
            "--agents",
            dir.resolve("agents").toString(),
            "--data-dir",
            dir.resolve("data").toString());
    // The replay has ended (its node stopped before Main.run returned) and read the whole journal,
    // the interrupted tool call included; only then: it called neither the model nor the tool.
    assertTrue(exit == 0 || exit == 3, "exit " + exit + "\n" + out + err);
    assertTrue(out.toString().contains("Replayed session r1 of agent payer"), out + "\n" + err);
    assertTrue(out.toString().contains("interrupted"), out.toString());
    assertTrue(out.toString().contains("http.request"), out.toString());
    assertEquals(modelBefore, modelRequests.size(), "no model call");
    assertEquals(paymentsBefore, payments.size(), "no tool call");
    assertFalse(err.toString().contains("Exception"), err.toString());
    assertFalse(out.toString().contains("Exception"), out.toString());
  }
}
