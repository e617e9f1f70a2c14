package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tramontane.server.cli.Main;
import io.tramontane.server.testing.TestDatabase;
import io.tramontane.server.testing.TestServer;
import io.tramontane.testkit.Await;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs as a user follows them on a real server: a run waiting for an approval streams its events
 * over SSE (started, effects, the delivered event, completed — in order, then the stream ends),
 * resumes after {@code Last-Event-ID}, lists with its workflow's other runs (another tenant sees
 * none), and the {@code tramontane runs} commands list, show, approve, watch and cancel it.
 */
abstract class AbstractWorkflowRunsIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String ACME = TestServer.ACME_KEY;

  abstract TestDatabase database(Path dir);

  record Cli(int exit, String out, String err) {}

  static Cli cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Cli(exit, out.toString(), err.toString());
  }

  static Cli runs(TestServer server, String key, String... args) {
    List<String> all = new ArrayList<>(List.of("runs"));
    all.addAll(List.of(args));
    all.addAll(List.of("--server", server.uri("").toString(), "--api-key", key));
    return cli(all.toArray(String[]::new));
  }

  /**
   * Events of a run's SSE stream, as JSON, each checked against its SSE fields: the id is the
   * sequence number, the event name the type.
   */
  static List<JsonNode> events(Stream<String> lines, List<JsonNode> into) {
    Map<String, String> fields = new java.util.HashMap<>();
    for (String line : (Iterable<String>) lines::iterator) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
        continue;
      }
      String data = fields.remove("data");
      if (line.isEmpty() && data != null && !data.isEmpty()) {
        try {
          JsonNode e = JSON.readTree(data);
          assertEquals(fields.get("id"), e.get("seq").asText(), "the SSE id is the seq");
          assertEquals(fields.get("event"), e.get("type").asText(), "the SSE event is the type");
          into.add(e);
        } catch (java.io.IOException e) {
          throw new IllegalStateException(e);
        }
      }
      fields.clear();
    }
    return into;
  }

  static HttpResponse<Stream<String>> stream(
      TestServer server, String path, String key, String lastEventId) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(server.uri(path))
            .header("Authorization", "Bearer " + key)
            .header("Accept", "text/event-stream");
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofLines());
  }

  static List<String> types(List<JsonNode> events) {
    return events.stream().map(e -> e.get("type").asText()).toList();
  }

  static void start(TestServer server, String workflow, String run) throws Exception {
    HttpResponse<String> r =
        server.send(
            HttpRequest.newBuilder(server.uri("/workflows/" + workflow + "/runs/" + run))
                .header("Authorization", "Bearer " + ACME)
                .POST(HttpRequest.BodyPublishers.ofString("{\"ticket\": 7}"))
                .build());
    assertEquals(202, r.statusCode(), r.body());
  }

  static String status(TestServer server, String workflow, String run) throws Exception {
    return JSON.readTree(server.get("/workflows/" + workflow + "/runs/" + run, ACME).body())
        .path("status")
        .asText();
  }

  /** Waits until the run has recorded {@code effects} effects (e.g. it reached its listen). */
  static void awaitEffects(TestServer server, String workflow, String run, int effects)
      throws Exception {
    Await.until(
        run + " recorded " + effects + " effects",
        Duration.ofSeconds(20),
        () -> JSON.readTree(server.get("/workflows/" + workflow + "/runs/" + run, ACME).body()),
        r -> r.path("effects").size() >= effects);
  }

  @Test
  void aRunStreamsListsAndIsDrivenFromTheCommandLine(@TempDir Path dir) throws Exception {
    Path workflows = Files.createDirectories(dir.resolve("workflows"));
    Files.writeString(
        workflows.resolve("approval.yaml"),
        """
        document: {dsl: '1.0.0', namespace: t, name: approval, version: '1.0.0'}
        do:
          - pause:
              wait: {milliseconds: 50}
          - wait-for-approval:
              listen: {to: {one: {with: {type: io.tramontane.approval.granted}}}}
          - approved:
              # the event's data, whether listen reads the events' data or their envelopes
              set: {by: '${ .[0].data.by // .[0].by }'}
        """);
    Files.writeString(
        workflows.resolve("refuse.yaml"),
        """
        document: {dsl: '1.0.0', namespace: t, name: refuse, version: '1.0.0'}
        do:
          - check:
              raise:
                error:
                  type: https://example.com/errors/refused
                  status: 400
                  title: Refused
        """);
    Map<String, Object> extra = Map.of("tramontane.workflows.dir", workflows.toString());
    try (TestServer server = TestServer.start(database(dir.resolve("data")), extra)) {
      long began = System.nanoTime();
      start(server, "approval", "a1");
      awaitEffects(server, "approval", "a1", 2); // the timer's due time and its firing

      // The stream follows the waiting run: recorded events first, then live ones.
      HttpResponse<Stream<String>> live =
          stream(server, "/workflows/approval/runs/a1/stream", ACME, null);
      assertEquals(200, live.statusCode());
      assertTrue(
          live.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
      List<JsonNode> seen = new CopyOnWriteArrayList<>();
      CompletableFuture<List<JsonNode>> followed =
          CompletableFuture.supplyAsync(() -> events(live.body(), seen));
      Await.until("three events streamed", Duration.ofSeconds(10), () -> seen.size() >= 3);
      assertEquals(List.of("started", "effect", "effect"), types(seen), seen.toString());
      assertEquals("/do/0/pause", seen.get(1).get("task").asText());
      assertEquals(7, seen.getFirst().get("input").get("ticket").asInt());
      // The stream stays open while the run waits: the events after the approval below arrive on
      // it.
      assertFalse(followed.isDone(), "the stream stays open while the run waits");

      Cli approve =
          runs(server, ACME, "approve", "approval", "a1", "--data", "{\"by\": \"carol\"}");
      assertEquals(0, approve.exit(), approve.err());
      assertTrue(approve.out().contains("Delivered io.tramontane.approval.granted"), approve.out());

      List<JsonNode> all = followed.get(20, TimeUnit.SECONDS); // ends with the run
      assertEquals(
          List.of("started", "effect", "effect", "event", "effect", "completed"),
          types(all),
          all.toString());
      for (int i = 0; i < all.size(); i++) {
        assertEquals(i + 1, all.get(i).get("seq").asLong());
      }
      assertEquals("/do/1/wait-for-approval", all.get(4).get("task").asText());
      assertEquals("carol", all.get(3).get("event").get("data").get("by").asText());
      assertEquals("carol", all.get(5).get("output").get("by").asText());

      // Resuming gives only what came later, and ends since the run has ended.
      List<JsonNode> resumed =
          events(
              stream(server, "/workflows/approval/runs/a1/stream", ACME, "3").body(),
              new ArrayList<>());
      assertEquals(List.of(4L, 5L, 6L), resumed.stream().map(e -> e.get("seq").asLong()).toList());
      List<JsonNode> after =
          events(
              stream(server, "/workflows/approval/runs/a1/stream?after=5", ACME, null).body(),
              new ArrayList<>());
      assertEquals(List.of("completed"), types(after));

      // Other tenants see no such run; unknown runs and bad cursors are problems.
      assertEquals(
          404,
          server.get("/workflows/approval/runs/a1/stream", TestServer.GLOBEX_KEY).statusCode());
      assertEquals(404, server.get("/workflows/approval/runs/nope/stream", ACME).statusCode());
      assertEquals(
          400, server.get("/workflows/approval/runs/a1/stream?after=x", ACME).statusCode());

      // A second run waits; a third is cancelled; a run of another workflow fails.
      start(server, "approval", "a2");
      start(server, "approval", "a3");
      start(server, "refuse", "f1");
      awaitEffects(server, "approval", "a2", 2);
      awaitEffects(server, "approval", "a3", 2);
      // Recorded events only, while a2 waits: the stream ends at once.
      List<JsonNode> recorded =
          events(
              stream(server, "/workflows/approval/runs/a2/stream?follow=false", ACME, null).body(),
              new ArrayList<>());
      assertEquals(List.of("started", "effect", "effect"), types(recorded));

      JsonNode page = JSON.readTree(server.get("/workflows/approval/runs", ACME).body());
      assertEquals(3, page.get("runs").size(), page.toString());
      assertEquals("a1", page.get("runs").get(0).get("name").asText());
      assertEquals("completed", page.get("runs").get(0).get("status").asText());
      assertTrue(page.get("runs").get(0).hasNonNull("startedAt"), page.toString());
      assertEquals("running", page.get("runs").get(1).get("status").asText());
      JsonNode first = JSON.readTree(server.get("/workflows/approval/runs?limit=1", ACME).body());
      assertEquals(1, first.get("runs").size());
      assertEquals("a1", first.get("next").asText());
      JsonNode second =
          JSON.readTree(server.get("/workflows/approval/runs?limit=1&after=a1", ACME).body());
      assertEquals("a2", second.get("runs").get(0).get("name").asText());
      // Another tenant's workflow answers as a name never used: 404, the same words.
      HttpResponse<String> globex = server.get("/workflows/approval/runs", TestServer.GLOBEX_KEY);
      HttpResponse<String> never = server.get("/workflows/approvel/runs", ACME);
      assertEquals(404, globex.statusCode(), globex.body());
      assertEquals(404, never.statusCode(), never.body());
      assertEquals(
          JSON.readTree(never.body()).path("detail").asText().replace("approvel", "approval"),
          JSON.readTree(globex.body()).path("detail").asText(),
          globex.body());
      assertFalse(globex.body().contains("a1") || globex.body().contains("acme"), globex.body());
      assertEquals(400, server.get("/workflows/approval/runs?limit=0", ACME).statusCode());

      // The command line.
      Cli list = runs(server, ACME, "list", "approval");
      assertEquals(0, list.exit(), list.err());
      assertTrue(list.out().lines().anyMatch(l -> l.matches("a1 +completed .*")), list.out());
      assertTrue(list.out().lines().anyMatch(l -> l.matches("a2 +running .*")), list.out());
      // Another tenant's workflow is unknown to globex: exit 2, and nothing of acme is named.
      Cli none = runs(server, TestServer.GLOBEX_KEY, "list", "approval");
      assertEquals(2, none.exit(), none.out());
      assertTrue(none.err().contains("no workflow 'approval' is deployed"), none.err());
      assertFalse(none.err().contains("refuse"), none.err());

      Cli show = runs(server, ACME, "show", "approval", "a1");
      assertEquals(0, show.exit(), show.err());
      assertTrue(show.out().startsWith("Run a1 of workflow approval: completed"), show.out());
      List<String> history = show.out().lines().filter(l -> l.startsWith("  #")).toList();
      assertEquals(6, history.size(), show.out());
      assertTrue(history.get(4).contains("/do/1/wait-for-approval#1"), show.out());
      assertTrue(history.get(4).contains("took 1 event(s)"), show.out());
      assertTrue(show.out().contains("Output:") && show.out().contains("\"carol\""), show.out());

      // watch follows a2 until the approval sent meanwhile completes it.
      CompletableFuture<Cli> watching =
          CompletableFuture.supplyAsync(() -> runs(server, ACME, "watch", "approval", "a2"));
      Thread.sleep(500);
      assertFalse(watching.isDone(), "watch waits for the run");
      assertEquals(
          0, runs(server, ACME, "approve", "approval", "a2", "--data", "{\"by\": \"dan\"}").exit());
      Cli watched = watching.get(20, TimeUnit.SECONDS);
      assertEquals(0, watched.exit(), watched.err() + watched.out());
      assertTrue(watched.out().lines().anyMatch(l -> l.contains(" completed ")), watched.out());
      assertTrue(watched.out().contains("\"dan\""), watched.out());

      Cli cancel = runs(server, ACME, "cancel", "approval", "a3");
      assertEquals(0, cancel.exit(), cancel.err());
      Cli cancelled = runs(server, ACME, "watch", "approval", "a3");
      assertEquals(3, cancelled.exit(), cancelled.out());
      assertTrue(cancelled.out().contains("The run was cancelled by acme."), cancelled.out());
      Cli failed = runs(server, ACME, "watch", "refuse", "f1");
      assertEquals(3, failed.exit(), failed.out());
      assertTrue(
          failed.out().lines().anyMatch(l -> l.contains("failed     Refused")), failed.out());

      // Mistakes are one line with what to do, no stack trace.
      Cli unknown = runs(server, ACME, "show", "approval", "nope");
      assertEquals(2, unknown.exit());
      assertEquals(
          "tramontane: GET /workflows/approval/runs/nope answered 404: No run 'nope'.",
          unknown.err().strip());
      Cli badKey = runs(server, "not-a-valid-key-at-all-000000", "list", "approval");
      assertEquals(2, badKey.exit());
      assertTrue(badKey.err().contains("answered 401: The API key is not valid."), badKey.err());
      Cli again = runs(server, ACME, "cancel", "approval", "a3");
      assertEquals(1, again.exit(), "a refusal by the run is a 409: " + again.err());
      assertEquals(1, again.err().strip().lines().count(), again.err());
      try (java.net.ServerSocket closed = new java.net.ServerSocket(0)) {
        int port = closed.getLocalPort();
        closed.close();
        Cli down =
            cli(
                "runs",
                "list",
                "approval",
                "--server",
                "http://127.0.0.1:" + port,
                "--api-key",
                ACME);
        assertEquals(1, down.exit());
        assertTrue(down.err().startsWith("tramontane: cannot reach the server at"), down.err());
        assertFalse(down.err().contains("\tat "), down.err());
      }
      Cli noKey = cli("runs", "list", "approval", "--server", server.uri("").toString());
      if (System.getenv("TRAMONTANE_API_KEY") == null) {
        assertEquals(2, noKey.exit());
        assertTrue(noKey.err().contains("TRAMONTANE_API_KEY"), noKey.err());
      }
      System.out.printf(
          "%s: %d ms after the server was ready%n",
          getClass().getSimpleName(), Duration.ofNanos(System.nanoTime() - began).toMillis());
    }
  }
}
