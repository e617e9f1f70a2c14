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
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durable workflow runs across SIGKILL, on PostgreSQL (RELIABILITY F1, on one node). A ledger
 * server on loopback stands for the outside world: it applies each {@code Idempotency-Key} once, as
 * a real idempotent receiver does, and records every request. The server JVM is killed with
 * requests in flight and runs part-way, started again on the same journal, and the runs resume by
 * themselves — the test sends them nothing until the ledger has seen them reach their last step.
 * Then each step must have been applied exactly once, in order, under one key, and each run must
 * have resumed at its interrupted step. A second test kills the server during a durable {@code
 * wait}: the run fires once, by itself, not before its due time and without starting the wait over.
 */
class WorkflowCrashIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final int STEPS = 5;
  static final int RUNS = 8;

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  TestDatabase database(Path dataDir) {
    return TestDatabase.postgres(dataDir);
  }

  /**
   * The outside world: {@code POST /ledger} with a JSON body {@code {run, step, after}}. The first
   * request with a key is applied (and its answer kept); a request with a known key is answered
   * with the kept answer and applies nothing. Held (run, step) pairs stall their first request
   * until {@link #release}: an <em>answered-late</em> one is applied but its answer comes only
   * after the caller is dead; a <em>lost</em> one is never applied (as if the crash cut the request
   * short), so a caller that assumed it done would skip the step.
   */
  static final class Ledger implements AutoCloseable {

    record Attempt(String key, String run, int step, int after, Instant at, boolean applied) {}

    final HttpServer server;
    final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    final Map<String, String> answers = new ConcurrentHashMap<>();
    final Map<String, List<Integer>> applied = new ConcurrentHashMap<>();
    final Set<String> answeredLate = ConcurrentHashMap.newKeySet();
    final Set<String> lost = ConcurrentHashMap.newKeySet();
    final Map<String, Duration> delays = new ConcurrentHashMap<>();
    final CountDownLatch heldArrived;
    final CountDownLatch release = new CountDownLatch(1);

    Ledger(Set<String> answeredLate, Set<String> lost) throws IOException {
      this(answeredLate, lost, "127.0.0.1");
    }

    /** A ledger listening on {@code host}, e.g. an address another network namespace reaches. */
    Ledger(Set<String> answeredLate, Set<String> lost, String host) throws IOException {
      this.answeredLate.addAll(answeredLate);
      this.lost.addAll(lost);
      this.heldArrived = new CountDownLatch(answeredLate.size() + lost.size());
      server = HttpServer.create(new InetSocketAddress(host, 0), 0);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.createContext("/ledger", this::handle);
      server.start();
    }

    String endpoint() {
      return "http://"
          + server.getAddress().getAddress().getHostAddress()
          + ":"
          + server.getAddress().getPort()
          + "/ledger";
    }

    private void handle(HttpExchange ex) throws IOException {
      try (ex) {
        String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
        JsonNode body = JSON.readTree(ex.getRequestBody());
        String run = body.path("run").asText();
        int step = body.path("step").asInt();
        int after = body.path("after").asInt(-1);
        if (lost.remove(run + "/" + step)) {
          attempts.add(new Attempt(key, run, step, after, Instant.now(), false));
          heldArrived.countDown();
          release.await(60, TimeUnit.SECONDS);
          return; // dropped unapplied and unanswered
        }
        String answer;
        synchronized (this) {
          String kept = key == null ? null : answers.get(key);
          if (kept == null) {
            applied.computeIfAbsent(run, r -> new CopyOnWriteArrayList<>()).add(step);
            answer = JSON.createObjectNode().put("run", run).put("step", step).toString();
            if (key != null) {
              answers.put(key, answer);
            }
          } else {
            answer = kept;
          }
          attempts.add(new Attempt(key, run, step, after, Instant.now(), kept == null));
        }
        if (answeredLate.remove(run + "/" + step)) {
          heldArrived.countDown();
          release.await(60, TimeUnit.SECONDS);
        } else {
          Thread.sleep(delays.getOrDefault(run, Duration.ZERO));
        }
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

    List<Attempt> attempts(String run, int step) {
      return attempts.stream().filter(a -> a.run().equals(run) && a.step() == step).toList();
    }

    /** Applied steps per run, in the order they were applied. */
    Map<String, List<Integer>> progress() {
      Map<String, List<Integer>> copy = new TreeMap<>();
      applied.forEach((run, steps) -> copy.put(run, List.copyOf(steps)));
      return copy;
    }

    @Override
    public void close() {
      release.countDown();
      server.stop(0);
    }
  }

  HttpResponse<String> call(ServerProcess server, String method, String path, String body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(server.uri(path))
            .header("Authorization", "Bearer " + TestServer.ACME_KEY)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  JsonNode run(ServerProcess server, String workflow, String run) throws Exception {
    HttpResponse<String> r = call(server, "GET", "/workflows/" + workflow + "/runs/" + run, null);
    assertEquals(200, r.statusCode(), r.body() + "\n" + server.logTail());
    return JSON.readTree(r.body());
  }

  /** Polls (with no request to the server) until {@code done} holds or the deadline passes. */
  static boolean poll(Duration timeout, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (done.getAsBoolean()) {
        return true;
      }
      Thread.sleep(50);
    }
    return done.getAsBoolean();
  }

  static Map<String, Object> config(Path workflows) {
    return Map.of(
        "tramontane.workflows.dir", workflows.toString(),
        "tramontane.workflows.http.allowed-hosts", List.of("127.0.0.1"),
        "tramontane.workflows.http.allow-private-networks", true);
  }

  /** A step posts {run, step, after} where after is the step the previous answer names. */
  /** Writes the {@code five-steps} workflow ({@code steps} ledger calls) into dir/workflows. */
  static Path fiveSteps(Path dir, int steps, String endpoint) throws IOException {
    Path workflows = Files.createDirectories(dir.resolve("workflows"));
    StringBuilder yaml =
        new StringBuilder(
            "document: {dsl: '1.0.0', namespace: it, name: five-steps, version: '1.0.0'}\n"
                + "do:\n");
    for (int n = 1; n <= steps; n++) {
      yaml.append(step(n, endpoint));
    }
    Files.writeString(workflows.resolve("five-steps.yaml"), yaml);
    writeMarker(workflows, endpoint);
    return workflows;
  }

  /** Writes the one-step {@code marker} workflow ({@link #awaitMarker}) into {@code workflows}. */
  static void writeMarker(Path workflows, String endpoint) throws IOException {
    Files.writeString(
        workflows.resolve("marker.yaml"),
        "document: {dsl: '1.0.0', namespace: it, name: marker, version: '1.0.0'}\ndo:\n"
            + step(1, endpoint));
  }

  /**
   * Backs a "nothing more was sent" check with something that did happen: starts run {@code name}
   * of the one-step {@code marker} workflow on {@code node} and waits until the ledger applied it.
   * The server went on working after the runs under test had ended; asserts that nothing but the
   * marker's own request reached the ledger meanwhile (a wrong late re-send would be there).
   */
  static void awaitMarker(HttpClient http, ServerProcess node, Ledger ledger, String name)
      throws Exception {
    int before = ledger.attempts.size();
    HttpResponse<String> started =
        http.send(
            HttpRequest.newBuilder(node.uri("/workflows/marker/runs/" + name))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TestServer.ACME_KEY)
                .POST(
                    HttpRequest.BodyPublishers.ofString("{\"run\": \"" + name + "\", \"step\": 0}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(202, started.statusCode(), started.body() + "\n" + node.logTail());
    Await.until(
        "the marker run " + name + " reached the ledger",
        Duration.ofSeconds(60),
        () -> ledger.applied.getOrDefault(name, List.of()).contains(1));
    List<Ledger.Attempt> all = List.copyOf(ledger.attempts);
    List<Ledger.Attempt> meanwhile = all.subList(before, all.size());
    assertEquals(
        List.of(name),
        meanwhile.stream().map(Ledger.Attempt::run).toList(),
        "only the marker's request after the runs ended: " + meanwhile);
  }

  /** Waits until run {@code run} of {@code workflow} has ended and returns its view. */
  JsonNode awaitEnded(ServerProcess server, String workflow, String run, Duration timeout) {
    return Await.until(
        "run " + run + " ended",
        timeout,
        () -> run(server, workflow, run),
        view -> !"running".equals(view.path("status").asText()));
  }

  static String step(int n, String endpoint) {
    return """
          - step%d:
              call: http
              with:
                method: post
                endpoint: %s
                body: '${ {run: .run, step: %d, after: .step} }'
        """
        .formatted(n, endpoint, n);
  }

  @Test
  void runsKilledMidStepResumeAtTheInterruptedStepAndApplyEveryStepOnce(@TempDir Path dir)
      throws Exception {
    // Run rK (K = 1..5) is held at step K when the JVM dies: for odd K the ledger has applied that
    // step and not answered yet, for even K the request is lost unapplied. Runs r6..r8 are not
    // held; their answers come slowly (different delays), so the kill finds them part-way, in
    // whatever state each is in.
    Set<String> answeredLate = new LinkedHashSet<>();
    Set<String> lost = new LinkedHashSet<>();
    for (int k = 1; k <= STEPS; k++) {
      (k % 2 == 1 ? answeredLate : lost).add("r" + k + "/" + k);
    }
    try (Ledger ledger = new Ledger(answeredLate, lost)) {
      for (int i = 1; i <= STEPS; i++) {
        ledger.delays.put("r" + i, Duration.ofMillis(20));
      }
      for (int i = STEPS + 1; i <= RUNS; i++) {
        ledger.delays.put("r" + i, Duration.ofMillis(100L * (i - STEPS)));
      }
      Path workflows = fiveSteps(dir, STEPS, ledger.endpoint());

      try (ServerProcess server =
          new ServerProcess(dir, database(dir.resolve("data")), config(workflows))) {
        server.start();
        server.awaitReady(Duration.ofSeconds(300));
        for (int i = 1; i <= RUNS; i++) {
          HttpResponse<String> started =
              call(
                  server,
                  "POST",
                  "/workflows/five-steps/runs/r" + i,
                  "{\"run\": \"r" + i + "\", \"step\": 0}");
          assertEquals(202, started.statusCode(), started.body() + "\n" + server.logTail());
        }
        assertTrue(
            ledger.heldArrived.await(60, TimeUnit.SECONDS),
            "the held steps never arrived: " + ledger.progress() + "\n" + server.logTail());
        server.kill();
        Map<String, List<Integer>> atKill = ledger.progress();
        int attemptsAtKill = ledger.attempts.size();
        ledger.release.countDown();

        server.start();
        server.awaitReady(Duration.ofSeconds(300));
        // Nobody talks to the runs: they must resume by themselves and reach the last step.
        // (Whether every step before it was applied once is checked below.)
        boolean finished =
            poll(
                Duration.ofSeconds(60),
                () ->
                    ledger.applied.size() == RUNS
                        && ledger.applied.values().stream().allMatch(s -> s.contains(STEPS)));
        String story =
            "\nat kill: "
                + atKill
                + " ("
                + attemptsAtKill
                + " requests)\nnow: "
                + ledger.progress()
                + "\n";
        assertTrue(finished, "runs did not resume by themselves:" + story + server.logTail());

        for (int i = 1; i <= RUNS; i++) {
          String name = "r" + i;
          JsonNode view = awaitEnded(server, "five-steps", name, Duration.ofSeconds(30));
          assertEquals("completed", view.path("status").asText(), name + ": " + view + story);
          assertEquals(name, view.path("output").path("run").asText(), view.toString());
          assertEquals(STEPS, view.path("output").path("step").asInt(), view.toString());
        }
        story += "requests: " + ledger.attempts.size() + "\n";
        awaitMarker(http, server, ledger, "m1");

        List<Integer> everyStep = new ArrayList<>();
        for (int n = 1; n <= STEPS; n++) {
          everyStep.add(n);
        }
        Set<String> keys = new LinkedHashSet<>();
        int resent = 0;
        for (int i = 1; i <= RUNS; i++) {
          String name = "r" + i;
          assertEquals(
              everyStep,
              ledger.applied.get(name),
              name + ": each step applied once, in order, none skipped" + story);
          for (int n = 1; n <= STEPS; n++) {
            List<Ledger.Attempt> tries = ledger.attempts(name, n);
            String key = "acme/five-steps/" + name + "//do/" + (n - 1) + "/step" + n + "#1";
            for (Ledger.Attempt a : tries) {
              assertEquals(key, a.key(), name + " step " + n + ": the same key every time");
              assertEquals(n - 1, a.after(), name + " step " + n + " got the previous answer");
            }
            assertTrue(keys.add(key), key);
            // One crash: a step is sent before it and re-sent after it at most once.
            assertTrue(tries.size() <= 2, name + " step " + n + " sent " + tries.size() + story);
            resent += tries.size() - 1;
          }
        }
        for (int k = 1; k <= STEPS; k++) {
          // The held run resumes at its interrupted step: the steps before it were recorded and
          // are not sent again; the interrupted one is re-sent once; the later ones sent once.
          String name = "r" + k;
          boolean wasLost = lost.contains(name + "/" + k);
          assertEquals(
              wasLost ? k - 1 : k,
              atKill.get(name).size(),
              name + " was held at step " + k + " when killed" + story);
          for (int n = 1; n <= STEPS; n++) {
            assertEquals(
                n == k ? 2 : 1,
                ledger.attempts(name, n).size(),
                name + " step " + n + " (held at step " + k + ")" + story);
          }
          assertEquals(
              wasLost,
              ledger.attempts(name, k).get(1).applied(),
              name + " step " + k + " applied by the re-send only if the first was lost" + story);
        }
        assertTrue(resent >= STEPS, "the held steps were re-sent" + story);
        System.out.println("WorkflowCrashIT:" + story + "re-sent: " + resent);
      }
    }
  }

  @Test
  void aDurableWaitSurvivesKill9AndFiresOnceAtItsDueTime(@TempDir Path dir) throws Exception {
    Duration wait = Duration.ofSeconds(25);
    try (Ledger ledger = new Ledger(Set.of(), Set.of())) {
      Path workflows = Files.createDirectories(dir.resolve("workflows"));
      Files.writeString(
          workflows.resolve("reminder.yaml"),
          """
          document: {dsl: '1.0.0', namespace: it, name: reminder, version: '1.0.0'}
          do:
            - pause:
                wait: {seconds: %d}
          %s"""
              .formatted(wait.toSeconds(), step(1, ledger.endpoint())));
      writeMarker(workflows, ledger.endpoint());
      try (ServerProcess server =
          new ServerProcess(dir, database(dir.resolve("data")), config(workflows))) {
        server.start();
        server.awaitReady(Duration.ofSeconds(300));
        Instant sent = Instant.now();
        // The timer's due time is taken on the server after this request arrives.
        Instant earliest = sent.plus(wait);
        HttpResponse<String> started =
            call(server, "POST", "/workflows/reminder/runs/w1", "{\"run\": \"w1\", \"step\": 0}");
        assertEquals(202, started.statusCode(), started.body() + "\n" + server.logTail());
        Await.until(
            "the due time is recorded",
            Duration.ofSeconds(10),
            () -> run(server, "reminder", "w1"),
            v -> v.path("effects").toString().contains("\"/do/0/pause#1/due\""));
        // Kill it well inside the wait, once it has waited a few seconds: watched all along, the
        // run
        // is waiting and has sent nothing.
        Instant waiting = Instant.now();
        Await.until(
            "3 s of the wait passed with the run waiting",
            Duration.ofSeconds(15),
            () -> {
              JsonNode v = run(server, "reminder", "w1");
              assertEquals("running", v.path("status").asText(), v.toString());
              assertEquals(List.of(), ledger.attempts, "nothing sent during the wait");
              return Duration.between(waiting, Instant.now()).toMillis() >= 3_000;
            });
        server.kill();
        Instant restarted = Instant.now();
        assertTrue(restarted.isBefore(earliest), "killed during the wait");
        assertEquals(List.of(), ledger.attempts, "nothing before the due time");

        server.start();
        server.awaitReady(Duration.ofSeconds(300));
        Instant ready = Instant.now();
        // Nobody talks to the run: it must wake up by itself.
        assertTrue(
            poll(
                Duration.between(Instant.now(), earliest).plusSeconds(60),
                () -> !ledger.attempts.isEmpty()),
            "the run did not fire after the restart\n" + server.logTail());
        Ledger.Attempt call = ledger.attempts.getFirst();
        assertTrue(
            call.at().toEpochMilli() >= earliest.toEpochMilli(),
            "fired at " + call.at() + ", before the due time (after " + earliest + ")");
        System.out.println(
            "WorkflowCrashIT: due after "
                + earliest
                + ", fired at "
                + call.at()
                + " (killed at "
                + restarted
                + ", ready again at "
                + ready
                + ")");
        if (ready.isBefore(restarted.plus(wait).minusSeconds(5))) {
          // The run sleeps what was left of the wait, not the whole wait again: a timer started
          // afresh on recovery could not fire before restarted + wait, about 3 s after the due
          // time. (Checked only when the server came back well within the wait.)
          assertTrue(
              call.at().isBefore(restarted.plus(wait)),
              "fired at "
                  + call.at()
                  + ": the wait started over after the restart at "
                  + restarted);
        }
        JsonNode view = awaitEnded(server, "reminder", "w1", Duration.ofSeconds(30));
        assertEquals("completed", view.path("status").asText(), view + "\n" + server.logTail());
        awaitMarker(http, server, ledger, "m1");
        assertEquals(1, ledger.attempts("w1", 1).size(), "one call: " + ledger.attempts);
        assertEquals("acme/reminder/w1//do/1/step1#1", call.key());
        assertEquals(List.of(1), ledger.applied.get("w1"));
        assertEquals(1, view.path("output").path("step").asInt(), view.toString());
      }
    }
  }
}
