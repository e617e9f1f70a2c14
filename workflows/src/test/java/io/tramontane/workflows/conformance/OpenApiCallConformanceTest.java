package io.tramontane.workflows.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tramontane.core.outbound.OutboundHttp;
import io.tramontane.core.outbound.OutboundPolicy;
import io.tramontane.workflows.call.CallHandler;
import io.tramontane.workflows.call.HttpCall;
import io.tramontane.workflows.call.OpenApiCall;
import io.tramontane.workflows.definition.WorkflowDefinitions;
import io.tramontane.workflows.node.NodeEffects;
import io.tramontane.workflows.run.Interpreter;
import io.tramontane.workflows.run.Replay;
import io.tramontane.workflows.run.WorkflowError;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code call: openapi} as dsl-reference.md "OpenAPI Call" (DSL 1.0.x) says: the operation named
 * {@code operationId} in the OpenAPI 3 document at {@code document.endpoint}, its {@code
 * parameters} placed where the operation declares them, {@code output} and {@code redirect} as for
 * "HTTP Call". Over real loopback HTTP: a JDK HTTP server on 127.0.0.1 serves both the document
 * (written here) and the API; each case asserts what the server received and the run's output.
 */
class OpenApiCallConformanceTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final WorkflowDefinitions DEFINITIONS = new WorkflowDefinitions();

  /** An OpenAPI 3.0 document; its server URL is relative, so it resolves against the doc's URL. */
  static final String PETSTORE =
      """
      {"openapi": "3.0.3",
       "info": {"title": "pets", "version": "1"},
       "servers": [{"url": "/api/v1"}],
       "paths": {
         "/pets/{petId}": {
           "get": {"operationId": "getPet",
             "parameters": [
               {"name": "petId", "in": "path", "required": true, "schema": {"type": "string"}},
               {"name": "verbose", "in": "query", "schema": {"type": "boolean"}},
               {"name": "X-Request-Id", "in": "header", "schema": {"type": "string"}},
               {"name": "session", "in": "cookie", "schema": {"type": "string"}}],
             "responses": {"200": {"description": "a pet"}}}},
         "/pets": {
           "parameters": [{"$ref": "#/components/parameters/Tenant"}],
           "get": {"operationId": "findPets",
             "parameters": [
               {"name": "tags", "in": "query", "required": true,
                "schema": {"type": "array", "items": {"type": "string"}}}],
             "responses": {"200": {"description": "pets"}}},
           "post": {"operationId": "addPet",
             "requestBody": {"required": true,
               "content": {"application/json": {"schema": {"type": "object"}}}},
             "responses": {"200": {"description": "added"}}}},
         "/pets/{petId}/notes": {
           "post": {"operationId": "addNote",
             "parameters": [
               {"name": "petId", "in": "path", "required": true, "schema": {"type": "integer"}}],
             "requestBody": {"$ref": "#/components/requestBodies/Note"},
             "responses": {"200": {"description": "added"}}}},
         "/remote": {
           "get": {"operationId": "remoteRef",
             "parameters": [{"$ref": "https://elsewhere.example/parameters.json#/Id"}],
             "responses": {"200": {"description": "x"}}}},
         "/moved": {
           "get": {"operationId": "moved", "responses": {"302": {"description": "moved"}}}}},
       "components": {
         "parameters": {
           "Tenant": {"name": "tenant", "in": "query", "schema": {"type": "string"}}},
         "requestBodies": {
           "Note": {"content": {"application/x-www-form-urlencoded": {
             "schema": {"type": "object"}}}}}}}
      """;

  /** The same API as YAML, with an absolute server URL. */
  static final String PETSTORE_YAML =
      """
      openapi: 3.1.0
      info: {title: pets, version: '1'}
      servers:
        - url: http://127.0.0.1:@PORT@/yaml/v2
      paths:
        /pets/{petId}:
          get:
            operationId: getPet
            parameters:
              - {name: petId, in: path, required: true, schema: {type: integer}}
            responses: {'200': {description: a pet}}
      """;

  /** One request as the server saw it. */
  record Received(
      String method, String path, String query, Map<String, String> headers, String body) {}

  final List<Received> received = new CopyOnWriteArrayList<>();
  HttpServer server;
  int port;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::answer);
    server.start();
    port = server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void answer(HttpExchange ex) throws IOException {
    Map<String, String> headers = new HashMap<>();
    ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(", ", v)));
    String path = ex.getRequestURI().getRawPath();
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    received.add(
        new Received(ex.getRequestMethod(), path, ex.getRequestURI().getRawQuery(), headers, body));
    switch (path) {
      case "/openapi.json" -> send(ex, 200, "application/json", PETSTORE);
      case "/openapi.yaml" ->
          send(ex, 200, "application/yaml", PETSTORE_YAML.replace("@PORT@", "" + port));
      case "/swagger.json" ->
          send(ex, 200, "application/json", "{\"swagger\": \"2.0\", \"paths\": {}}");
      case "/huge.json" ->
          send(ex, 200, "application/json", "{\"x\": \"" + "a".repeat(3000) + "\"}");
      case "/api/v1/moved" -> {
        ex.getResponseHeaders().add("Location", "/api/v1/pets/1");
        ex.sendResponseHeaders(302, -1);
      }
      default -> send(ex, 200, "application/json", "{\"id\": 7, \"name\": \"milou\"}");
    }
    ex.close();
  }

  private static void send(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
  }

  static String workflow(String with) {
    return """
        document: {dsl: '1.0.0', namespace: conformance, name: openapi, version: '1.0.0'}
        do:
          - findPet:
              call: openapi
              with:
        """
        + with.indent(8);
  }

  JsonNode run(String yaml, String input) throws Exception {
    return run(yaml, input, new HashMap<>(), HttpCallConformanceTest.loopbackCall());
  }

  /** Validates {@code yaml} (must be valid), runs it on {@code input} with {@code journal}. */
  JsonNode run(String yaml, String input, Map<String, JsonNode> journal, HttpCall http)
      throws Exception {
    byte[] bytes = yaml.replace("@PORT@", String.valueOf(port)).getBytes(StandardCharsets.UTF_8);
    assertEquals(List.of(), DEFINITIONS.validate("case.yaml", bytes));
    JsonNode tree = DEFINITIONS.parse("case.yaml", bytes).tree();
    Replay.Journal memory =
        new Replay.Journal() {
          @Override
          public Optional<JsonNode> recorded(String key) {
            return Optional.ofNullable(journal.get(key));
          }

          @Override
          public void record(String key, JsonNode outcome) {
            journal.put(key, outcome);
          }
        };
    List<CallHandler> calls = List.of(http, new OpenApiCall(http));
    NodeEffects live = new NodeEffects("t/w/r1", "t", calls);
    return Interpreter.run(tree, JSON.readTree(input), new Replay(memory, live, Clock.systemUTC()))
        .output();
  }

  WorkflowError fails(String yaml, String input) {
    return assertThrows(WorkflowError.class, () -> run(yaml, input));
  }

  List<Received> apiRequests() {
    return received.stream().filter(r -> !r.path().startsWith("/openapi")).toList();
  }

  // dsl-reference.md "OpenAPI Call": document (an external resource), operationId, parameters
  // (name/value). Each parameter goes where the operation declares it (OpenAPI 3 "Parameter
  // Object" in: path, query, header, cookie); the server URL is relative to the document's URL.
  @Test
  void parametersGoWhereTheOperationDeclaresThem() throws Exception {
    JsonNode out =
        run(
            workflow(
                """
                document:
                  endpoint: http://127.0.0.1:@PORT@/openapi.json
                operationId: getPet
                parameters:
                  petId: ${ .id }
                  verbose: true
                  X-Request-Id: req-1
                  session: s 1
                """),
            "{\"id\": \"rex 7/b\"}");
    assertEquals("/openapi.json", received.getFirst().path());
    Received api = apiRequests().getFirst();
    assertEquals("GET", api.method());
    assertEquals("/api/v1/pets/rex%207%2Fb", api.path());
    assertEquals("verbose=true", api.query());
    assertEquals("req-1", api.headers().get("x-request-id"));
    assertEquals("session=s%201", api.headers().get("cookie"));
    assertEquals(JSON.readTree("{\"id\": 7, \"name\": \"milou\"}"), out);
  }

  // "OpenAPI Call" parameters + OpenAPI 3 path-item parameters ($ref to components): an array
  // query parameter (style form, explode true) repeats; the path-level parameter is declared too.
  @Test
  void pathItemParametersByReferenceAndArraysInTheQuery() throws Exception {
    run(
        workflow(
            """
            document:
              endpoint: {uri: 'http://127.0.0.1:@PORT@/openapi.json'}
            operationId: findPets
            parameters: {tags: [a, b c], tenant: acme}
            """),
        "{}");
    Received api = apiRequests().getFirst();
    assertEquals("/api/v1/pets", api.path());
    assertEquals("tags=a&tags=b%20c&tenant=acme", api.query());
  }

  // "OpenAPI Call": an operation with a requestBody takes it from the parameter 'body' (sent as
  // the operation's media type, here JSON); output: response as in "HTTP Response".
  @Test
  void requestBodyFromTheBodyParameterAndResponseOutput() throws Exception {
    JsonNode out =
        run(
            workflow(
                """
                document:
                  endpoint: http://127.0.0.1:@PORT@/openapi.json
                operationId: addPet
                parameters:
                  body: {name: milou, tags: [dog]}
                output: response
                """),
            "{}");
    Received api = apiRequests().getFirst();
    assertEquals("POST", api.method());
    assertEquals("/api/v1/pets", api.path());
    assertEquals("application/json", api.headers().get("content-type"));
    assertEquals(
        JSON.readTree("{\"name\": \"milou\", \"tags\": [\"dog\"]}"), JSON.readTree(api.body()));
    assertEquals(200, out.path("statusCode").asInt());
    assertEquals(
        "post", out.path("request").path("method").asText()); // as "HTTP Response" shows it
    assertEquals(
        "http://127.0.0.1:" + port + "/api/v1/pets", out.path("request").path("uri").asText());
    assertEquals("milou", out.path("content").path("name").asText());
  }

  // "OpenAPI Call": the document may be YAML (OpenAPI 3.1 here) with an absolute server URL.
  @Test
  void aYamlDocumentWithAnAbsoluteServer() throws Exception {
    run(
        workflow(
            """
            document:
              endpoint: http://127.0.0.1:@PORT@/openapi.yaml
            operationId: getPet
            parameters: {petId: 42}
            """),
        "{}");
    assertEquals("/yaml/v2/pets/42", apiRequests().getFirst().path());
  }

  // "OpenAPI Call" redirect: default false, so a 3xx is the communication error with its status.
  @Test
  void aRedirectIsACommunicationErrorByDefault() {
    WorkflowError e =
        fails(
            workflow(
                """
                document:
                  endpoint: http://127.0.0.1:@PORT@/openapi.json
                operationId: moved
                """),
            "{}");
    assertEquals(WorkflowError.COMMUNICATION, e.type());
    assertEquals(302, e.status());
    assertEquals("/do/0/findPet", e.instance());
  }

  // The document is read once per run for all its calls, and a replay of a recorded run returns
  // the recorded outcomes without fetching the document or calling the API again (dsl.md
  // "Workflow": a run's effects are durable here; Replay records each call's outcome).
  @Test
  void theDocumentIsReadOnceAndAReplayDoesNotFetchIt() throws Exception {
    String twice =
        """
        document: {dsl: '1.0.0', namespace: conformance, name: openapi, version: '1.0.0'}
        do:
          - first:
              call: openapi
              with:
                document: {endpoint: 'http://127.0.0.1:@PORT@/openapi.json'}
                operationId: getPet
                parameters: {petId: a}
          - second:
              call: openapi
              with:
                document: {endpoint: 'http://127.0.0.1:@PORT@/openapi.json'}
                operationId: getPet
                parameters: {petId: b}
        """;
    Map<String, JsonNode> journal = new HashMap<>();
    JsonNode out = run(twice, "{}", journal, HttpCallConformanceTest.loopbackCall());
    assertEquals(
        List.of("/openapi.json", "/api/v1/pets/a", "/api/v1/pets/b"),
        received.stream().map(Received::path).toList());
    received.clear();
    assertEquals(out, run(twice, "{}", journal, HttpCallConformanceTest.loopbackCall()));
    assertEquals(List.of(), received);
  }

  // A clear run error naming the task: an operationId the document does not have …
  @Test
  void anUnknownOperationIsARunError() {
    WorkflowError e =
        fails(
            workflow(
                """
                document: {endpoint: 'http://127.0.0.1:@PORT@/openapi.json'}
                operationId: deletePet
                """),
            "{}");
    assertEquals("/do/0/findPet", e.instance());
    assertEquals("Unknown operation", e.title());
    assertTrue(e.detail().contains("'deletePet'") && e.detail().contains("addPet"), e.detail());
    assertEquals(List.of(), apiRequests());
  }

  // … a required parameter left out …
  @Test
  void aMissingRequiredParameterIsARunError() {
    WorkflowError e =
        fails(
            workflow(
                """
                document: {endpoint: 'http://127.0.0.1:@PORT@/openapi.json'}
                operationId: getPet
                parameters: {verbose: true}
                """),
            "{}");
    assertEquals(400, e.status());
    assertEquals("Missing parameter", e.title());
    assertTrue(e.detail().contains("'petId'") && e.detail().contains("path"), e.detail());
    assertEquals(List.of(), apiRequests());
  }

  // … and a parameter the operation does not declare.
  @Test
  void anUndeclaredParameterIsARunError() {
    WorkflowError e =
        fails(
            workflow(
                """
                document: {endpoint: 'http://127.0.0.1:@PORT@/openapi.json'}
                operationId: getPet
                parameters: {petId: 1, colour: red}
                """),
            "{}");
    assertEquals("Unknown parameter", e.title());
    assertTrue(e.detail().contains("'colour'") && e.detail().contains("petId"), e.detail());
    assertEquals(List.of(), apiRequests());
  }

  // The document is OpenAPI 3: a Swagger 2.0 document is refused with a clear error.
  @Test
  void aSwagger2DocumentIsRefused() {
    WorkflowError e =
        fails(
            workflow(
                """
                document: {endpoint: 'http://127.0.0.1:@PORT@/swagger.json'}
                operationId: getPet
                """),
            "{}");
    assertEquals("Bad OpenAPI document", e.title());
    assertTrue(e.detail().contains("OpenAPI 3"), e.detail());
  }

  // The document is fetched through the same outbound policy as call: http: a host off the
  // allowlist is refused before any request …
  @Test
  void aDocumentOffTheAllowlistIsRefused() {
    HttpCall onlyElsewhere =
        HttpCallConformanceTest.call(List.of("pets.example"), true, InetAddress::getAllByName);
    WorkflowError e =
        assertThrows(
            WorkflowError.class,
            () ->
                run(
                    workflow(
                        """
                        document: {endpoint: 'http://127.0.0.1:@PORT@/openapi.json'}
                        operationId: getPet
                        """),
                    "{}",
                    new HashMap<>(),
                    onlyElsewhere));
    assertEquals(WorkflowError.COMMUNICATION, e.type());
    assertEquals(403, e.status());
    assertEquals(List.of(), received);
  }

  // … and a document over the policy's response size is refused.
  @Test
  void aDocumentOverTheSizeLimitIsRefused() {
    HttpCall small =
        new HttpCall(
            new OutboundHttp(
                new OutboundPolicy(
                    HttpCall.KEY,
                    List.of("127.0.0.1"),
                    true,
                    1 << 20,
                    2048,
                    Duration.ofSeconds(10),
                    3),
                InetAddress::getAllByName,
                (SSLSocketFactory) SSLSocketFactory.getDefault()));
    WorkflowError e =
        assertThrows(
            WorkflowError.class,
            () ->
                run(
                    workflow(
                        """
                        document: {endpoint: 'http://127.0.0.1:@PORT@/huge.json'}
                        operationId: getPet
                        """),
                    "{}",
                    new HashMap<>(),
                    small));
    assertEquals(WorkflowError.COMMUNICATION, e.type());
    assertEquals("Document too large", e.title());
  }

  // "OpenAPI Call" parameters: a requestBody (here by $ref to components) declared as a form takes
  // the fields of 'body', percent-encoded; the document may be given by a runtime expression
  // (dsl-reference.md "Endpoint": a runtime expression).
  @Test
  void aFormBodyAndADocumentGivenByAnExpression() throws Exception {
    run(
        workflow(
            """
            document:
              endpoint: ${ .doc }
            operationId: addNote
            parameters:
              petId: 3
              body: {text: a&b c, tags: [x, y]}
            """),
        "{\"doc\": \"http://127.0.0.1:" + port + "/openapi.json\"}");
    Received api = apiRequests().getFirst();
    assertEquals("POST", api.method());
    assertEquals("/api/v1/pets/3/notes", api.path());
    assertEquals("application/x-www-form-urlencoded", api.headers().get("content-type"));
    assertEquals("text=a%26b%20c&tags=x&tags=y", api.body());
  }

  // The parser fetches nothing itself (the outbound policy would not see it): a parameter by a
  // reference to another document is refused, before any request to the API.
  @Test
  void aReferenceToAnotherDocumentIsRefused() {
    WorkflowError e =
        fails(
            workflow(
                """
                document: {endpoint: 'http://127.0.0.1:@PORT@/openapi.json'}
                operationId: remoteRef
                """),
            "{}");
    assertEquals("Bad OpenAPI document", e.title());
    assertTrue(e.detail().contains("https://elsewhere.example/parameters.json#/Id"), e.detail());
    assertEquals(List.of(), apiRequests());
  }
}
