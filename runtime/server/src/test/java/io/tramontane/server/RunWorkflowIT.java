package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run: workflow} (issue 17 item 8; dsl-reference.md "Run", "Workflow Process") on a server
 * JVM over HTTP: a child run of the same tenant whose output is the parent task's output; both
 * resume after kill -9 with the child's step applied once; cancelling the parent, or its task
 * timing out, cancels the child; a version that is not deployed, or a workflow of another tenant,
 * is the task's error.
 */
class RunWorkflowIT {

  static final ObjectMapper JSON = new ObjectMapper();

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** The child's outside world: answers {@code {got: n}} once per idempotency key; can hold. */
  static final class Gate implements AutoCloseable {
    final HttpServer server;
    final Map<String, String> answers = new ConcurrentHashMap<>();
    final AtomicInteger applied = new AtomicInteger();
    final CountDownLatch arrived = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    Gate() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.createContext("/gate", this::handle);
      server.start();
    }

    String endpoint() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/gate";
    }

    private void handle(HttpExchange ex) throws IOException {
      try (ex) {
        String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
        JsonNode body = JSON.readTree(ex.getRequestBody());
        arrived.countDown();
        release.await(60, TimeUnit.SECONDS);
        String answer =
            answers.computeIfAbsent(
                key,
                k -> {
                  applied.incrementAndGet();
                  return JSON.createObjectNode().put("got", body.path("n").asInt()).toString();
                });
        byte[] b = answer.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
      } catch (IOException callerGone) {
        // the server was killed while this request was in flight
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() {
      release.countDown();
      server.stop(0);
    }
  }

  static String doc(String name) {
    return "document: {dsl: '1.0.0', namespace: it, name: " + name + ", version: '1.0.0'}\n";
  }

  static Path workflows(Path dir, String gate) throws IOException {
    Path w = Files.createDirectories(dir.resolve("workflows"));
    Files.writeString(
        w.resolve("child.yaml"),
        doc("child")
            + """
            do:
              - ask:
                  call: http
                  with:
                    method: post
                    endpoint: %s
                    body: '${ {n: .n} }'
              - double:
                  set: {doubled: '${ .got * 2 }'}
            """
                .formatted(gate));
    Files.writeString(
        w.resolve("parent.yaml"),
        doc("parent")
            + """
            do:
              - sub:
                  run:
                    workflow: {namespace: it, name: child, version: '1.0.0', input: {n: '${ .n }'}}
              - after:
                  set: {fromChild: '${ .doubled }'}
            """);
    Files.writeString(
        w.resolve("waiter.yaml"),
        doc("waiter")
            + """
            do:
              - hold:
                  listen:
                    to:
                      one: {with: {type: it.never.happens}}
            """);
    Files.writeString(
        w.resolve("waits-for-waiter.yaml"),
        doc("waits-for-waiter")
            + """
            do:
              - sub:
                  run:
                    workflow: {namespace: it, name: waiter, version: latest}
            """);
    Files.writeString(
        w.resolve("impatient.yaml"),
        doc("impatient")
            + """
            do:
              - sub:
                  timeout: {after: PT2S}
                  run:
                    workflow: {namespace: it, name: waiter, version: '1.0.0'}
            """);
    Files.writeString(
        w.resolve("wrong-version.yaml"),
        doc("wrong-version")
            + """
            do:
              - sub:
                  run:
                    workflow: {namespace: it, name: child, version: '9.9.9'}
            """);
    Files.writeString(
        w.resolve("fire-and-forget.yaml"),
        doc("fire-and-forget")
            + """
            do:
              - sub:
                  run:
                    workflow: {namespace: it, name: child, version: '1.0.0', input: {n: 5}}
                    await: false
            """);
    return w;
  }

  HttpResponse<String> send(ServerProcess s, String key, String method, String path, String body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(s.uri(path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  void start(ServerProcess s, String key, String workflow, String run, String input)
      throws Exception {
    HttpResponse<String> r = send(s, key, "POST", "/workflows/" + workflow + "/runs/" + run, input);
    assertEquals(202, r.statusCode(), r.body() + "\n" + s.logTail());
  }

  JsonNode awaitStatus(ServerProcess s, String key, String workflow, String run, String status) {
    return Await.until(
        workflow + " run " + run + " " + status,
        Duration.ofSeconds(90),
        () -> {
          HttpResponse<String> r =
              send(s, key, "GET", "/workflows/" + workflow + "/runs/" + run, null);
          return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        },
        v -> v != null && status.equals(v.path("status").asText()));
  }

  /** The runs of {@code workflow} in the key's tenant. */
  JsonNode runs(ServerProcess s, String key, String workflow) throws Exception {
    HttpResponse<String> r = send(s, key, "GET", "/workflows/" + workflow + "/runs", null);
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body()).path("runs");
  }

  /** The child run an ended parent's task started, as its recorded effect (run events) names it. */
  String childOf(ServerProcess s, String workflow, String run) throws Exception {
    HttpResponse<String> r =
        send(
            s,
            TestServer.ACME_KEY,
            "GET",
            "/workflows/" + workflow + "/runs/" + run + "/stream",
            null);
    assertEquals(200, r.statusCode(), r.body());
    for (String line : r.body().split("\n")) {
      if (line.startsWith("data:")) {
        JsonNode child =
            JSON.readTree(line.substring(5)).path("outcome").path("result").path("run");
        if (child.isTextual()) {
          return child.asText();
        }
      }
    }
    throw new AssertionError("no child run recorded: " + r.body());
  }

  @Test
  void childRunsAreDurableTheirOutputReturnsAndCancellationPropagates(@TempDir Path dir)
      throws Exception {
    try (Gate gate = new Gate();
        ServerProcess server =
            new ServerProcess(
                dir,
                TestDatabase.postgres(dir.resolve("data")),
                Map.of(
                    "tramontane.workflows.dir",
                    workflows(dir, gate.endpoint()).toString(),
                    "tramontane.workflows.http.allowed-hosts",
                    List.of("127.0.0.1"),
                    "tramontane.workflows.http.allow-private-networks",
                    true))) {
      String acme = TestServer.ACME_KEY;
      server.start();
      server.awaitReady(Duration.ofSeconds(300));

      // The child's step is in flight when the server is killed; both runs resume by themselves.
      start(server, acme, "parent", "p1", "{\"n\": 21}");
      assertTrue(gate.arrived.await(60, TimeUnit.SECONDS), server.logTail());
      server.kill();
      gate.release.countDown();
      server.start();
      server.awaitReady(Duration.ofSeconds(300));
      JsonNode p1 = awaitStatus(server, acme, "parent", "p1", "completed");
      assertEquals(42, p1.path("output").path("fromChild").asInt(), p1.toString());
      assertEquals(1, gate.applied.get(), "the child's step applied once");
      JsonNode children = runs(server, acme, "child");
      assertEquals(1, children.size(), "one child run, not one per resume: " + children);
      assertEquals("completed", children.get(0).path("status").asText(), children.toString());
      assertEquals(childOf(server, "parent", "p1"), children.get(0).path("name").asText());

      // Cancelling the parent cancels the child it waits for.
      start(server, acme, "waits-for-waiter", "p2", "{}");
      JsonNode p2 =
          Await.until(
              "p2 started its child",
              Duration.ofSeconds(60),
              () -> runs(server, acme, "waiter"),
              r -> r.size() == 1);
      String waiter = p2.get(0).path("name").asText();
      HttpResponse<String> cancel =
          send(server, acme, "POST", "/workflows/waits-for-waiter/runs/p2/cancel", null);
      assertTrue(cancel.statusCode() / 100 == 2, cancel.body());
      awaitStatus(server, acme, "waiter", waiter, "cancelled");

      // A parent task's timeout fails the parent with a timeout, and cancels the child.
      start(server, acme, "impatient", "p3", "{}");
      JsonNode p3 = awaitStatus(server, acme, "impatient", "p3", "failed");
      assertTrue(p3.path("error").path("type").asText().endsWith("/errors/timeout"), p3.toString());
      awaitStatus(server, acme, "waiter", childOf(server, "impatient", "p3"), "cancelled");

      // A version that is not deployed is the task's error, naming the deployed one.
      start(server, acme, "wrong-version", "p4", "{}");
      JsonNode p4 = awaitStatus(server, acme, "wrong-version", "p4", "failed");
      assertEquals(404, p4.path("error").path("status").asInt(), p4.toString());
      assertTrue(p4.path("error").path("detail").asText().contains("1.0.0"), p4.toString());

      // await: false outputs the task's input at once; the child runs on.
      start(server, acme, "fire-and-forget", "p5", "{\"keep\": true}");
      JsonNode p5 = awaitStatus(server, acme, "fire-and-forget", "p5", "completed");
      assertTrue(p5.path("output").path("keep").asBoolean(), p5.toString());
      awaitStatus(server, acme, "child", childOf(server, "fire-and-forget", "p5"), "completed");

      // Another tenant's parent cannot run acme's child: not deployed in its tenant.
      String globex = TestServer.GLOBEX_KEY;
      int acmeChildren = runs(server, acme, "child").size();
      HttpResponse<String> put =
          http.send(
              HttpRequest.newBuilder(server.uri("/workflows/parent"))
                  .header("Authorization", "Bearer " + globex)
                  .header("Content-Type", "application/yaml")
                  .PUT(
                      HttpRequest.BodyPublishers.ofString(
                          Files.readString(dir.resolve("workflows/parent.yaml"))))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertTrue(put.statusCode() / 100 == 2, put.body());
      start(server, globex, "parent", "g1", "{\"n\": 1}");
      JsonNode g1 = awaitStatus(server, globex, "parent", "g1", "failed");
      assertEquals(404, g1.path("error").path("status").asInt(), g1.toString());
      assertTrue(
          g1.path("error").path("detail").asText().contains("not deployed in this tenant"),
          g1.toString());
      assertEquals(acmeChildren, runs(server, acme, "child").size(), "no run in acme");
    }
  }
}
