package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tramontane.server.testing.TestDatabase;
import io.tramontane.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 items 3 and 4, over real HTTP: request bodies are read strictly into records (an unknown
 * field is a 400 naming it and the fields there are; a wrong type names the field and what it must
 * be, in words, without the parser's internals); a definition that cannot be used is one problem
 * type whether it is an agent's or a workflow's; an entity's refusal reaches the client with the
 * status of its kind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TypedEdgeIT {

  static final ObjectMapper JSON = new ObjectMapper();

  TestServer server;

  @BeforeAll
  void start(@TempDir Path dir) {
    server = TestServer.start(TestDatabase.h2(dir.resolve("data")));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  HttpResponse<String> send(String method, String path, String type, String body) throws Exception {
    return server.send(
        HttpRequest.newBuilder(server.uri(path))
            .header("Authorization", "Bearer " + TestServer.ACME_KEY)
            .header("Content-Type", type)
            .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .timeout(Duration.ofSeconds(60))
            .build());
  }

  static JsonNode problem(HttpResponse<String> r, int status, String what) throws Exception {
    assertEquals(status, r.statusCode(), what + ": " + r.body());
    assertEquals(
        "application/problem+json", r.headers().firstValue("content-type").orElseThrow(), what);
    JsonNode p = JSON.readTree(r.body());
    assertEquals(status, p.path("status").asInt(), what + ": " + r.body());
    String detail = p.path("detail").asText();
    for (String internal : List.of("Cannot deserialize", "java.", "io.tramontane", "Jackson")) {
      assertFalse(detail.contains(internal), what + ": parser internals: " + detail);
    }
    return p;
  }

  @Test
  void anUnknownFieldIs400NamingItAndTheFieldsThereAre() throws Exception {
    record Case(String path, String body, String field, String accepted) {}
    String session = "/agents/handbook/sessions/s1";
    List<Case> cases =
        List.of(
            new Case(
                "/collections/kb/search",
                "{\"query\": \"x\", \"limit\": 3}",
                "'limit'",
                "k, mode, principals, query"),
            new Case(
                session + "/messages",
                "{\"text\": \"hi\", \"principal\": \"alice\"}",
                "'principal'",
                "principals, text, wait"),
            new Case(
                session + "/decisions",
                "{\"key\": \"k\", \"approve\": true, \"because\": \"x\"}",
                "'because'",
                "approve, key, reason"),
            new Case(
                "/events",
                "{\"id\": \"1\", \"source\": \"s\", \"type\": \"t\", \"datacontentype\": \"x\"}",
                "'datacontentype'",
                "data, datacontenttype, dataschema, id, source, specversion, subject, time,"
                    + " type"));
    for (Case c : cases) {
      JsonNode p = problem(send("POST", c.path(), "application/json", c.body()), 400, c.path());
      String detail = p.path("detail").asText();
      assertTrue(detail.contains("unknown field " + c.field()), c.path() + ": " + detail);
      assertTrue(detail.contains("accepted: " + c.accepted()), c.path() + ": " + detail);
    }
  }

  @Test
  void aValueOfTheWrongTypeNamesTheFieldAndWhatItMustBe() throws Exception {
    record Case(String path, String body, String expected) {}
    List<Case> cases =
        List.of(
            new Case("/collections/kb/search", "{\"query\": 5}", "'query' must be a string"),
            new Case(
                "/collections/kb/search",
                "{\"query\": \"x\", \"k\": \"5\"}",
                "'k' must be a whole number"),
            new Case(
                "/collections/kb/search",
                "{\"query\": \"x\", \"principals\": [\"alice\", 7]}",
                "'principals[1]' must be a string"),
            new Case(
                "/collections/kb/search",
                "{\"query\": \"x\", \"principals\": \"alice\"}",
                "'principals' must be an array"),
            new Case(
                "/agents/handbook/sessions/s1/messages",
                "{\"text\": \"hi\", \"wait\": \"no\"}",
                "'wait' must be true or false"),
            new Case("/events", "[1, 2]", "the event must be a JSON object"));
    for (Case c : cases) {
      JsonNode p = problem(send("POST", c.path(), "application/json", c.body()), 400, c.body());
      assertTrue(
          p.path("detail").asText().contains(c.expected()), c.body() + ": " + p.path("detail"));
    }
  }

  @Test
  void aDefinitionErrorHasOneShapeForAgentsAndWorkflows() throws Exception {
    String agent = "name: kb\ndescription: d\ninstructions: i\ntoolz: [retrieve]\n";
    String workflow =
        "document: {dsl: '1.0.0', namespace: t, name: x, version: '1.0.0'}\n"
            + "do:\n  - shell:\n      run: {shell: {command: ls}}\n";
    List<JsonNode> problems = new ArrayList<>();
    problems.add(problem(send("PUT", "/agents/kb", "application/yaml", agent), 400, "agent"));
    problems.add(
        problem(send("PUT", "/workflows/x", "application/yaml", workflow), 400, "workflow PUT"));
    problems.add(
        problem(
            send("POST", "/workflows/validate", "application/yaml", workflow),
            400,
            "workflow validate"));
    for (JsonNode p : problems) {
      assertEquals("urn:tramontane:problem:invalid-definition", p.path("type").asText(), "" + p);
      assertEquals("Invalid Definition", p.path("title").asText(), "" + p);
      assertFalse(p.path("valid").asBoolean(true), "" + p);
      JsonNode first = p.path("problems").path(0);
      for (String member : List.of("file", "line", "column", "message", "hint")) {
        assertTrue(first.has(member), member + " in " + p);
      }
      assertTrue(first.path("line").isInt() && first.path("column").isInt(), "" + p);
      // Every mistake says how to fix it, apart from what is wrong.
      assertFalse(first.path("hint").asText().isBlank(), "hint in " + p);
      assertFalse(first.path("message").asText().contains(first.path("hint").asText()), "" + p);
    }
    JsonNode agentError = problems.getFirst().path("problems").path(0);
    assertEquals("PUT /agents/kb", agentError.path("file").asText(), "" + agentError);
    assertEquals(4, agentError.path("line").asInt(), "" + agentError);
    assertTrue(agentError.path("message").asText().contains("toolz"), "" + agentError);
    assertTrue(agentError.path("hint").asText().contains("known keys"), "" + agentError);
    JsonNode workflowError = problems.get(1).path("problems").path(0);
    assertEquals(4, workflowError.path("line").asInt(), "" + workflowError);
    assertEquals(13, workflowError.path("column").asInt(), "" + workflowError);
  }

  @Test
  void aJsonRouteRefusesABodySentAsAnotherType() throws Exception {
    String search = "{\"query\": \"harbour\", \"mode\": \"bm25\"}";
    for (String type :
        List.of(
            "text/plain", "application/xml", "application/x-www-form-urlencoded", "image/png")) {
      for (String path :
          List.of(
              "/collections/kb/search",
              "/events",
              "/workflows/x/runs/r1",
              "/agents/kb/sessions/s1/messages")) {
        JsonNode p = problem(send("POST", path, type, search), 415, type + " to " + path);
        assertTrue(p.path("detail").asText().contains("application/json"), p.toString());
      }
    }
    // Without a Content-Type the body is read as JSON: here, an unknown collection.
    HttpResponse<String> untyped =
        server.send(
            HttpRequest.newBuilder(server.uri("/collections/no-such-kb/search"))
                .header("Authorization", "Bearer " + TestServer.ACME_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(search))
                .build());
    assertEquals(404, untyped.statusCode(), untyped.body());
    assertEquals(
        404,
        send("POST", "/collections/no-such-kb/search", "application/json; charset=utf-8", search)
            .statusCode());
  }

  @Test
  void theSameRunNameWithAnotherInputIsAConflictNotTheOldRun() throws Exception {
    String flow =
        "document: {dsl: '1.0.0', namespace: t, name: once, version: '1.0.0'}\n"
            + "do:\n  - s: {set: {done: true}}\n";
    assertEquals(200, send("PUT", "/workflows/once", "application/yaml", flow).statusCode());
    String path = "/workflows/once/runs/r1";
    assertEquals(202, send("POST", path, "application/json", "{\"a\": 1, \"b\": 2}").statusCode());
    // The same input again (keys in another order) is the same request: the same run.
    assertEquals(202, send("POST", path, "application/json", "{\"b\": 2, \"a\": 1}").statusCode());
    JsonNode p = problem(send("POST", path, "application/json", "{\"a\": 2}"), 409, "new input");
    assertTrue(p.path("detail").asText().contains("another input"), p.toString());
  }

  @Test
  void aMalformedLastEventIdIsRefusedNamingTheHeaderOnEveryStream() throws Exception {
    for (String path : List.of("/agents/kb/sessions/s1/events", "/workflows/once/runs/r1/stream")) {
      HttpResponse<String> r =
          server.send(
              HttpRequest.newBuilder(server.uri(path))
                  .header("Authorization", "Bearer " + TestServer.ACME_KEY)
                  .header("Last-Event-ID", "abc")
                  .timeout(Duration.ofSeconds(30))
                  .build());
      JsonNode p = problem(r, 400, path);
      assertTrue(p.path("detail").asText().contains("Last-Event-ID"), p.toString());
    }
  }

  @Test
  void whatTheJournalCouldNotStoreAsSentIsRefusedAtTheEdge() throws Exception {
    Map<String, String> runInputs = new java.util.LinkedHashMap<>();
    runInputs.put("{\"x\": {\"y\": \"\\udc00abc\"}}", "unpaired UTF-16 surrogate");
    runInputs.put("{\"n\": 1e99999}", "too large to store");
    runInputs.put("{\"a\": 1} trailing", "not valid JSON");
    for (Map.Entry<String, String> c : runInputs.entrySet()) {
      for (String path : List.of("/workflows/x/runs/r1", "/events")) {
        String body =
            path.equals("/events")
                ? "{\"id\": \"e1\", \"source\": \"s\", \"type\": \"t\", \"data\": "
                    + c.getKey()
                    + "}"
                : c.getKey();
        JsonNode p = problem(send("POST", path, "application/json", body), 400, path + " " + body);
        assertTrue(p.path("detail").asText().contains(c.getValue()), body + " -> " + p);
      }
    }
  }

  @Test
  void malformedJsonIsDescribedInWordsNotInTheParsersText() throws Exception {
    Map<String, String> cases = new java.util.LinkedHashMap<>();
    cases.put("{\"query\": \"x\", \"k\": 99999999999999999999}", "'k' is out of range");
    cases.put("<q/>", "unexpected character '<'");
    cases.put("{\"query\": \"x\",", "ends before the JSON value is complete");
    cases.put("hello", "'hello' is not a JSON value");
    cases.put("{\"query\": \"x\", \"query\": \"y\"}", "the field 'query' is given twice");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      JsonNode p =
          problem(
              send("POST", "/collections/kb/search", "application/json", c.getKey()),
              400,
              c.getKey());
      String detail = p.path("detail").asText();
      assertTrue(detail.contains(c.getValue()), c.getKey() + " -> " + detail);
      for (String internal :
          List.of(
              "Numeric value",
              "Unexpected character (",
              "end-of-input",
              "Unrecognized token",
              "Duplicate field",
              "code 60")) {
        assertFalse(detail.contains(internal), c.getKey() + " -> " + detail);
      }
    }
  }

  @Test
  void aNameThatDiffersFromThePathIsADefinitionProblemAtTheName() throws Exception {
    String agent = "description: d\ninstructions: i\nname: desk\n";
    String workflow =
        "document:\n  dsl: '1.0.0'\n  namespace: t\n  name: other\n  version: '1.0.0'\n"
            + "do:\n  - s: {set: {a: 1}}\n";
    JsonNode agentProblem =
        problem(send("PUT", "/agents/helpdesk", "application/yaml", agent), 400, "agent name");
    JsonNode workflowProblem =
        problem(send("PUT", "/workflows/renamed", "application/yaml", workflow), 400, "wf name");
    for (JsonNode p : List.of(agentProblem, workflowProblem)) {
      assertEquals("urn:tramontane:problem:invalid-definition", p.path("type").asText(), "" + p);
      JsonNode first = p.path("problems").path(0);
      assertTrue(first.path("message").asText().contains("differs from the path"), "" + p);
      assertTrue(first.path("hint").asText().contains("nothing was deployed"), "" + p);
    }
    JsonNode a = agentProblem.path("problems").path(0);
    assertEquals(3, a.path("line").asInt(), "the line of name: " + a);
    assertEquals(7, a.path("column").asInt(), "the name's value: " + a);
    assertTrue(a.path("hint").asText().contains("/agents/desk"), "" + a);
    JsonNode w = workflowProblem.path("problems").path(0);
    assertEquals(4, w.path("line").asInt(), "the line of document.name: " + w);
    assertTrue(w.path("hint").asText().contains("/workflows/other"), "" + w);
    // Nothing was deployed under either name.
    String agents = server.get("/agents", TestServer.ACME_KEY).body();
    String workflows = server.get("/workflows", TestServer.ACME_KEY).body();
    for (String name : List.of("helpdesk", "\"desk\"")) {
      assertFalse(agents.contains(name), agents);
    }
    for (String name : List.of("renamed", "\"other\"")) {
      assertFalse(workflows.contains(name), workflows);
    }
  }

  @Test
  void anEntitysRefusalHasTheStatusOfItsKind() throws Exception {
    String agent =
        "name: kb\ndescription: d\ninstructions: i\ntools: [retrieve]\ncollections: [kb]\n";
    assertEquals(200, send("PUT", "/agents/kb", "application/yaml", agent).statusCode());
    // A session with no turn running refuses a cancel: a conflict with its state, 409.
    JsonNode conflict =
        problem(send("POST", "/agents/kb/sessions/idle/cancel", "application/json", ""), 409, "");
    assertTrue(conflict.path("detail").asText().contains("no turn is running"), "" + conflict);
    // A run that has ended (or been cancelled) refuses a cancel: 409 as well.
    String workflow =
        "document: {dsl: '1.0.0', namespace: t, name: total, version: '1.0.0'}\n"
            + "do:\n  - sum:\n      set: {total: 1}\n";
    assertEquals(200, send("PUT", "/workflows/total", "application/yaml", workflow).statusCode());
    assertEquals(
        202, send("POST", "/workflows/total/runs/r1", "application/json", "{}").statusCode());
    JsonNode ended = null;
    for (int i = 0; i < 100 && ended == null; i++) {
      HttpResponse<String> r =
          send("POST", "/workflows/total/runs/r1/cancel", "application/json", "");
      if (r.statusCode() == 409) {
        ended = problem(r, 409, "cancel of an ended run");
      } else {
        Thread.sleep(100);
      }
    }
    assertTrue(
        ended != null && ended.path("detail").asText().contains("not running"),
        "a run that completed refuses a cancel with 409: " + ended);
  }

  HttpResponse<String> sendBytes(String method, String path, byte[] body) throws Exception {
    return server.send(
        HttpRequest.newBuilder(server.uri(path))
            .header("Authorization", "Bearer " + TestServer.ACME_KEY)
            .header("Content-Type", "application/yaml")
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
            .timeout(Duration.ofSeconds(60))
            .build());
  }

  static byte[] withBadByte(String yaml, String marker) {
    byte[] text = yaml.getBytes(StandardCharsets.UTF_8);
    int at = yaml.indexOf(marker);
    byte[] out = new byte[text.length + 2];
    System.arraycopy(text, 0, out, 0, at);
    out[at] = (byte) 0xff;
    out[at + 1] = (byte) 0xfe;
    System.arraycopy(text, at, out, at + 2, text.length - at);
    return out;
  }

  @Test
  void aDefinitionThatIsNotUtf8IsRefusedWhereTheBadByteIsAndChangesNothing() throws Exception {
    String agent =
        "name: enc\ndescription: fine\ninstructions: i\ntools: [retrieve]\ncollections: [kb]\n";
    assertEquals(200, send("PUT", "/agents/enc", "application/yaml", agent).statusCode());
    String before = send("GET", "/agents", "application/json", "").body();
    JsonNode agentProblem =
        problem(sendBytes("PUT", "/agents/enc", withBadByte(agent, "fine")), 400, "agent");
    JsonNode first = agentProblem.path("problems").path(0);
    assertEquals(2, first.path("line").asInt(), "" + agentProblem);
    assertEquals(14, first.path("column").asInt(), "" + agentProblem);
    assertTrue(first.path("message").asText().contains("UTF-8"), "" + agentProblem);
    assertEquals(before, send("GET", "/agents", "application/json", "").body());

    String workflow =
        "document: {dsl: '1.0.0', namespace: t, name: enc, version: '1.0.0', title: 'ok'}\n"
            + "do:\n  - sum:\n      set: {total: 1}\n";
    JsonNode workflowProblem =
        problem(sendBytes("PUT", "/workflows/enc", withBadByte(workflow, "ok")), 400, "workflow");
    assertEquals(1, workflowProblem.path("problems").path(0).path("line").asInt());
    assertTrue(
        workflowProblem.path("problems").path(0).path("message").asText().contains("UTF-8"),
        "" + workflowProblem);
    assertEquals(404, send("GET", "/workflows/enc/runs/none", "application/json", "").statusCode());
  }

  @Test
  void aRunThatNeverStartedIsNotFoundForCancelAndEvents() throws Exception {
    String workflow =
        "document: {dsl: '1.0.0', namespace: t, name: known, version: '1.0.0'}\n"
            + "do:\n  - sum:\n      set: {total: 1}\n";
    assertEquals(200, send("PUT", "/workflows/known", "application/yaml", workflow).statusCode());
    JsonNode cancel =
        problem(
            send("POST", "/workflows/known/runs/never/cancel", "application/json", ""),
            404,
            "cancel of a run that never started");
    assertTrue(cancel.path("detail").asText().contains("never"), "" + cancel);
    problem(
        send(
            "POST",
            "/workflows/known/runs/never/events",
            "application/json",
            "{\"id\": \"e1\", \"type\": \"t\"}"),
        404,
        "an event for a run that never started");
  }

  @Test
  void jsonNestedTooDeeplyIsRefusedInWords() throws Exception {
    String workflow =
        "document: {dsl: '1.0.0', namespace: t, name: known, version: '1.0.0'}\n"
            + "do:\n  - sum:\n      set: {total: 1}\n";
    assertEquals(200, send("PUT", "/workflows/known", "application/yaml", workflow).statusCode());
    String deep = "[".repeat(1100) + "]".repeat(1100);
    JsonNode p =
        problem(send("POST", "/workflows/known/runs/deep", "application/json", deep), 400, "deep");
    String detail = p.path("detail").asText();
    assertTrue(detail.contains("nested too deeply"), detail);
    assertFalse(detail.contains("StreamReadConstraints"), detail);
    // Inside a typed body too: an event's data, a run's event.
    String event = "{\"id\": \"d1\", \"source\": \"s\", \"type\": \"t\", \"data\": " + deep + "}";
    for (String path : List.of("/events", "/workflows/known/runs/deep/events")) {
      String d =
          problem(send("POST", path, "application/json", event), 400, path).path("detail").asText();
      assertTrue(d.contains("nested too deeply"), path + ": " + d);
      assertFalse(d.contains("StreamReadConstraints"), path + ": " + d);
    }
  }
}
