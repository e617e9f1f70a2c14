package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tramontane.server.testing.ServerProcess;
import io.tramontane.server.testing.TestDatabase;
import io.tramontane.server.testing.TestServer;
import io.tramontane.testkit.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agent and workflow definitions belong to a tenant (issue 15, items 1, 2 and 15), over HTTP on a
 * real server: the same name in two tenants is two definitions, listings and "no such" errors show
 * only the caller's own names, an uploaded agent is stored (survives a restart, sessions keep their
 * pinned version after a replacement and a deletion), and a refused upload deploys nothing.
 */
abstract class AbstractDefinitionTenancyIT {

  abstract TestDatabase database(Path dir);

  static final ObjectMapper JSON = new ObjectMapper();
  static final String ACME = TestServer.ACME_KEY;
  static final String GLOBEX = TestServer.GLOBEX_KEY;
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  static final String AGENT =
      """
      name: %s
      description: %s
      instructions: Answer briefly.
      tools: [%s]
      """;

  static final String WORKFLOW =
      """
      document: {dsl: '1.0.0', namespace: t, name: %s, version: '1.0.0'}
      do:
        - answer:
            set: {owner: %s}
      """;

  /** A workflow whose runs wait for an approval event, then report the version they ran. */
  static final String WAITING =
      """
      document: {dsl: '1.0.0', namespace: t, name: %s, version: '%s'}
      do:
        - approval:
            listen: {to: {one: {with: {type: io.tramontane.approval.granted}}}}
        - result:
            set: {ranVersion: '%s'}
      """;

  /** HTTP against one server (in-process or its own JVM). */
  record Api(Function<String, URI> uri) {

    HttpResponse<String> call(String method, String path, String key, String type, String body)
        throws Exception {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(uri.apply(path))
              .header("Authorization", "Bearer " + key)
              .timeout(Duration.ofSeconds(60));
      if (body == null) {
        b.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        b.header("Content-Type", type)
            .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
      }
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String key) throws Exception {
      return call("GET", path, key, null, null);
    }

    HttpResponse<String> putAgent(String name, String key, String yaml) throws Exception {
      return call("PUT", "/agents/" + name, key, "application/yaml", yaml);
    }

    HttpResponse<String> putWorkflow(String name, String key, String yaml) throws Exception {
      return call("PUT", "/workflows/" + name, key, "application/yaml", yaml);
    }

    HttpResponse<String> say(String agent, String session, String key, String text)
        throws Exception {
      return call(
          "POST",
          "/agents/" + agent + "/sessions/" + session + "/messages",
          key,
          "application/json",
          JSON.writeValueAsString(Map.of("text", text)));
    }

    HttpResponse<String> startRun(String workflow, String run, String key) throws Exception {
      return call("POST", "/workflows/" + workflow + "/runs/" + run, key, "application/json", "{}");
    }

    JsonNode json(String path, String key) throws Exception {
      HttpResponse<String> r = get(path, key);
      assertEquals(200, r.statusCode(), path + ": " + r.body());
      return JSON.readTree(r.body());
    }

    JsonNode await(String path, String key, Predicate<JsonNode> done) throws Exception {
      return Await.until(
          path + " in the expected state",
          Duration.ofSeconds(30),
          () -> {
            HttpResponse<String> r = get(path, key);
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
          },
          last -> last != null && done.test(last));
    }

    /** The names of {@code GET /agents} or {@code GET /workflows} for {@code key}. */
    List<String> names(String what, String key) throws Exception {
      return json("/" + what, key).path(what).findValuesAsText("name");
    }

    /** The agent version a session is pinned to. */
    String sessionVersion(String agent, String session, String key) throws Exception {
      return json("/agents/" + agent + "/sessions/" + session, key).path("agentVersion").asText();
    }
  }

  static Api api(TestServer server) {
    return new Api(server::uri);
  }

  static String version(HttpResponse<String> put) throws Exception {
    assertEquals(200, put.statusCode(), put.body());
    return JSON.readTree(put.body()).path("version").asText();
  }

  /** The problem body of a 404, with the name asked for replaced, to compare two of them. */
  static String notFound(HttpResponse<String> r, String name) {
    assertEquals(404, r.statusCode(), r.body());
    assertTrue(
        r.headers().firstValue("content-type").orElse("").startsWith("application/problem+json"),
        r.headers().toString());
    return r.body().replace(name, "NAME");
  }

