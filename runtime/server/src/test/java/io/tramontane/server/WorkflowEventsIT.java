package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Platform events on a real node: a published event (REST {@code POST /events}, the same path a
 * connector's events take) starts the workflows whose {@code schedule.on} it satisfies, once per
 * (source, id); runs waiting in a {@code listen} take the events of their tenant that match their
 * filters and correlation; {@code emit} publishes events that start other workflows; a listen that
 * waits too long fails the run with a timeout error.
 */
class WorkflowEventsIT {

  static final ObjectMapper JSON = new ObjectMapper();

  static String runName(String source, String id) throws Exception {
    byte[] h =
        MessageDigest.getInstance("SHA-256")
            .digest((source + "\n" + id).getBytes(StandardCharsets.UTF_8));
    return "evt-" + HexFormat.of().formatHex(h, 0, 20);
  }

  static HttpResponse<String> post(TestServer server, String path, String key, String body)
      throws Exception {
    return server.send(
        HttpRequest.newBuilder(server.uri(path))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  static JsonNode await(TestServer server, String path, Predicate<JsonNode> done) throws Exception {
    return Await.until(
        path + " in the expected state",
        Duration.ofSeconds(30),
        () -> {
          HttpResponse<String> r = server.get(path, TestServer.ACME_KEY);
          return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        },
        run -> run != null && done.test(run));
  }

  /** A shop's payment event of {@code order}, with an id of its own for {@code round}. */
  static String paid(int order, int amount, int round) {
    return "{\"id\": \"p-%d-%d-%d\", \"source\": \"shop\", \"type\": \"shop.order.paid\", \"data\": {\"order\": %d, \"amount\": %d}}"
        .formatted(order, amount, round, order, amount);
  }

  @Test
  void eventsStartWorkflowsAndReachListeningRuns(@TempDir Path dir) throws Exception {
    Path workflows = Files.createDirectories(dir.resolve("workflows"));
    Files.writeString(
        workflows.resolve("on-mail.yaml"),
        """
        document: {dsl: '1.0.0', namespace: t, name: on-mail, version: '1.0.0'}
        schedule:
          on:
            one:
              with: {type: io.tramontane.mail.received, data: {folder: INBOX}}
        input: {from: '${ .[0].data }'} # the run's input is the triggering events
        do:
          - note:
              set: {subject: '${ .subject }'}
          - done:
              emit:
                event:
                  with:
                    source: https://t.example/on-mail
                    type: t.mail.noted
                    data: '${ {subject: .subject} }'
        """);
    Files.writeString(
        workflows.resolve("on-noted.yaml"),
        """
        document: {dsl: '1.0.0', namespace: t, name: on-noted, version: '1.0.0'}
        schedule:
          on:
            any:
              - with: {type: t.mail.noted}
        do:
          - keep:
              set: {noted: '${ .[0].data.subject }'}
        """);
    Files.writeString(
        workflows.resolve("await-payment.yaml"),
        """
        document: {dsl: '1.0.0', namespace: t, name: await-payment, version: '1.0.0'}
        do:
          - paid:
              listen:
                to:
                  one:
                    with: {type: shop.order.paid}
                    correlate:
                      order: {from: '${ .data.order }', expect: '${ .order }'}
          - done:
              set: {amount: '${ .[0].amount }'}
        """);
    Files.writeString(
        workflows.resolve("typed.yaml"),
        """
        document: {dsl: '1.0.0', namespace: t, name: typed, version: '1.0.0'}
        input:
          schema:
            format: json
            document: {type: object, required: [order], properties: {order: {type: integer}}}
        do:
          - keep:
              set: {order: '${ .order }'}
        """);
    Files.writeString(
        workflows.resolve("impatient.yaml"),
        """
        document: {dsl: '1.0.0', namespace: t, name: impatient, version: '1.0.0'}
        do:
          - approval:
              listen: {to: {one: {with: {type: never.sent}}}}
              timeout: {after: PT1S}
        """);
    Map<String, Object> extra = Map.of("tramontane.workflows.dir", workflows.toString());
    try (TestServer server = TestServer.start(TestDatabase.h2(dir.resolve("data")), extra)) {
      String key = TestServer.ACME_KEY;

      // A connector-style event sent twice: one run, input = [the event].
      String mail =
          """
          {"specversion": "1.0", "id": "m-1", "source": "tramontane://connector/imap/support",
           "type": "io.tramontane.mail.received", "subject": "<m-1@example.com>",
           "data": {"folder": "INBOX", "subject": "Invoice 42 overdue"}}
          """;
      HttpResponse<String> first = post(server, "/events", key, mail);
      assertEquals(202, first.statusCode(), first.body());
      assertEquals("published", JSON.readTree(first.body()).get("status").asText());
      HttpResponse<String> again = post(server, "/events", key, mail);
      assertEquals("duplicate", JSON.readTree(again.body()).get("status").asText());

      String run = runName("tramontane://connector/imap/support", "m-1");
      JsonNode done =
          await(
              server,
              "/workflows/on-mail/runs/" + run,
              r -> "completed".equals(r.path("status").asText()));
      // The last task is the emit: its output is the event it emitted.
      assertEquals(
          "Invoice 42 overdue",
          done.path("output").path("data").path("subject").asText(),
          done.toString());

      // Its emit published an event (id: the run and the task) that started on-noted: the first
      // link of a chain of runs started by emitted events (evt1-).
      String emitted =
          runName("https://t.example/on-mail", "acme/on-mail/" + run + "//do/1/done#1")
              .replaceFirst("^evt-", "evt1-");
      JsonNode noted =
          await(
              server,
              "/workflows/on-noted/runs/" + emitted,
              r -> "completed".equals(r.path("status").asText()));
      assertEquals("Invoice 42 overdue", noted.path("output").path("noted").asText());

      // An event that does not satisfy the filter (another folder) starts nothing.
      String spam =
          """
          {"id": "m-2", "source": "tramontane://connector/imap/support",
           "type": "io.tramontane.mail.received", "data": {"folder": "Spam", "subject": "x"}}
          """;
      assertEquals(202, post(server, "/events", key, spam).statusCode());

      // A run waits for the payment of its own order.
      assertEquals(
          202,
          post(server, "/workflows/await-payment/runs/o7", key, "{\"order\": 7}").statusCode());
      await(
          server,
          "/workflows/await-payment/runs/o7",
          r -> "running".equals(r.path("status").asText()));
      // Platform events reach a run only while its listen waits, and nothing says from outside
      // when it starts waiting: each round sends order 8's payment, globex's payment of order 7,
      // then acme's payment of order 7 (new ids every round), until the run has taken one.
      AtomicInteger round = new AtomicInteger();
      JsonNode paid =
          Await.until(
              "run o7 completed by a payment",
              Duration.ofSeconds(30),
              () -> {
                int n = round.incrementAndGet();
                assertEquals(202, post(server, "/events", key, paid(8, 80, n)).statusCode());
                assertEquals(
                    202,
                    post(server, "/events", TestServer.GLOBEX_KEY, paid(7, 71, n)).statusCode());
                assertEquals(202, post(server, "/events", key, paid(7, 70, n)).statusCode());
                return JSON.readTree(
                    server.get("/workflows/await-payment/runs/o7", TestServer.ACME_KEY).body());
              },
              o7 -> "completed".equals(o7.path("status").asText()));
      // The run took acme's payment of order 7, sent last: not order 8's (80), sent first, nor
      // globex's (71), either of which it would have taken first had it reached the run.
      assertEquals(70, paid.path("output").path("amount").asInt(), paid.toString());

      // dsl.md "Data Flow": an input that fails the workflow's input.schema is refused at start.
      HttpResponse<String> untyped =
          post(server, "/workflows/typed/runs/t1", key, "{\"order\": \"seven\"}");
      assertEquals(400, untyped.statusCode(), untyped.body());
      assertTrue(untyped.body().contains("input.schema"), untyped.body());
      assertEquals(
          202, post(server, "/workflows/typed/runs/t2", key, "{\"order\": 7}").statusCode());

      // A listen that waits past its timeout fails the run with a timeout error.
      assertEquals(202, post(server, "/workflows/impatient/runs/i1", key, "{}").statusCode());
      JsonNode failed =
          await(
              server,
              "/workflows/impatient/runs/i1",
              r -> "failed".equals(r.path("status").asText()));
      assertEquals(408, failed.path("error").path("status").asInt(), failed.toString());
      assertTrue(
          failed.path("error").path("type").asText().endsWith("/errors/timeout"),
          failed.toString());

      // Bad events are refused with a reason; the tenant comes from the key, never the body.
      HttpResponse<String> tenant =
          post(
              server,
              "/events",
              key,
              "{\"id\": \"x\", \"source\": \"s\", \"type\": \"t\", \"tenant\": \"globex\"}");
      assertEquals(400, tenant.statusCode(), tenant.body());
      assertTrue(tenant.body().contains("API key"), tenant.body());
      HttpResponse<String> noType =
          post(server, "/events", key, "{\"id\": \"n1\", \"source\": \"s\"}");
      assertEquals(400, noType.statusCode(), noType.body());
      assertTrue(noType.body().contains("'type'"), noType.body());
      assertEquals(
          403,
          post(server, "/events", TestServer.ACME_NO_SCOPE_KEY, paid(7, 70, 0)).statusCode(),
          "publishing needs the events:publish scope");
    }
  }

  static HttpResponse<String> deploy(TestServer server, String name, String yaml) throws Exception {
    return server.send(
        HttpRequest.newBuilder(server.uri("/workflows/" + name))
            .header("Authorization", "Bearer " + TestServer.ACME_KEY)
            .PUT(HttpRequest.BodyPublishers.ofString(yaml))
            .build());
  }

  /**
   * A workflow whose emit satisfies its own schedule.on starts itself again, but a chain of runs
   * each started by its predecessor's event stops after 16 links (outside tester, issue 17: it
   * looped until the workflow was deleted). The marker workflow, started by a later event, shows
   * the loop's last event was handled.
   */
  @Test
  void aWorkflowThatTriggersItselfStopsAfterSixteenLinks(@TempDir Path dir) throws Exception {
    String loop =
        """
        document: {dsl: '1.0.0', namespace: it, name: loop, version: '1.0.0'}
        schedule:
          on: {one: {with: {type: it.loop.go}}}
        do:
          - again:
              emit: {event: {with: {source: 'https://it.example/loop', type: it.loop.go}}}
        """;
    String marker =
        """
        document: {dsl: '1.0.0', namespace: it, name: marker, version: '1.0.0'}
        schedule:
          on: {one: {with: {type: it.marker}}}
        do:
          - done: {set: {marked: true}}
        """;
    try (TestServer server = TestServer.start(TestDatabase.h2(dir.resolve("data")), Map.of())) {
      assertEquals(200, deploy(server, "loop", loop).statusCode());
      assertEquals(200, deploy(server, "marker", marker).statusCode());
      String key = TestServer.ACME_KEY;
      assertEquals(
          202,
          post(
                  server,
                  "/events",
                  key,
                  "{\"id\": \"go-1\", \"source\": \"it\", \"type\": \"it.loop.go\"}")
              .statusCode());
      JsonNode runs =
          Await.until(
              "17 loop runs",
              Duration.ofSeconds(120),
              () -> JSON.readTree(server.get("/workflows/loop/runs", key).body()).path("runs"),
              r -> r.size() >= 17 && allEnded(r));
      assertEquals(
          202,
          post(
                  server,
                  "/events",
                  key,
                  "{\"id\": \"m-1\", \"source\": \"it\", \"type\": \"it.marker\"}")
              .statusCode());
      Await.until(
          "the marker run",
          Duration.ofSeconds(60),
          () -> JSON.readTree(server.get("/workflows/marker/runs", key).body()).path("runs"),
          r -> r.size() == 1 && allEnded(r));
      runs = JSON.readTree(server.get("/workflows/loop/runs", key).body()).path("runs");
      assertEquals(17, runs.size(), "one run from outside, 16 chained: " + runs);
    }
  }

  /**
   * An event the platform does not store (data over its 256 KiB limit) is the emit task's error,
   * catchable, not a failure of the whole run at "/" (outside tester, issue 17).
   */
  @Test
  void anEventTooLargeToStoreIsTheEmitTasksCatchableError(@TempDir Path dir) throws Exception {
    String big =
        """
        document: {dsl: '1.0.0', namespace: it, name: big-emit, version: '1.0.0'}
        do:
          - guarded:
              try:
                - shout:
                    emit:
                      event:
                        with:
                          source: https://it.example/big
                          type: it.big
                          data: '${ [range(0; 100000)] }'
              catch:
                as: failure
                do:
                  - note:
                      set: {status: '${ $failure.status }', title: '${ $failure.title }'}
        """;
    try (TestServer server = TestServer.start(TestDatabase.h2(dir.resolve("data")), Map.of())) {
      assertEquals(200, deploy(server, "big-emit", big).statusCode());
      assertEquals(
          202, post(server, "/workflows/big-emit/runs/b1", TestServer.ACME_KEY, "{}").statusCode());
      JsonNode run =
          await(
              server,
              "/workflows/big-emit/runs/b1",
              r -> !"running".equals(r.path("status").asText()));
      assertEquals("completed", run.path("status").asText(), run.toString());
      assertEquals(400, run.path("output").path("status").asInt(), run.toString());
      assertEquals("Bad event", run.path("output").path("title").asText(), run.toString());
    }
  }

  static boolean allEnded(JsonNode runs) {
    for (JsonNode r : runs) {
      if ("running".equals(r.path("status").asText())) {
        return false;
      }
    }
    return true;
  }

  /** RELIABILITY F8: a run keeps the definition version it started with. */
  @Test
  void aRunInFlightKeepsItsVersionWhenANewOneIsDeployed(@TempDir Path dir) throws Exception {
    String version =
        """
        document: {dsl: '1.0.0', namespace: t, name: pinned, version: '%s'}
        do:
          - approval:
              listen: {to: {one: {with: {type: io.tramontane.approval.granted}}}}
          - result:
              set: {ranVersion: '%s'}
        """;
    String key = TestServer.ACME_KEY;
    try (TestServer server = TestServer.start(TestDatabase.h2(dir.resolve("data")), Map.of())) {
      assertEquals(200, deploy(server, "pinned", version.formatted("1.0.0", "v1")).statusCode());
      assertEquals(202, post(server, "/workflows/pinned/runs/old", key, "{}").statusCode());
      await(server, "/workflows/pinned/runs/old", r -> "running".equals(r.path("status").asText()));

      assertEquals(200, deploy(server, "pinned", version.formatted("2.0.0", "v2")).statusCode());
      assertEquals(202, post(server, "/workflows/pinned/runs/new", key, "{}").statusCode());
      JsonNode old = JSON.readTree(server.get("/workflows/pinned/runs/old", key).body());
      JsonNode fresh =
          await(
              server,
              "/workflows/pinned/runs/new",
              r -> "running".equals(r.path("status").asText()));
      assertTrue(
          !old.path("definitionHash").asText().equals(fresh.path("definitionHash").asText()),
          "the runs are pinned to different versions");

      String approve = "{\"type\": \"io.tramontane.approval.granted\"}";
      for (String run : new String[] {"old", "new"}) {
        assertEquals(
            202,
            post(server, "/workflows/pinned/runs/" + run + "/events", key, approve).statusCode());
      }
      JsonNode oldDone =
          await(
              server,
              "/workflows/pinned/runs/old",
              r -> "completed".equals(r.path("status").asText()));
      JsonNode newDone =
          await(
              server,
              "/workflows/pinned/runs/new",
              r -> "completed".equals(r.path("status").asText()));
      assertEquals("v1", oldDone.path("output").path("ranVersion").asText());
      assertEquals("v2", newDone.path("output").path("ranVersion").asText());
    }
  }

  /** A definition deployed over REST is stored: it survives a restart (and reaches every node). */
  @Test
  void aDefinitionDeployedOverRestSurvivesARestart(@TempDir Path dir) throws Exception {
    String yaml =
        """
        document: {dsl: '1.0.0', namespace: t, name: kept, version: '1.0.0'}
        do:
          - answer:
              set: {kept: true}
        """;
    String key = TestServer.ACME_KEY;
    try (TestServer server = TestServer.start(TestDatabase.h2(dir.resolve("data")), Map.of())) {
      assertEquals(200, deploy(server, "kept", yaml).statusCode());
    }
    try (TestServer server = TestServer.start(TestDatabase.h2(dir.resolve("data")), Map.of())) {
      assertTrue(
          server.get("/workflows", key).body().contains("\"kept\""), "listed after the restart");
      assertEquals(202, post(server, "/workflows/kept/runs/after-restart", key, "{}").statusCode());
      JsonNode done =
          await(
              server,
              "/workflows/kept/runs/after-restart",
              r -> "completed".equals(r.path("status").asText()));
      assertTrue(done.path("output").path("kept").asBoolean(), done.toString());
    }
  }
}
