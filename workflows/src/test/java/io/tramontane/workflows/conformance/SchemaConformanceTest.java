package io.tramontane.workflows.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tramontane.workflows.definition.Problem;
import io.tramontane.workflows.run.WorkflowError;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * dsl.md "Data Flow" (steps 1, 3, 6, 8, 11) and dsl-reference.md "Input", "Output", "Export",
 * "Schema": when a schema is set the runtime validates the raw workflow input, the raw task input
 * (before {@code input.from}), the transformed task output (after {@code output.as}), the exported
 * context and the transformed workflow output; a value that fails faults with the validation error
 * (https://serverlessworkflow.io/spec/1.0.0/errors/validation, 400) — at the task, so try/catch
 * handles it. Only inline JSON Schema documents are run; the rest is refused at validate.
 */
class SchemaConformanceTest {

  private static final String VALIDATION =
      "https://serverlessworkflow.io/spec/1.0.0/errors/validation";

  private static final String PET =
      "{format: json, document: {type: object, required: [id], properties: {id: {type: string}}}}";

  @Test
  void theWorkflowInputIsValidatedBeforeInputFrom() throws Exception {
    String yaml =
        """
        input:
          schema: %s
          from: '${ {pet: .id} }'
        do:
          - keep: {set: {pet: '${ .pet }'}}
        """
            .formatted(PET);
    assertEquals(List.of(), Conformance.validate(Conformance.HEADER + yaml));
    assertEquals(
        Conformance.YAML.readTree("{\"pet\": \"p1\"}"),
        new Conformance().run(yaml, "{\"id\": \"p1\"}"));
    WorkflowError e =
        assertThrows(WorkflowError.class, () -> new Conformance().run(yaml, "{\"id\": 5}"));
    assertEquals(VALIDATION, e.type(), e.getMessage());
    assertEquals(400, e.status());
    assertEquals("/", e.instance());
    assertTrue(e.detail().contains("id"), e.detail());
  }

  @Test
  void aTaskInputThatFailsItsSchemaIsAValidationErrorTryCatchHandles() throws Exception {
    String yaml =
        """
        do:
          - guarded:
              try:
                - check:
                    input:
                      schema: %s
                      from: '${ .id }'
                    set: {ok: true}
              catch:
                errors: {with: {type: '%s'}}
                as: problem
                do:
                  - recover:
                      set: {at: '${ $problem.instance }', status: '${ $problem.status }'}
        """
            .formatted(PET, VALIDATION);
    assertEquals(List.of(), Conformance.validate(Conformance.HEADER + yaml));
    assertEquals(
        Conformance.YAML.readTree("{\"ok\": true}"),
        new Conformance().run(yaml, "{\"id\": \"p1\"}"));
    assertEquals(
        Conformance.YAML.readTree("{\"at\": \"/do/0/guarded/try/0/check\", \"status\": 400}"),
        new Conformance().run(yaml, "{\"name\": \"Rex\"}"));
  }

  @Test
  void aTaskOutputIsValidatedAfterOutputAs() throws Exception {
    String yaml =
        """
        do:
          - make:
              set: {pet: {id: '${ .id }'}}
              output:
                schema: %s
                as: '${ .pet }'
        """
            .formatted(PET);
    assertEquals(List.of(), Conformance.validate(Conformance.HEADER + yaml));
    assertEquals(
        Conformance.YAML.readTree("{\"id\": \"p1\"}"),
        new Conformance().run(yaml, "{\"id\": \"p1\"}"));
    WorkflowError e =
        assertThrows(WorkflowError.class, () -> new Conformance().run(yaml, "{\"id\": 3}"));
    assertEquals(VALIDATION, e.type(), e.getMessage());
    assertEquals("/do/0/make", e.instance());
  }

  @Test
  void theExportedContextAndTheWorkflowOutputAreValidated() throws Exception {
    String yaml =
        """
        do:
          - make:
              set: {id: '${ .id }'}
              export:
                schema: %s
                as: '${ . }'
        output:
          schema: %s
        """
            .formatted(PET, PET);
    assertEquals(List.of(), Conformance.validate(Conformance.HEADER + yaml));
    JsonNode ok = new Conformance().run(yaml, "{\"id\": \"p1\"}");
    assertEquals("p1", ok.path("id").asText());
    WorkflowError e =
        assertThrows(WorkflowError.class, () -> new Conformance().run(yaml, "{\"id\": 1}"));
    assertEquals(VALIDATION, e.type(), e.getMessage());
    assertEquals("/do/0/make", e.instance(), "the exported context fails first");
  }

  @Test
  void aSchemaTheRuntimeDoesNotRunIsRefusedAtValidate() {
    String yaml =
        Conformance.HEADER
            + """
            input:
              schema:
                format: avro
                document: {type: record}
            do:
              - a:
                  input:
                    schema:
                      format: json
                      resource: {endpoint: 'https://example.com/pet.json'}
                  set: {x: 1}
              - b:
                  output:
                    schema:
                      format: json
                      document: {$ref: 'https://example.com/pet.json'}
                  set: {x: 1}
            """;
    List<Problem> problems = Conformance.validate(yaml);
    assertEquals(3, problems.size(), problems.toString());
    assertEquals("4:13", at(problems.get(0)), problems.toString());
    assertTrue(problems.get(0).message().contains("'avro'"), problems.toString());
    assertEquals("11:11", at(problems.get(1)), problems.toString());
    assertTrue(problems.get(1).hint().contains("document"), problems.toString());
    assertEquals("17:22", at(problems.get(2)), problems.toString());
    assertTrue(problems.get(2).message().contains("$ref"), problems.toString());
  }

  @Test
  void aDocumentThatIsNotAJsonSchemaIsRefusedAtItsValue() {
    String yaml =
        Conformance.HEADER
            + """
            input:
              schema:
                format: json
                document: {type: object, properties: {id: {type: 5}}}
            do:
              - a: {set: {x: 1}}
            """;
    List<Problem> problems = Conformance.validate(yaml);
    assertEquals(1, problems.size(), problems.toString());
    assertEquals("5:54", at(problems.getFirst()), problems.toString());
    assertTrue(
        problems.getFirst().message().contains("not a valid JSON Schema"), problems.toString());
  }

  @Test
  void aDialectTheValidatorWouldFetchIsRefused() {
    String yaml =
        Conformance.HEADER
            + """
            input:
              schema:
                format: json
                document: {$schema: 'https://example.com/my-draft', type: object}
            do:
              - a: {set: {x: 1}}
            """;
    List<Problem> problems = Conformance.validate(yaml);
    assertEquals(1, problems.size(), problems.toString());
    assertEquals("5:16", at(problems.getFirst()), problems.toString());
    assertTrue(problems.getFirst().hint().contains("2020-12"), problems.toString());
  }

  private static String at(Problem p) {
    return p.line() + ":" + p.column();
  }
}
