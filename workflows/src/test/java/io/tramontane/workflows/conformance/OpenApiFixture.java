package io.tramontane.workflows.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import io.tramontane.workflows.call.CallHandler;
import io.tramontane.workflows.call.HttpCall;
import io.tramontane.workflows.call.OpenApiCall;
import io.tramontane.workflows.definition.WorkflowDefinitions;
import io.tramontane.workflows.node.NodeEffects;
import io.tramontane.workflows.run.Interpreter;
import io.tramontane.workflows.run.Replay;
import io.tramontane.workflows.run.WorkflowError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fixture of the {@code call: openapi} conformance tests: a JDK HTTP server on 127.0.0.1
 * serving an OpenAPI document written here (JSON and YAML) and the API it describes, recording each
 * request; each case is a small workflow validated by {@link WorkflowDefinitions} and run by the
 * {@link Interpreter} through {@link Replay}, {@link NodeEffects}, {@link HttpCall} and {@link
 * OpenApiCall} (the outbound-HTTP policy included).
 */
abstract class OpenApiFixture extends LoopbackService {

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

  @Override
  void answer(HttpExchange ex, String path) throws IOException {
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
    Replay.Journal memory = Replay.Journal.inMemory(journal);
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
}
