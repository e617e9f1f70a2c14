package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tramontane.server.http.RouteTable;
import io.tramontane.server.testing.TestDatabase;
import io.tramontane.server.testing.TestServer;
import io.tramontane.testkit.Await;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * RELIABILITY S1: every route is called without credentials, with an invalid key, with a key
 * lacking the scope and with another tenant's key. The routes come from the server's own route
 * table, so a new route is covered the moment it exists, and the list of routes that need no API
 * key is pinned here: adding one fails this test until it is reviewed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouteSecurityIT {

  /** Routes that take no API key, reviewed: health probes and signature-checked webhooks. */
  static final Set<String> WITHOUT_API_KEY =
      Set.of(
          "GET /health",
          "GET /ready",
          "POST /hooks/{trigger}",
          "POST /connectors/{connector}/notifications");

  static final ObjectMapper JSON = new ObjectMapper();

  TestServer server;
  Path data;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    data = dir.resolve("data");
    Path folder = Files.createDirectories(dir.resolve("acme-files"));
    Files.writeString(folder.resolve("acme-memo.txt"), "Quarterly figures, acme only.");
    server =
        TestServer.start(
            TestDatabase.h2(dir.resolve("data")),
            Map.of(
                "tramontane.connectors.acme-sync",
                Map.of(
                    "kind", "filesystem",
                    "tenant", "acme",
                    "collection", "acme-files",
                    "interval", "1h",
                    "path", folder.toString())));
    seedAcme();
  }

  @AfterAll
  void stop() {
    server.close();
  }

  List<RouteTable.Spec> routes() {
    return server.server().edge().routes();
  }

  static String name(RouteTable.Spec spec) {
    return spec.method() + " " + spec.template();
  }

  /** A concrete path for a template: acme's trigger, some delivery id. */
  static String path(RouteTable.Spec spec, String trigger) {
    return spec.template()
        .replace("{trigger}", trigger)
        .replace("{id}", "msg_probe")
        .replace("{collection}", "kb")
        .replace("{agent}", "handbook")
        .replace("{session}", "s1")
        .replace("{workflow}", "answer")
        .replace("{run}", "r1")
        .replace("{connector}", "docs");
  }

  HttpResponse<String> call(RouteTable.Spec spec, String trigger, String key) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(server.uri(path(spec, trigger)))
            .method(spec.method(), HttpRequest.BodyPublishers.ofString("{}"));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return server.send(b.build());
  }

  @Test
  void onlyTheReviewedRoutesGoWithoutAnApiKey() {
    Set<String> open =
        routes().stream()
            .filter(s -> s.access() != RouteTable.Access.API_KEY)
            .map(RouteSecurityIT::name)
            .collect(Collectors.toSet());
    assertEquals(WITHOUT_API_KEY, open);
    assertTrue(routes().size() > WITHOUT_API_KEY.size(), "the table lists the protected routes");
  }

  @Test
  void everyProtectedRouteAnswers401WithoutOrWithABadKey() throws Exception {
    for (RouteTable.Spec spec : routes()) {
      if (spec.access() != RouteTable.Access.API_KEY) {
        continue;
      }
      HttpResponse<String> none = call(spec, "orders", null);
      assertEquals(401, none.statusCode(), name(spec) + " without credentials");
      assertEquals(
          "application/problem+json",
          none.headers().firstValue("content-type").orElseThrow(),
          name(spec));
      assertTrue(none.headers().firstValue("www-authenticate").isPresent(), name(spec));
      assertEquals(401, call(spec, "orders", "not-a-valid-key-at-all-000000").statusCode());
    }
  }

  @Test
  void everyProtectedRouteAnswers403WithoutItsScope() throws Exception {
    for (RouteTable.Spec spec : routes()) {
      if (spec.access() == RouteTable.Access.API_KEY && spec.scope() != null) {
        HttpResponse<String> r = call(spec, "orders", TestServer.ACME_NO_SCOPE_KEY);
        assertEquals(403, r.statusCode(), name(spec) + " with a key lacking " + spec.scope());
        assertTrue(r.body().contains(spec.scope()), r.body());
      }
    }
  }

  /** acme's things, seeded before the tests: globex must learn nothing about any of them. */
  static final Map<String, String> ACME_THINGS =
      Map.of(
          "{agent}", "acme-secret-agent",
          "{session}", "acme-session-7",
          "{workflow}", "acme-secret-flow",
          "{run}", "acme-run-7",
          "{collection}", "acme-vault",
          "{connector}", "acme-sync",
          "{trigger}", "orders",
          "{id}", "msg_acme_7");

  /** Names that exist in no tenant, with the same shape. */
  static final Map<String, String> NOBODYS_THINGS =
      Map.of(
          "{agent}", "ghost-secret-agent",
          "{session}", "ghost-session-7",
          "{workflow}", "ghost-secret-flow",
          "{run}", "ghost-run-7",
          "{collection}", "ghost-vault",
          "{connector}", "ghost-sync",
          "{trigger}", "nowhere",
          "{id}", "msg_ghost_7");

  /**
   * What another tenant's key gets on each route when the path names acme's things, reviewed: every
   * route that names a thing of acme's (a collection or a trigger too) answers as if it did not
   * exist (404), listings answer with the caller's own (empty) lists, and a body that is not even
   * valid is refused (400) before any lookup. A new route fails this test until it is added here.
   */
  static final Map<String, Integer> OTHER_TENANT_STATUS =
      Map.ofEntries(
          Map.entry("GET /hooks/{trigger}/deliveries/{id}", 404),
          Map.entry("GET /triggers", 200),
          Map.entry("GET /cluster", 200),
          Map.entry("GET /agents", 200),
          Map.entry("PUT /agents/{agent}", 400),
          Map.entry("DELETE /agents/{agent}", 200), // idempotent: "not-deployed", like any name
          Map.entry("POST /agents/{agent}/sessions/{session}/messages", 404),
          Map.entry("GET /agents/{agent}/sessions/{session}", 404),
          Map.entry("GET /agents/{agent}/sessions/{session}/events", 404),
          Map.entry("POST /agents/{agent}/sessions/{session}/decisions", 404),
          Map.entry("POST /agents/{agent}/sessions/{session}/cancel", 404),
          Map.entry("GET /collections", 200),
          Map.entry("PUT /collections/{collection}/documents", 400),
          Map.entry("DELETE /collections/{collection}/documents", 400),
          Map.entry("POST /collections/{collection}/search", 404),
          Map.entry("GET /collections/{collection}/stats", 404),
          Map.entry("GET /connectors", 200),
          Map.entry("GET /connectors/{connector}", 404),
          Map.entry("POST /connectors/{connector}/sync", 404),
          Map.entry("POST /connectors/{connector}/pause", 404),
          Map.entry("POST /connectors/{connector}/resume", 404),
          Map.entry("POST /events", 400),
          Map.entry("GET /workflows", 200),
          Map.entry("POST /workflows/validate", 400),
          Map.entry("PUT /workflows/{workflow}", 400),
          Map.entry("DELETE /workflows/{workflow}", 200), // idempotent: "not-deployed"
          Map.entry("GET /workflows/{workflow}/runs", 404), // neither deployed nor run here
          Map.entry("POST /workflows/{workflow}/runs/{run}", 404),
          Map.entry("GET /workflows/{workflow}/runs/{run}", 404),
          // answered from the caller's own run, which never started: "No run 'r1'", as for any name
          Map.entry("POST /workflows/{workflow}/runs/{run}/events", 404),
          Map.entry("POST /workflows/{workflow}/runs/{run}/cancel", 404),
          Map.entry("GET /workflows/{workflow}/runs/{run}/stream", 404));

  /**
   * A body that passes validation, so the call reaches the lookup of acme's thing; other routes get
   * {@code {}}.
   */
  static final Map<String, String> BODIES =
      Map.of(
          "POST /agents/{agent}/sessions/{session}/messages",
          "{\"text\": \"what is the vault combination?\"}",
          "POST /agents/{agent}/sessions/{session}/decisions",
          "{\"key\": \"k1\", \"approve\": true}",
          "POST /workflows/{workflow}/runs/{run}/events",
          "{\"specversion\": \"1.0\", \"id\": \"e1\", \"source\": \"test\","
              + " \"type\": \"io.tramontane.approval.granted\"}",
          "POST /collections/{collection}/search",
          "{\"query\": \"vault combination harbour master\", \"mode\": \"bm25\"}");

  static String fill(String template, Map<String, String> names) {
    String path = template;
    for (Map.Entry<String, String> e : names.entrySet()) {
      path = path.replace(e.getKey(), e.getValue());
    }
    return path;
  }

  /** A body with every name of {@code names} replaced by its placeholder, to compare two. */
  static String anonymous(String body, Map<String, String> names) {
    String out = body;
    for (Map.Entry<String, String> e : names.entrySet()) {
      out = out.replace(e.getValue(), e.getKey());
    }
    return out;
  }

  HttpResponse<String> send(String method, String path, String key, String type, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(server.uri(path))
            .header("Authorization", "Bearer " + key)
            .timeout(Duration.ofSeconds(60))
            .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (type != null) {
      b.header("Content-Type", type);
    }
    return server.send(b.build());
  }

  /** Seeds a delivery, an agent with a session, a waiting run, a document and a connector. */
  void seedAcme() throws Exception {
    String acme = TestServer.ACME_KEY;
    HttpResponse<String> delivery = server.send(server.signedOrder("msg_acme_7", "{\"order\": 7}"));
    assertEquals(202, delivery.statusCode(), delivery.body());
    HttpResponse<String> agent =
        send(
            "PUT",
            "/agents/acme-secret-agent",
            acme,
            "application/yaml",
            "name: acme-secret-agent\ndescription: acme's\ninstructions: Answer briefly.\n");
    assertEquals(200, agent.statusCode(), agent.body());
    HttpResponse<String> said =
        send(
            "POST",
            "/agents/acme-secret-agent/sessions/acme-session-7/messages",
            acme,
            "application/json",
            "{\"text\": \"hello\"}");
    assertEquals(200, said.statusCode(), said.body());
    HttpResponse<String> flow =
        send(
            "PUT",
            "/workflows/acme-secret-flow",
            acme,
            "application/yaml",
            """
            document: {dsl: '1.0.0', namespace: t, name: acme-secret-flow, version: '1.0.0'}
            do:
              - approval:
                  listen: {to: {one: {with: {type: io.tramontane.approval.granted}}}}
            """);
    assertEquals(200, flow.statusCode(), flow.body());
    HttpResponse<String> run =
        send("POST", "/workflows/acme-secret-flow/runs/acme-run-7", acme, "application/json", "{}");
    assertEquals(202, run.statusCode(), run.body());
    HttpResponse<String> doc =
        send(
            "PUT",
            "/collections/acme-vault/documents?id=acme-doc-7.txt&public=true",
            acme,
            "text/plain",
            "The vault combination is kept by the harbour master.");
    assertEquals(200, doc.statusCode(), doc.body());
    // Seeded means visible: the document is indexed and the connector's first pass is done.
    awaitJson("/collections/acme-vault/stats", s -> s.path("documents").asInt() == 1);
    awaitJson("/connectors/acme-sync", s -> s.path("documentsSynced").asInt() == 1);
  }

  void awaitJson(String path, java.util.function.Predicate<JsonNode> done) {
    Await.until(
        path,
        Duration.ofSeconds(60),
        () -> JSON.readTree(server.get(path, TestServer.ACME_KEY).body()),
        done);
  }

  /** What acme sees of its things, to prove another tenant's calls changed nothing. */
  Map<String, String> acmeView() throws Exception {
    Map<String, String> view = new TreeMap<>();
    for (String path :
        List.of(
            "/agents",
            "/agents/acme-secret-agent/sessions/acme-session-7",
            "/workflows",
            "/workflows/acme-secret-flow/runs/acme-run-7",
            "/collections/acme-vault/stats",
            "/connectors/acme-sync",
            "/hooks/orders/deliveries/msg_acme_7")) {
      HttpResponse<String> r = server.get(path, TestServer.ACME_KEY);
      assertEquals(200, r.statusCode(), path + ": " + r.body());
      JsonNode json = JSON.readTree(r.body());
      if (json instanceof ObjectNode o) {
        // what moves by itself: the connector's clock, the index's commits and reconciliation
        o.remove(
            List.of(
                "lagSeconds",
                "lastSyncStarted",
                "lastSuccess",
                "reconciliation",
                "logOffsetApplied",
                "logOffsetCommitted"));
      }
      view.put(path, json.toString());
    }
    return view;
  }

  @Test
  void anotherTenantsKeyFindsNothingOfThisTenantOnAnyRoute() throws Exception {
    Map<String, String> before = acmeView();
    Set<String> reviewed = new TreeSet<>(OTHER_TENANT_STATUS.keySet());
    Set<String> protectedRoutes = new TreeSet<>();
    List<String> failures = new ArrayList<>();
    for (RouteTable.Spec spec : routes()) {
      if (spec.access() != RouteTable.Access.API_KEY) {
        continue;
      }
      protectedRoutes.add(name(spec));
      Integer expected = OTHER_TENANT_STATUS.get(name(spec));
      if (expected == null) {
        failures.add(name(spec) + ": not reviewed for another tenant's key");
        continue;
      }
      HttpResponse<String> theirs =
          send(
              spec.method(),
              fill(spec.template(), ACME_THINGS),
              TestServer.GLOBEX_KEY,
              "application/json",
              BODIES.getOrDefault(name(spec), "{}"));
      HttpResponse<String> nobodys =
          send(
              spec.method(),
              fill(spec.template(), NOBODYS_THINGS),
              TestServer.GLOBEX_KEY,
              "application/json",
              BODIES.getOrDefault(name(spec), "{}"));
      if (theirs.statusCode() != expected) {
        failures.add(name(spec) + ": " + theirs.statusCode() + " " + theirs.body());
      }
      if (theirs.body().contains("harbour") || theirs.body().matches(".*\"documents\":[1-9].*")) {
        failures.add(name(spec) + ": shows acme's documents: " + theirs.body());
      }
      // Not a word about acme's things: acme's names (collections and triggers included) answer
      // exactly like names nobody uses.
      if ((theirs.statusCode() != nobodys.statusCode()
          || !anonymous(theirs.body(), ACME_THINGS)
              .equals(anonymous(nobodys.body(), NOBODYS_THINGS)))) {
        failures.add(
            name(spec)
                + ": acme's names answer differently:\n  "
                + theirs.body()
                + "\n  "
                + nobodys.body());
      }
      for (String thing :
          List.of(
              "acme-secret",
              "acme-session",
              "acme-run",
              "acme-vault",
              "acme-sync",
              "acme-doc",
              "msg_acme",
              "\"orders\"",
              "\"github\"")) {
        String path = fill(spec.template(), ACME_THINGS);
        if (theirs.body().contains(thing) && !path.contains(thing.replace("\"", ""))) {
          failures.add(name(spec) + ": names acme's " + thing + ": " + theirs.body());
        }
      }
    }
    assertEquals(List.of(), failures);
    assertEquals(reviewed, protectedRoutes, "routes reviewed for another tenant's key");
    assertEquals(before, acmeView(), "another tenant's calls changed acme's things");
  }

  @Test
  void deletingFromACollectionNobodyHasCreatesNothing() throws Exception {
    HttpResponse<String> deleted =
        send(
            "DELETE",
            "/collections/never-made/documents?id=doc1",
            TestServer.GLOBEX_KEY,
            "application/json",
            "");
    assertTrue(deleted.statusCode() < 500, deleted.body());
    try (var files = Files.walk(data)) {
      assertEquals(
          List.of(),
          files.filter(f -> f.getFileName().toString().equals("never-made")).toList(),
          "a delete created the collection");
    }
    for (String key : List.of(TestServer.ACME_KEY, TestServer.GLOBEX_KEY)) {
      assertFalse(server.get("/collections", key).body().contains("never-made"));
      assertEquals(404, server.get("/collections/never-made/stats", key).statusCode());
    }
  }

  @Test
  void theOwningTenantIsServed() throws Exception {
    HttpResponse<String> triggers = server.get("/triggers", TestServer.ACME_KEY);
    assertEquals(200, triggers.statusCode());
    assertTrue(triggers.body().contains("\"orders\""));
    assertTrue(triggers.body().contains("\"github\""));
    assertFalse(triggers.body().contains("billing"));
    HttpResponse<String> unknown =
        server.get("/hooks/orders/deliveries/msg_never_sent", TestServer.ACME_KEY);
    assertEquals(404, unknown.statusCode());
  }

  @Test
  void unknownPathsAndMethodsAreProblemsToo() throws Exception {
    HttpResponse<String> missing = server.get("/admin", null);
    assertEquals(404, missing.statusCode());
    assertEquals(
        "application/problem+json", missing.headers().firstValue("content-type").orElseThrow());
    HttpResponse<String> wrongMethod =
        server.send(HttpRequest.newBuilder(server.uri("/health")).DELETE().build());
    assertEquals(405, wrongMethod.statusCode());
    assertEquals("GET", wrongMethod.headers().firstValue("allow").orElseThrow());
  }

  @Test
  void healthAndReadinessAreOpen() throws Exception {
    assertEquals(200, server.get("/health", null).statusCode());
    HttpResponse<String> ready = server.get("/ready", null);
    assertEquals(200, ready.statusCode(), ready.body());
    assertTrue(ready.body().contains("\"cluster\":\"up\""), ready.body());
    // Every shard region of the server (deliveries, workflow runs, sessions, …) has registered
    // with its coordinator, and the journal answers.
    assertTrue(ready.body().contains("\"sharding\":\"ready\""), ready.body());
    assertTrue(ready.body().contains("\"database\":\"reachable\""), ready.body());
  }
}
