package io.tramontane.workflows.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tramontane.workflows.definition.Problem;
import io.tramontane.workflows.run.WorkflowError;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * dsl-reference.md "Raise" (raise.error: "If a string, must be the name of an error defined in the
 * workflow's reusable components") and "Use" (errors), "Error" (title and detail may be runtime
 * expressions): a named error is raised as its definition says; an unknown name is refused.
 */
class RaiseConformanceTest {

  private static final String WORKFLOW =
      """
      use:
        errors:
          notFound:
            type: https://example.com/errors/not-found
            status: 404
            title: Not Found
            detail: '${ "no pet " + (.petId | tostring) }'
      do:
        - find:
            raise:
              error: %s
      """;

  @Test
  void aNamedErrorIsRaisedAsItsDefinitionSays() {
    String yaml = WORKFLOW.formatted("notFound");
    assertEquals(List.of(), Conformance.validate(Conformance.HEADER + yaml));
    WorkflowError e =
        assertThrows(WorkflowError.class, () -> new Conformance().run(yaml, "{\"petId\": 7}"));
    assertEquals("https://example.com/errors/not-found", e.type());
    assertEquals(404, e.status());
    assertEquals("Not Found", e.title());
    assertEquals("no pet 7", e.detail());
    assertEquals("/do/0/find", e.instance());
  }

  @Test
  void aNamedErrorIsCaughtByItsType() throws Exception {
    String yaml =
        """
        use:
          errors:
            notFound: {type: 'https://example.com/errors/not-found', status: 404}
        do:
          - guarded:
              try:
                - find:
                    raise: {error: notFound}
              catch:
                errors: {with: {type: 'https://example.com/errors/not-found', status: 404}}
                do:
                  - recover:
                      set: {caught: '${ $error.status }'}
        """;
    assertEquals(Conformance.YAML.readTree("{\"caught\": 404}"), new Conformance().run(yaml, "{}"));
  }

  @Test
  void anUnknownNameIsRefusedAtItsValueWithTheKnownNames() {
    String yaml = Conformance.HEADER + WORKFLOW.formatted("missing");
    List<Problem> problems = Conformance.validate(yaml);
    assertEquals(1, problems.size(), problems.toString());
    Problem p = problems.getFirst();
    assertEquals("12:16", p.line() + ":" + p.column(), p.toString());
    assertTrue(p.message().contains("'missing'"), p.toString());
    assertTrue(p.hint().contains("[notFound]"), p.toString());
  }
}
