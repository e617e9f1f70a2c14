package io.tramontane.workflows.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.tramontane.workflows.run.WorkflowError;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code call: openapi} as dsl-reference.md "OpenAPI Call" (DSL 1.0.x) says: the operation named
 * {@code operationId} in the OpenAPI 3 document at {@code document.endpoint}, its {@code
 * parameters} placed where the operation declares them, {@code output} and {@code redirect} as for
 * "HTTP Call". Over real loopback HTTP: a JDK HTTP server on 127.0.0.1 serves both the document
 * (written here) and the API; each case asserts what the server received and the run's output.
 */
class OpenApiCallConformanceTest extends OpenApiFixture {

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

  // dsl-reference.md "OpenAPI Call" (authentication) and "Authentication" (use.authentications):
  // the call's policy is applied to the API's request, not to the document's.
  @Test
  void theCallsAuthenticationIsAppliedToTheApiRequest() throws Exception {
    String yaml =
        """
        document: {dsl: '1.0.0', namespace: conformance, name: openapi, version: '1.0.0'}
        use:
          authentications:
            petstore: {bearer: {token: pet-token-1}}
        do:
          - findPet:
              call: openapi
              with:
                document: {endpoint: 'http://127.0.0.1:@PORT@/openapi.json'}
                operationId: getPet
                parameters: {petId: 7}
                authentication: {use: petstore}
        """;
    run(yaml, "{}");
    assertEquals(
        null, received.getFirst().headers().get("authorization"), "the document's request");
    assertEquals("Bearer pet-token-1", apiRequests().getFirst().headers().get("authorization"));
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
}
