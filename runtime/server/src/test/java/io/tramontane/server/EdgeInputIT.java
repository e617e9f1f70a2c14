package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tramontane.server.http.RouteTable;
import io.tramontane.server.testing.TestDatabase;
import io.tramontane.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 item 13: what the HTTP edge answers to bodies it cannot take. A body over the server's 8
 * MiB cap used to be a 500 on most routes; now every route answers 413 problem+json, whether the
 * length was declared or the body came chunked. Validation mistakes in JSON bodies are 400 naming
 * the field, requests refused before routing (header and URI limits) are problems too, and every
 * problem carries its status as a number.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EdgeInputIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final int CAP = 8 * 1024 * 1024;

  /** Routes that take no body: they answer without reading one (only a declared length counts). */
  static final Set<String> WITHOUT_BODY =
      Set.of(
          "POST /agents/{agent}/sessions/{session}/cancel",
          "POST /workflows/{workflow}/runs/{run}/cancel",
          "POST /connectors/{connector}/sync",
          "POST /connectors/{connector}/pause",
          "POST /connectors/{connector}/resume",
          "DELETE /collections/{collection}/documents",
          "DELETE /agents/{agent}",
          "DELETE /workflows/{workflow}");

  TestServer server;
  byte[] overCap;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    // A SharePoint connector "docs", so the notifications route reads its body (its Graph address
    // answers nothing: it never syncs).
    Map<String, Object> docs = new HashMap<>();
    docs.put("kind", "sharepoint");
    docs.put("tenant", "acme");
    docs.put("collection", "kb");
    docs.put("authority", "http://127.0.0.1:9");
    docs.put("graph", "http://127.0.0.1:9/v1.0");
    docs.put("tenant-id", "contoso-tenant");
    docs.put("client-id", "app-1234");
    docs.put("client-secret", "file:" + Files.writeString(dir.resolve("sp-secret"), "s3cret"));
    docs.put("client-state", "file:" + Files.writeString(dir.resolve("sp-state"), "st4te"));
    docs.put("site", "contoso.sharepoint.com:/sites/kb");
    docs.put("max-retries", 1);
    docs.put("initial-backoff", "100ms");
    // A trigger whose own limit is above the server's cap: the cap still holds.
    server =
        TestServer.start(
            TestDatabase.h2(dir.resolve("data")),
            Map.of(
                "tramontane.connectors.docs",
                docs,
                "tramontane.intake.triggers.huge",
                Map.of(
                    "tenant",
                    "acme",
                    "scheme",
                    "standard-webhooks",
                    "secrets",
                    List.of("env:IT_ORDERS_SECRET"),
                    "max-body-size",
                    "16m")));
    overCap = new byte[CAP + 1];
    Arrays.fill(overCap, (byte) '{');
  }

  @AfterAll
  void stop() {
    server.close();
  }

  static String name(RouteTable.Spec spec) {
    return spec.method() + " " + spec.template();
  }

  HttpResponse<String> send(String method, String path, byte[] body, boolean chunked)
      throws Exception {
    HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.ofByteArray(body);
    if (chunked) {
      publisher = HttpRequest.BodyPublishers.fromPublisher(publisher); // no length: chunked
    }
    return server.send(
        HttpRequest.newBuilder(server.uri(path))
            .header("Authorization", "Bearer " + TestServer.ACME_KEY)
            .header("Content-Type", "application/json")
            .method(method, publisher)
            .build());
  }

  static JsonNode assertProblem(HttpResponse<String> r, int status, String what) throws Exception {
    assertEquals(status, r.statusCode(), what + ": " + r.body());
    assertEquals(
        "application/problem+json",
        r.headers().firstValue("content-type").orElseThrow(),
        what + ": " + r.body());
    JsonNode problem = JSON.readTree(r.body());
    assertTrue(problem.path("status").isInt(), what + ": status is a number: " + r.body());
    assertEquals(status, problem.path("status").asInt(), what);
    assertFalse(problem.path("detail").asText().isBlank(), what);
    return problem;
  }

  /** The four routes the testers saw answer 500 ({@code EntityStreamException}) to 8 MiB + 1. */
  @Test
  void theRoutesThatAnswered500To9MiBAnswer413() throws Exception {
    List<String> seen =
        List.of(
            "POST /hooks/huge",
            "PUT /collections/kb/documents?id=big.json",
            "POST /workflows/validate",
            "POST /agents/handbook/sessions/s1/messages");
    for (String route : seen) {
      String[] mp = route.split(" ");
      for (boolean chunked : new boolean[] {false, true}) {
        JsonNode problem =
            assertProblem(send(mp[0], mp[1], overCap, chunked), 413, route + " chunked=" + chunked);
        // Declared: the server's cap, before routing; chunked: the lower of it and the route's own.
        assertTrue(
            problem.path("detail").asText().matches(".*limit of \\d+ bytes.*"), problem.toString());
      }
    }
  }

  @Test
  void everyRouteAnswers413ToABodyOverTheServerCapDeclaredOrChunked() throws Exception {
    List<RouteTable.Spec> routes = server.server().edge().routes();
    for (String spec : WITHOUT_BODY) {
      assertTrue(routes.stream().anyMatch(s -> name(s).equals(spec)), spec + " is a route");
    }
    for (RouteTable.Spec spec : routes) {
      String path = RouteSecurityIT.path(spec, "huge");
      JsonNode declared =
          assertProblem(
              send(spec.method(), path, overCap, false), 413, name(spec) + " with Content-Length");
      assertTrue(declared.path("detail").asText().contains("8388608"), declared.toString());
      if (!spec.method().equals("GET") && !WITHOUT_BODY.contains(name(spec))) {
        assertProblem(send(spec.method(), path, overCap, true), 413, name(spec) + " chunked");
      }
    }
    // The connection stays usable: the server read the refused body before answering.
    assertEquals(200, server.get("/health", null).statusCode());
  }

  @Test
  void aBodyOverTheRoutesOwnLimitIs413NamingThatLimit() throws Exception {
    byte[] body = new byte[70 * 1024];
    Arrays.fill(body, (byte) 'a');
    for (boolean chunked : new boolean[] {false, true}) {
      JsonNode search =
          assertProblem(
              send("POST", "/collections/kb/search", body, chunked), 413, "search " + chunked);
      assertTrue(search.path("detail").asText().contains("65536"), search.toString());
      JsonNode hook =
          assertProblem(send("POST", "/hooks/orders", body, chunked), 413, "hook " + chunked);
      assertTrue(hook.path("detail").asText().contains("65536"), hook.toString());
    }
  }

  @Test
  void aDocumentThatCannotBeParsedIs422WithANumericStatusAndItsOutcome() throws Exception {
    byte[] corrupt = new byte[4096];
    new Random(3).nextBytes(corrupt);
    corrupt[0] = 0;
    HttpResponse<String> r =
        server.send(
            HttpRequest.newBuilder(
                    server.uri("/collections/kb/documents?id=broken.bin&public=true"))
                .header("Authorization", "Bearer " + TestServer.ACME_KEY)
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(corrupt))
                .build());
    JsonNode problem = assertProblem(r, 422, "unparseable upload");
    assertEquals("failed", problem.path("outcome").asText(), r.body());
    assertEquals("broken.bin", problem.path("id").asText(), r.body());
  }

  /** A JSON body with a mistake, and what the 400's detail must name. */
  record Mistake(String method, String path, String body, String named) {}

  @Test
  void validationMistakesAre400NamingTheField() throws Exception {
    String session = "/agents/handbook/sessions/s1";
    String run = "/workflows/answer/runs/r1";
    List<Mistake> mistakes =
        List.of(
            new Mistake("POST", "/collections/kb/search", "{\"query\": 5}", "'query'"),
            new Mistake(
                "POST",
                "/collections/kb/search",
                "{\"query\": \"x\", \"principals\": \"alice\"}",
                "'principals'"),
            new Mistake(
                "POST", "/collections/kb/search", "{\"query\": \"x\", \"k\": \"5\"}", "'k'"),
            new Mistake(
                "POST", "/collections/kb/search", "{\"query\": \"x\", \"extra\": 1}", "'extra'"),
            new Mistake("POST", session + "/decisions", "{\"key\": 5, \"approve\": true}", "'key'"),
            new Mistake(
                "POST",
                session + "/decisions",
                "{\"key\": \"k\", \"approve\": \"yes\"}",
                "'approve'"),
            new Mistake(
                "POST",
                session + "/decisions",
                "{\"key\": \"k\", \"approve\": true, \"reason\": 5}",
                "'reason'"),
            new Mistake(
                "POST",
                session + "/decisions",
                "{\"key\": \"k\", \"approve\": true, \"x\": 1}",
                "'x'"),
            new Mistake("POST", run + "/events", "{\"type\": 5}", "'type'"),
            new Mistake("POST", run + "/events", "{\"data\": {}}", "'type'"),
            new Mistake("POST", run + "/events", "{\"type\": \"t\", \"zzz\": 1}", "'zzz'"),
            new Mistake("POST", run + "/events", "{\"type\": \"t\", \"id\": 7}", "'id'"),
            new Mistake(
                "POST", "/events", "{\"id\": 1, \"source\": \"s\", \"type\": \"t\"}", "'id'"),
            new Mistake("POST", "/events", "{\"source\": \"s\", \"type\": \"t\"}", "'id'"),
            new Mistake(
                "POST", "/events", "{\"id\": \" \", \"source\": \"s\", \"type\": \"t\"}", "'id'"),
            new Mistake(
                "POST", "/events", "{\"id\": \"1\", \"source\": 5, \"type\": \"t\"}", "'source'"),
            new Mistake(
                "POST",
                "/events",
                "{\"id\": \"1\", \"source\": \"s\", \"type\": \"t\", \"zzz\": 1}",
                "'zzz'"),
            new Mistake(
                "POST",
                "/events",
                "{\"id\": \"1\", \"source\": \"s\", \"type\": \"t\", \"tenant\": \"globex\"}",
                "'tenant'"));
    for (Mistake m : mistakes) {
      String what = m.method() + " " + m.path() + " " + m.body();
      JsonNode problem =
          assertProblem(
              send(
                  m.method(),
                  m.path(),
                  m.body().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                  false),
              400,
              what);
      assertTrue(problem.path("detail").asText().contains(m.named()), what + ": " + problem);
    }
  }

  @Test
  void malformedJsonAndOtherContentAre400ProblemsWithoutParserNoise() throws Exception {
    List<String> jsonRoutes =
        List.of(
            "POST /collections/kb/search",
            "POST /agents/handbook/sessions/s1/decisions",
            "POST /workflows/answer/runs/r1",
            "POST /workflows/answer/runs/r1/events",
            "POST /events");
    for (String route : jsonRoutes) {
      String[] mp = route.split(" ");
      for (String body : List.of("{\"query\": ", "<event type='x'/>")) {
        JsonNode problem =
            assertProblem(
                send(mp[0], mp[1], body.getBytes(java.nio.charset.StandardCharsets.UTF_8), false),
                400,
                route + " " + body);
        String detail = problem.path("detail").asText();
        assertTrue(detail.contains("JSON"), route + ": " + detail);
        assertFalse(detail.contains("REDACTED") || detail.contains("StreamReadFeature"), detail);
      }
    }
  }

  @Test
  void everyRouteTakingABodyAnswersABrokenOneWithA4xxProblemNeverA500() throws Exception {
    for (RouteTable.Spec spec : server.server().edge().routes()) {
      if (spec.method().equals("GET") || WITHOUT_BODY.contains(name(spec))) {
        continue;
      }
      for (String body : List.of("{\"query\": ", "\u0000\u00ff<x", "[1, 2]")) {
        HttpResponse<String> r =
            send(
                spec.method(),
                RouteSecurityIT.path(spec, "orders"),
                body.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                false);
        String what = name(spec) + " " + body + ": " + r.statusCode() + " " + r.body();
        assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, what);
        assertProblem(r, r.statusCode(), what);
        assertFalse(r.body().contains("Exception") || r.body().contains("\tat "), what);
      }
    }
  }

  @Test
  void requestsRefusedBeforeRoutingAreProblemsNamingTheLimit() throws Exception {
    HttpResponse<String> header =
        server.send(
            HttpRequest.newBuilder(server.uri("/health"))
                .header("X-Big", "a".repeat(9000))
                .build());
    JsonNode h = assertProblem(header, 431, "a header value over 8 KiB");
    assertTrue(h.path("detail").asText().contains("8192"), h.toString());
    HttpResponse<String> uri = server.get("/health?q=" + "a".repeat(5000), null);
    assertProblem(uri, 414, "a URI over 4 KiB");
    HttpRequest.Builder many = HttpRequest.newBuilder(server.uri("/health"));
    for (int i = 0; i < 70; i++) {
      many.header("X-Header-" + i, "1");
    }
    JsonNode count = assertProblem(server.send(many.build()), 400, "70 headers");
    assertTrue(count.path("detail").asText().contains("64"), count.toString());
  }
}