  @Test
  void theSameAgentNameInTwoTenantsIsTwoAgents(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(database(dir))) {
      Api api = api(server);
      String acmeV = version(api.putAgent("helper", ACME, AGENT.formatted("helper", "acme's", "")));
      version(api.putAgent("acme-only", ACME, AGENT.formatted("acme-only", "private", "")));
      assertEquals(200, api.say("helper", "s1", ACME, "hello").statusCode());
      assertEquals(acmeV, api.sessionVersion("helper", "s1", ACME));

      // Another tenant uploads the same name, with a tool acme never allowed.
      String globexV =
          version(
              api.putAgent(
                  "helper", GLOBEX, AGENT.formatted("helper", "globex's", "http.request")));
      assertFalse(acmeV.equals(globexV));

      // acme's sessions, old and new, still run acme's definition.
      assertEquals(200, api.say("helper", "s1", ACME, "again").statusCode());
      assertEquals(acmeV, api.sessionVersion("helper", "s1", ACME));
      assertEquals(200, api.say("helper", "s2", ACME, "hello").statusCode());
      assertEquals(acmeV, api.sessionVersion("helper", "s2", ACME));
      assertEquals(200, api.say("helper", "g1", GLOBEX, "hello").statusCode());
      assertEquals(globexV, api.sessionVersion("helper", "g1", GLOBEX));

      // Each tenant lists its own definitions only.
      JsonNode acmeList = api.json("/agents", ACME);
      assertEquals(
          List.of("acme-only", "helper"), acmeList.path("agents").findValuesAsText("name"));
      assertEquals("acme's", acmeList.path("agents").get(1).path("description").asText());
      assertEquals(List.of("helper"), api.names("agents", GLOBEX));
      JsonNode globexList = api.json("/agents", GLOBEX);
      assertEquals(
          List.of("http.request"),
          JSON.convertValue(globexList.path("agents").get(0).path("tools"), List.class));

      // Another tenant's name and an unknown name give the same 404, naming nothing else.
      HttpResponse<String> other = api.say("acme-only", "x", GLOBEX, "hi");
      HttpResponse<String> unknown = api.say("never-defined", "x", GLOBEX, "hi");
      assertEquals(notFound(unknown, "never-defined"), notFound(other, "acme-only"));
      assertFalse(other.body().contains("helper"), other.body());
      assertEquals(
          notFound(api.get("/agents/never-defined/sessions/s1", GLOBEX), "never-defined"),
          notFound(api.get("/agents/acme-only/sessions/s1", GLOBEX), "acme-only"));
    }
  }

  @Test
  void theSameWorkflowNameInTwoTenantsIsTwoWorkflows(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(database(dir))) {
      Api api = api(server);
      assertEquals(
          200, api.putWorkflow("total", ACME, WORKFLOW.formatted("total", "acme")).statusCode());
      assertEquals(
          200,
          api.putWorkflow("acme-only", ACME, WORKFLOW.formatted("acme-only", "acme")).statusCode());
      assertEquals(
          200,
          api.putWorkflow("total", GLOBEX, WORKFLOW.formatted("total", "globex")).statusCode());

      assertEquals(202, api.startRun("total", "r1", ACME).statusCode());
      JsonNode run =
          api.await(
              "/workflows/total/runs/r1", ACME, r -> "completed".equals(r.path("status").asText()));
      assertEquals("acme", run.path("output").path("owner").asText(), run.toString());
      assertEquals(202, api.startRun("total", "r1", GLOBEX).statusCode());
      JsonNode theirs =
          api.await(
              "/workflows/total/runs/r1",
              GLOBEX,
              r -> "completed".equals(r.path("status").asText()));
      assertEquals("globex", theirs.path("output").path("owner").asText(), theirs.toString());

      assertEquals(List.of("acme-only", "total"), api.names("workflows", ACME));
      assertEquals(List.of("total"), api.names("workflows", GLOBEX));
      HttpResponse<String> other = api.startRun("acme-only", "r1", GLOBEX);
      HttpResponse<String> unknown = api.startRun("never-deployed", "r1", GLOBEX);
      assertEquals(notFound(unknown, "never-deployed"), notFound(other, "acme-only"));
      assertFalse(other.body().contains("total"), other.body());
    }
  }

  @Test
  void aRefusedUploadDeploysNothing(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(database(dir))) {
      Api api = api(server);
      HttpResponse<String> wf = api.putWorkflow("a", ACME, WORKFLOW.formatted("b", "acme"));
      assertEquals(400, wf.statusCode(), wf.body());
      assertTrue(wf.body().contains("'a'") && wf.body().contains("'b'"), wf.body());
      assertEquals(List.of(), api.names("workflows", ACME));
      assertEquals(404, api.startRun("b", "r1", ACME).statusCode());
      assertEquals(404, api.startRun("a", "r1", ACME).statusCode());

      HttpResponse<String> agent = api.putAgent("a", ACME, AGENT.formatted("b", "mismatch", ""));
      assertEquals(400, agent.statusCode(), agent.body());
      assertTrue(agent.body().contains("'a'") && agent.body().contains("'b'"), agent.body());
      assertEquals(List.of(), api.names("agents", ACME));
      assertEquals(404, api.say("b", "s1", ACME, "hi").statusCode());
      assertEquals(404, api.say("a", "s1", ACME, "hi").statusCode());

      // A refused replacement leaves the deployed version as it was.
      String v1 = version(api.putAgent("a", ACME, AGENT.formatted("a", "first", "")));
      assertEquals(400, api.putAgent("a", ACME, AGENT.formatted("b", "second", "")).statusCode());
      assertEquals(400, api.putAgent("a", ACME, "name: a\ntoolz: []\n").statusCode());
      assertEquals(
          List.of(v1), api.json("/agents", ACME).path("agents").findValuesAsText("version"));
      assertEquals(200, api.putWorkflow("a", ACME, WORKFLOW.formatted("a", "first")).statusCode());
      String hash = api.json("/workflows", ACME).path("workflows").get(0).path("hash").asText();
      assertEquals(400, api.putWorkflow("a", ACME, WORKFLOW.formatted("b", "second")).statusCode());
      assertEquals(400, api.putWorkflow("a", ACME, "document: {}\n").statusCode());
      assertEquals(
          List.of(hash), api.json("/workflows", ACME).path("workflows").findValuesAsText("hash"));
    }
  }

  @Test
  void deletingAWorkflowKeepsRunsInFlightAndOtherTenantsVersions(@TempDir Path dir)
      throws Exception {
    try (TestServer server = TestServer.start(database(dir))) {
      Api api = api(server);
      assertEquals(
          200,
          api.putWorkflow("gate", ACME, WAITING.formatted("gate", "1.0.0", "v1")).statusCode());
      assertEquals(
          200,
          api.putWorkflow("gate", GLOBEX, WAITING.formatted("gate", "1.0.0", "globex"))
              .statusCode());
      assertEquals(202, api.startRun("gate", "old", ACME).statusCode());
      api.await("/workflows/gate/runs/old", ACME, r -> "running".equals(r.path("status").asText()));

      HttpResponse<String> deleted = api.call("DELETE", "/workflows/gate", ACME, null, null);
      assertEquals(200, deleted.statusCode(), deleted.body());
      assertEquals(200, api.call("DELETE", "/workflows/gate", ACME, null, null).statusCode());
      assertEquals(List.of(), api.names("workflows", ACME));
      assertEquals(List.of("gate"), api.names("workflows", GLOBEX));
      assertEquals(404, api.startRun("gate", "new", ACME).statusCode());

      // The run in flight finishes on its version; the other tenant's workflow still runs.
      assertEquals(
          202,
          api.call(
                  "POST",
                  "/workflows/gate/runs/old/events",
                  ACME,
                  "application/json",
                  "{\"type\": \"io.tramontane.approval.granted\"}")
              .statusCode());
      JsonNode old =
          api.await(
              "/workflows/gate/runs/old", ACME, r -> "completed".equals(r.path("status").asText()));
      assertEquals("v1", old.path("output").path("ranVersion").asText());
      assertEquals(202, api.startRun("gate", "g1", GLOBEX).statusCode());
    }
  }

  /**
   * An uploaded agent is stored: after a restart of the server process it is still there, and a
   * session keeps the version it started with after the definition is replaced, deleted and the
   * server restarted again.
   */
  @Test
  void anUploadedAgentIsStoredAndSessionsKeepTheirVersion(@TempDir Path dir) throws Exception {
    Path work = Files.createDirectories(dir.resolve("work"));
    TestDatabase db = database(dir.resolve("data"));
    try (ServerProcess server = new ServerProcess(work, db)) {
      Api api = new Api(server::uri);
      server.start();
      server.awaitReady(Duration.ofSeconds(300));
      String v1 = version(api.putAgent("pinned", ACME, AGENT.formatted("pinned", "one", "")));
      version(api.putAgent("pinned", GLOBEX, AGENT.formatted("pinned", "theirs", "")));
      assertEquals(200, api.say("pinned", "s1", ACME, "hello").statusCode());
      assertEquals(
          200, api.putWorkflow("kept", ACME, WORKFLOW.formatted("kept", "acme")).statusCode());
      String v2 = version(api.putAgent("pinned", ACME, AGENT.formatted("pinned", "two", "")));
      assertFalse(v1.equals(v2));
      assertEquals(200, api.say("pinned", "s2", ACME, "hello").statusCode());

      restart(server);

      JsonNode listed = api.json("/agents", ACME);
      assertEquals(
          List.of(v2), listed.path("agents").findValuesAsText("version"), listed.toString());
      assertEquals(
          "theirs", api.json("/agents", GLOBEX).path("agents").get(0).path("description").asText());
      assertEquals(List.of("kept"), api.names("workflows", ACME));
      assertEquals(List.of(), api.names("workflows", GLOBEX));
      HttpResponse<String> again = api.say("pinned", "s1", ACME, "still there?");
      assertEquals(200, again.statusCode(), again.body());
      assertEquals(v1, api.sessionVersion("pinned", "s1", ACME));
      assertEquals(v2, api.sessionVersion("pinned", "s2", ACME));

      HttpResponse<String> deleted = api.call("DELETE", "/agents/pinned", ACME, null, null);
      assertEquals(200, deleted.statusCode(), deleted.body());
      assertEquals(200, api.call("DELETE", "/agents/pinned", ACME, null, null).statusCode());
      assertEquals(List.of(), api.names("agents", ACME));
      assertEquals(List.of("pinned"), api.names("agents", GLOBEX));
      assertEquals(404, api.say("pinned", "s3", ACME, "hello").statusCode());
      HttpResponse<String> pinned = api.say("pinned", "s1", ACME, "after the deletion");
      assertEquals(200, pinned.statusCode(), pinned.body());
      assertEquals(v1, api.sessionVersion("pinned", "s1", ACME));

      restart(server);
      assertEquals(List.of(), api.names("agents", ACME));
      assertEquals(404, api.say("pinned", "s4", ACME, "hello").statusCode());
      HttpResponse<String> later = api.say("pinned", "s2", ACME, "after the restart");
      assertEquals(200, later.statusCode(), later.body());
      assertEquals(v2, api.sessionVersion("pinned", "s2", ACME));
      assertEquals(200, api.say("pinned", "g1", GLOBEX, "hello").statusCode());
    }
    // Offline replay of a session of the deleted agent reads its pinned version from the journal.
    StringBuilder conf = new StringBuilder();
    for (Map.Entry<String, Object> e : db.overrides().entrySet()) {
      conf.append(e.getKey()).append(" = ").append(JSON.writeValueAsString(e.getValue()));
      conf.append('\n');
    }
    Path file = Files.writeString(dir.resolve("replay.conf"), conf);
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    int exit =
        io.tramontane.server.cli.Main.run(
            new java.io.PrintWriter(out, true),
            new java.io.PrintWriter(err, true),
            "replay",
            "pinned",
            "s1",
            "--tenant",
            "acme",
            "--config",
            file.toString());
    assertEquals(0, exit, out + "\n" + err);
    assertTrue(out.toString().contains("Replayed session s1 of agent pinned"), out.toString());
    assertTrue(out.toString().contains("The agent is deleted"), out.toString());
  }

  /** A graceful stop (SIGTERM) and a start on the same database. */
  static void restart(ServerProcess server) throws Exception {
    int code = server.terminate(Duration.ofSeconds(60));
    assertTrue(code == 0 || code == 143, "exit code " + code + ": " + server.logTail());
    server.start();
    server.awaitReady(Duration.ofSeconds(300));
  }
}
