package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tramontane.intake.signature.StandardWebhooksScheme;
import io.tramontane.server.testing.ServerProcess;
import io.tramontane.server.testing.TestDatabase;
import io.tramontane.server.testing.TestServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing acknowledged is lost on {@code kill -9}, under load, on each journal (issue 15, item 3).
 *
 * <p>A server JVM serves five kinds of writes at once: agent turns whose model (a local
 * OpenAI-compatible server) asks for a payment through the HTTP tool, turns of an agent whose
 * payments wait for approval (approved by the test), signed webhooks, document uploads and durable
 * workflow runs whose two steps call the same ledger. Each cycle waits for one acknowledgement of
 * the kind whose turn it is (a 2xx, or for tool calls and workflow effects the ledger receiving the
 * call), sleeps a random 0-500 ms and kills the JVM with SIGKILL; it is then started again on the
 * same journal. At the end every acknowledged write must be there: each answered turn and approved
 * call in its session, each 202 webhook, each uploaded document in the index, each started run; and
 * every call the ledger received must be in the journal under its key, with no key ever sent with
 * two different payloads (a lost step would make a later turn reuse its key for another payment).
 *
 * <p>Cycles: {@code -Dtramontane.crash.cycles=N} (default {@link #DEFAULT_CYCLES} per journal); the
 * random delays come from {@code -Dtramontane.crash.seed}, printed on every run.
 */
abstract class AbstractAcknowledgedCrashIT {

  static final int DEFAULT_CYCLES = 3;
  static final ObjectMapper JSON = new ObjectMapper();
  static final String KEY = TestServer.ACME_KEY;

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  abstract TestDatabase database(Path dataDir);

  /** The kinds of acknowledgement a kill follows, in turn. */
  enum Kind {
    AGENT_STEP,
    APPROVED_CALL,
    DOCUMENT,
    WORKFLOW_EFFECT,
    WEBHOOK
  }

  /** What the server acknowledged, and what the outside world (the ledger) saw. */
  static final class Record {
    final Map<String, Integer> answeredTurns = new ConcurrentHashMap<>(); // session -> turn
    final Map<String, String> approvedCalls = new ConcurrentHashMap<>(); // key -> session
    final Set<String> webhooks = ConcurrentHashMap.newKeySet();
    final Set<String> documents = ConcurrentHashMap.newKeySet();
    final Set<String> runs = ConcurrentHashMap.newKeySet();
    final Map<String, String> ledger = new ConcurrentHashMap<>(); // key -> body
    final Map<String, String> ledgerPath = new ConcurrentHashMap<>(); // key -> path
    final List<String> reused = new CopyOnWriteArrayList<>();
    final AtomicReference<Kind> awaited = new AtomicReference<>();
    volatile long ackedAt;
    final AtomicInteger errors = new AtomicInteger();
    final List<String> errorSamples = new CopyOnWriteArrayList<>();

    void acked(Kind kind) {
      if (awaited.compareAndSet(kind, null)) {
        ackedAt = System.nanoTime();
      }
    }
  }

  static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  /**
   * Chat completions as the public API documents them: the model asks once per turn for a payment
   * through the HTTP tool (whatever name the server offers it under), then answers in plain text.
   */
  static String completion(JsonNode request, String ledger) {
    JsonNode messages = request.get("messages");
    JsonNode last = messages.get(messages.size() - 1);
    ObjectNode message = JSON.createObjectNode().put("role", "assistant");
    String finish;
    if ("tool".equals(last.path("role").asText())) {
      message.put("content", "The payment is recorded.");
      finish = "stop";
    } else {
      String tool = "http.request";
      for (JsonNode t : request.path("tools")) {
        String name = t.path("function").path("name").asText();
        if (name.startsWith("http")) {
          tool = name;
        }
      }
      message.putNull("content");
      ObjectNode args =
          JSON.createObjectNode()
              .put("method", "POST")
              .put("url", ledger + "/pay")
              .put(
                  "body",
                  JSON.createObjectNode().put("text", last.path("content").asText()).toString());
      message
          .putArray("tool_calls")
          .addObject()
          .put("id", "call_1")
          .put("type", "function")
          .putObject("function")
          .put("name", tool)
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

  HttpServer outsideWorld(Record record) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    String base = "http://127.0.0.1:";
    server.createContext(
        "/v1/chat/completions",
        ex -> {
          JsonNode request = JSON.readTree(ex.getRequestBody());
          reply(ex, 200, completion(request, base + server.getAddress().getPort()));
        });
    for (String path : List.of("/pay", "/wf")) {
      server.createContext(
          path,
          ex -> {
            String key = String.valueOf(ex.getRequestHeaders().getFirst("Idempotency-Key"));
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String before = record.ledger.putIfAbsent(key, body);
            record.ledgerPath.putIfAbsent(key, path);
            if (before != null && !before.equals(body)) {
              record.reused.add(key + ": " + before + " then " + body);
            }
            record.acked(path.equals("/wf") ? Kind.WORKFLOW_EFFECT : Kind.AGENT_STEP);
            reply(ex, before == null ? 201 : 200, "{\"status\": \"ok\"}");
          });
    }
    server.start();
    return server;
  }

  Map<String, Object> config(Path dir, int port) throws IOException {
    Path agents = Files.createDirectories(dir.resolve("agents"));
    String limits = "limits: {max-steps: 4, max-tool-calls: 2, timeout: 60s}\n";
    Files.writeString(
        agents.resolve("payer.yaml"),
        "name: payer\ndescription: Pays.\ninstructions: Pay once.\ntools: [http.request]\n"
            + limits);
    Files.writeString(
        agents.resolve("approver.yaml"),
        "name: approver\ndescription: Pays after approval.\ninstructions: Pay once.\n"
            + "tools: [http.request]\napproval: [http.request]\n"
            + limits);
    Path workflows = Files.createDirectories(dir.resolve("workflows"));
    String endpoint = "http://127.0.0.1:" + port + "/wf";
    Files.writeString(
        workflows.resolve("crash-flow.yaml"),
        """
        document: {dsl: '1.0.0', namespace: it, name: crash-flow, version: '1.0.0'}
        do:
          - first:
              call: http
              with:
                method: post
                endpoint: %s
                body: '${ {run: .run, step: 1} }'
          - second:
              call: http
              with:
                method: post
                endpoint: %s
                body: '${ {run: .run, step: 2} }'
        """
            .formatted(endpoint, endpoint));
    return Map.of(
        "tramontane.agents.dir", agents.toString(),
        "tramontane.agents.tenant", "acme",
        "tramontane.workflows.tenant", "acme",
        "tramontane.agents.models.default",
            Map.of(
                "provider", "openai",
                "base-url", "http://127.0.0.1:" + port + "/v1",
                "model-name", "ledger-model"),
        "tramontane.agents.tools.http",
            Map.of("allowed-hosts", List.of("127.0.0.1"), "allow-private-networks", true),
        "tramontane.workflows.dir", workflows.toString(),
        "tramontane.workflows.http.allowed-hosts", List.of("127.0.0.1"),
        "tramontane.workflows.http.allow-private-networks", true);
  }

  static HttpRequest signed(ServerProcess server, String id) {
    byte[] body = ("{\"order\": \"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
    long ts = java.time.Instant.now().getEpochSecond();
    return HttpRequest.newBuilder(server.uri("/hooks/orders"))
        .header("content-type", "application/json")
        .header("webhook-id", id)
        .header("webhook-timestamp", Long.toString(ts))
        .header(
            "webhook-signature",
            StandardWebhooksScheme.sign(
                StandardWebhooksScheme.decodeSecret(TestServer.ORDERS_SECRET), id, ts, body))
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
    return http.send(
        b.header("Authorization", "Bearer " + KEY).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(ServerProcess s, String path, String body)
      throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(s.uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  JsonNode get(ServerProcess s, String path) throws IOException, InterruptedException {
    HttpResponse<String> r = send(HttpRequest.newBuilder(s.uri(path)));
    return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
  }

  /** The load of one cycle: each kind in its own loop until {@code stop}. */
  List<Runnable> load(ServerProcess s, Record rec, int cycle, AtomicBoolean stop) {
    List<Runnable> loops = new ArrayList<>();
    loops.add(
        () ->
            until(
                stop,
                rec,
                n -> {
                  // New sessions and next turns of earlier ones: a lost step would reuse a key.
                  String session =
                      "p"
                          + (n % 3 == 0 || cycle == 0
                              ? cycle + "-" + n
                              : (cycle - 1) + "-" + (n - 1));
                  String text = "Pay invoice " + cycle + "/" + n + " for " + session;
                  HttpResponse<String> r =
                      post(
                          s,
                          "/agents/payer/sessions/" + session + "/messages",
                          JSON.createObjectNode().put("text", text).put("wait", true).toString());
                  if (r.statusCode() == 200) {
                    rec.answeredTurns.merge(
                        session, JSON.readTree(r.body()).path("turn").asInt(), Math::max);
                  } else if (r.statusCode() != 409) {
                    throw new IOException("payer: " + r.statusCode() + " " + r.body());
                  }
                }));
    loops.add(
        () ->
            until(
                stop,
                rec,
                n -> {
                  String session = "a" + cycle + "-" + n;
                  HttpResponse<String> r =
                      post(
                          s,
                          "/agents/approver/sessions/" + session + "/messages",
                          JSON.createObjectNode()
                              .put("text", "Pay " + session)
                              .put("wait", true)
                              .toString());
                  if (r.statusCode() != 202) {
                    throw new IOException("approver: " + r.statusCode() + " " + r.body());
                  }
                  for (JsonNode key : JSON.readTree(r.body()).path("pending")) {
                    HttpResponse<String> d =
                        post(
                            s,
                            "/agents/approver/sessions/" + session + "/decisions",
                            JSON.createObjectNode()
                                .put("key", key.asText())
                                .put("approve", true)
                                .toString());
                    if (d.statusCode() / 100 != 2) {
                      throw new IOException("decision: " + d.statusCode() + " " + d.body());
                    }
                    rec.approvedCalls.put(key.asText(), session);
                    rec.acked(Kind.APPROVED_CALL);
                  }
                }));
    loops.add(
        () ->
            until(
                stop,
                rec,
                n -> {
                  String id = "msg_" + cycle + "_" + n;
                  HttpResponse<String> r =
                      http.send(signed(s, id), HttpResponse.BodyHandlers.ofString());
                  if (r.statusCode() != 202) {
                    throw new IOException("webhook: " + r.statusCode() + " " + r.body());
                  }
                  rec.webhooks.add(id);
                  rec.acked(Kind.WEBHOOK);
                }));
    loops.add(
        () ->
            until(
                stop,
                rec,
                n -> {
                  String id = "doc-" + cycle + "-" + n + ".txt";
                  HttpResponse<String> r =
                      send(
                          HttpRequest.newBuilder(
                                  s.uri("/collections/crash/documents?public=true&id=" + id))
                              .header("Content-Type", "text/plain")
                              .PUT(
                                  HttpRequest.BodyPublishers.ofString(
                                      "Inspection note " + id + ": the crane was checked.")));
                  if (r.statusCode() == 503) {
                    Thread.sleep(200);
                    return;
                  }
                  if (r.statusCode() != 200) {
                    throw new IOException("document: " + r.statusCode() + " " + r.body());
                  }
                  rec.documents.add(id);
                  rec.acked(Kind.DOCUMENT);
                }));
    loops.add(
        () ->
            until(
                stop,
                rec,
                n -> {
                  String run = "run-" + cycle + "-" + n;
                  HttpResponse<String> r =
                      post(s, "/workflows/crash-flow/runs/" + run, "{\"run\": \"" + run + "\"}");
                  if (r.statusCode() / 100 != 2) {
                    throw new IOException("run: " + r.statusCode() + " " + r.body());
                  }
                  rec.runs.add(run);
                  Thread.sleep(50);
                }));
    return loops;
  }

  interface Step {
    void run(int n) throws Exception;
  }

  /** Runs {@code step} 0, 1, 2… until stopped; failures once the JVM is dead are expected. */
  static void until(AtomicBoolean stop, Record rec, Step step) {
    for (int n = 0; !stop.get(); n++) {
      try {
        step.run(n);
      } catch (Exception e) {
        if (!stop.get()) {
          rec.errors.incrementAndGet();
          if (rec.errorSamples.size() < 5) {
            rec.errorSamples.add(String.valueOf(e.getMessage()));
          }
          try {
            Thread.sleep(100);
          } catch (InterruptedException ie) {
            return;
          }
        }
      }
    }
  }

  @Test
  void everyAcknowledgedWriteSurvivesKill9UnderLoad(@TempDir Path dir) throws Exception {
    int cycles = Integer.getInteger("tramontane.crash.cycles", DEFAULT_CYCLES);
    long seed = Long.getLong("tramontane.crash.seed", System.nanoTime());
    System.out.println(getClass().getSimpleName() + ": seed " + seed + ", " + cycles + " kills");
    Random random = new Random(seed);
    Record rec = new Record();
    HttpServer world = outsideWorld(rec);
    List<String> kills = new ArrayList<>();
    try (ServerProcess server =
        new ServerProcess(
            dir, database(dir.resolve("data")), config(dir, world.getAddress().getPort()))) {
      server.start();
      server.awaitReady(Duration.ofSeconds(300));
      Kind[] kinds = Kind.values();
      for (int cycle = 0; cycle < cycles; cycle++) {
        Kind kind = kinds[cycle % kinds.length];
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        for (Runnable loop : load(server, rec, cycle, stop)) {
          pool.submit(loop);
        }
        Thread.sleep(300 + random.nextInt(700));
        rec.awaited.set(kind);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (rec.awaited.get() != null && System.nanoTime() < deadline) {
          Thread.sleep(1);
        }
        boolean seen = rec.awaited.get() == null;
        int delay = random.nextInt(501);
        long target = rec.ackedAt + TimeUnit.MILLISECONDS.toNanos(delay);
        while (seen && System.nanoTime() < target) {
          Thread.onSpinWait();
        }
        stop.set(true);
        server.kill();
        kills.add(kind + (seen ? "+" + delay + "ms" : " (not seen)"));
        pool.shutdownNow();
        pool.awaitTermination(30, TimeUnit.SECONDS);
        long t0 = System.nanoTime();
        server.start();
        server.awaitReady(Duration.ofSeconds(300));
        System.out.printf("cycle %d: restart %d ms%n", cycle, (System.nanoTime() - t0) / 1_000_000);
      }
      System.out.println("kills: " + kills);
      try {
        verify(server, rec);
      } catch (AssertionError e) {
        String keep = System.getProperty("tramontane.crash.keep");
        if (keep != null) {
          server.kill();
          new ProcessBuilder("cp", "-r", dir.toString(), keep).inheritIO().start().waitFor();
        }
        throw e;
      }
    } finally {
      world.stop(0);
    }
  }

  void verify(ServerProcess s, Record rec) throws Exception {
    List<String> lost = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    for (var e : rec.answeredTurns.entrySet()) {
      JsonNode v = get(s, "/agents/payer/sessions/" + e.getKey());
      if (v == null || v.path("turn").asInt() < e.getValue()) {
        lost.add("answered turn " + e.getValue() + " of session " + e.getKey() + ": " + v);
      }
    }
    for (var e : rec.approvedCalls.entrySet()) {
      JsonNode v = get(s, "/agents/approver/sessions/" + e.getValue());
      if (v == null || v.toString().contains("\"awaiting") && awaiting(v, e.getKey())) {
        lost.add("approval of " + e.getKey() + ": " + v);
      }
    }
    for (String id : rec.webhooks) {
      HttpResponse<String> r =
          send(HttpRequest.newBuilder(s.uri("/hooks/orders/deliveries/" + id)));
      if (r.statusCode() != 200) {
        lost.add("webhook " + id + ": " + r.statusCode());
      }
    }
    for (String run : rec.runs) {
      if (get(s, "/workflows/crash-flow/runs/" + run) == null) {
        lost.add("run " + run);
      }
    }
    // Every call the outside world received was requested in the journal first, under its key.
    for (var e : rec.ledger.entrySet()) {
      if (!rec.ledgerPath.get(e.getKey()).equals("/pay")) {
        continue;
      }
      String key = e.getKey();
      String session = sessionOf(key);
      String agent = key.contains("/approver/") ? "approver" : "payer";
      JsonNode v = get(s, "/agents/" + agent + "/sessions/" + session);
      if (v == null || !v.toString().contains(key)) {
        lost.add("tool call " + key + " reached the ledger but is not in its session: " + v);
      }
    }
    int documents = 0;
    while (System.nanoTime() < deadline) {
      JsonNode stats = get(s, "/collections/crash/stats");
      documents = stats == null ? 0 : stats.path("documents").asInt();
      if (documents >= rec.documents.size()) {
        break;
      }
      Thread.sleep(200);
    }
    if (documents < rec.documents.size()) {
      lost.add(rec.documents.size() + " documents acknowledged, " + documents + " indexed");
    }
    System.out.printf(
        "acknowledged: %d turns, %d approvals, %d webhooks, %d documents, %d runs; ledger %d calls;"
            + " %d load errors %s%n",
        rec.answeredTurns.size(),
        rec.approvedCalls.size(),
        rec.webhooks.size(),
        rec.documents.size(),
        rec.runs.size(),
        rec.ledger.size(),
        rec.errors.get(),
        rec.errorSamples);
    assertEquals(List.of(), rec.reused, "idempotency keys reused for other payloads");
    assertEquals(List.of(), lost, "acknowledged writes lost");
    assertTrue(rec.answeredTurns.size() > 0 && rec.webhooks.size() > 0 && rec.runs.size() > 0);
  }

  static boolean awaiting(JsonNode view, String key) {
    for (JsonNode p : view.path("pending")) {
      if (p.path("key").asText().equals(key) && p.path("status").asText().startsWith("awaiting")) {
        return true;
      }
    }
    return false;
  }

  /** {@code <tenant>/<agent>/<session>/<turn>/<n>} → session. */
  static String sessionOf(String key) {
    String[] parts = key.split("/");
    return parts.length >= 3 ? parts[2] : key;
  }
}
