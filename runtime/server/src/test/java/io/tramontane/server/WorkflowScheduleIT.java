package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.tramontane.server.testing.TestDatabase;
import io.tramontane.server.testing.TestServer;
import io.tramontane.testkit.Await;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A workflow with {@code schedule: {every: PT1S}} deployed on a real node gets one run per tick,
 * named {@code tick-…}, with the tick as input; after the node is stopped and started again on the
 * same journal the schedule goes on by itself.
 */
class WorkflowScheduleIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Pattern RUN = Pattern.compile("acme/tick/(tick-\\d{8}T\\d{6}Z)//do/0/report#1");
  static final DateTimeFormatter NAME =
      DateTimeFormatter.ofPattern("'tick-'yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  @Test
  void anEverySecondScheduleStartsOneRunPerTickAcrossARestart(@TempDir Path dir) throws Exception {
    List<String> keys = new CopyOnWriteArrayList<>();
    List<String> bodies = new CopyOnWriteArrayList<>();
    HttpServer callback = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    callback.createContext(
        "/tick",
        ex -> {
          keys.add(ex.getRequestHeaders().getFirst("Idempotency-Key"));
          bodies.add(new String(ex.getRequestBody().readAllBytes()));
          ex.sendResponseHeaders(204, -1);
          ex.close();
        });
    callback.start();
    try {
      Path workflows = Files.createDirectories(dir.resolve("workflows"));
      Files.writeString(
          workflows.resolve("tick.yaml"),
          """
          document: {dsl: '1.0.0', namespace: test, name: tick, version: '1.0.0'}
          schedule: {every: PT1S}
          do:
            - report:
                call: http
                with:
                  method: post
                  endpoint: http://127.0.0.1:%d/tick
                  body: '${ {tick: .tick, schedule: .schedule} }'
          """
              .formatted(callback.getAddress().getPort()));
      Map<String, Object> extra =
          Map.of(
              "tramontane.workflows.dir",
              workflows.toString(),
              "tramontane.workflows.http.allowed-hosts",
              List.of("127.0.0.1"),
              "tramontane.workflows.http.allow-private-networks",
              true);
      TestDatabase db = TestDatabase.h2(dir.resolve("data"));
      String firstRun;
      try (TestServer server = TestServer.start(db, extra)) {
        await("three scheduled runs", () -> runs(keys).size() >= 3);
        firstRun = runs(keys).first();
        HttpResponse<String> run =
            server.get("/workflows/tick/runs/" + firstRun, TestServer.ACME_KEY);
        assertEquals(200, run.statusCode(), run.body());
        assertEquals("completed", JSON.readTree(run.body()).path("status").asText(), run.body());
      }
      int before = runs(keys).size();
      Instant restarted = Instant.now();
      try (TestServer server = TestServer.start(db, extra)) {
        await("two more runs after the restart", () -> runs(keys).size() >= before + 2);
      }
      Set<String> runs = runs(keys);
      assertTrue(
          runs.stream().anyMatch(r -> NAME.parse(r, Instant::from).isAfter(restarted)),
          "ticks after the restart: " + runs);
      for (String key : keys) {
        assertTrue(RUN.matcher(key).matches(), key);
      }
      assertTrue(
          bodies.getFirst().contains("\"schedule\":{\"every\":\"PT1S\"}"), bodies.getFirst());
      // The first run's input carried its own tick.
      String tick = NAME.parse(firstRun, Instant::from).toString();
      assertTrue(
          bodies.stream().anyMatch(b -> b.contains("\"tick\":\"" + tick + "\"")),
          tick + " in " + bodies);
    } finally {
      callback.stop(0);
    }
  }

  /** The runs that called back, by name, in tick order. */
  static TreeSet<String> runs(List<String> keys) {
    TreeSet<String> out = new TreeSet<>();
    for (String k : keys) {
      Matcher m = RUN.matcher(k);
      if (m.matches()) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  static void await(String what, BooleanSupplier done) {
    Await.until(what, Duration.ofSeconds(60), done::getAsBoolean);
  }
}
