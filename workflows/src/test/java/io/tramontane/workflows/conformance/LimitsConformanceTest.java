package io.tramontane.workflows.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tramontane.workflows.run.WorkflowError;
import org.junit.jupiter.api.Test;

/**
 * A run's data stays bounded: a value an expression gives is at most 4 Mi characters and nodes.
 * Past that the expression fails (dsl-reference.md "Standard Error Types": expression, 400) at its
 * task, catchable, instead of the value growing until the node's memory runs out (outside tester,
 * issue 17: three runs doubling a string in a loop took a node down).
 */
class LimitsConformanceTest {

  private static final String DOUBLING =
      """
      document: {dsl: '1.0.0', namespace: conformance, name: grow, version: '1.0.0'}
      do:
        - grow:
            for: {in: '${ [range(0; 40)] }'}
            do:
              - twice:
                  set: {s: '${ .s + .s }'}
      """;

  @Test
  void aValueThatOutgrowsTheBoundFailsTheExpressionAtItsTask() {
    WorkflowError e =
        assertThrows(
            WorkflowError.class,
            () -> ExpressionConformanceTest.run(DOUBLING, "{\"s\": \"0123456789abcdef\"}"));
    assertEquals(WorkflowError.EXPRESSION, e.type(), e.getMessage());
    assertEquals(400, e.status());
    assertTrue(e.instance().startsWith("/do/0/grow"), e.instance());
    assertTrue(e.detail().contains("keep large data outside the run"), e.detail());
  }

  @Test
  void sharedPartsAreCountedEachTimeTheyAppear() {
    // {l: ., r: .} doubles the logical size while sharing the nodes: it is stopped all the same
    WorkflowError e =
        assertThrows(
            WorkflowError.class,
            () ->
                ExpressionConformanceTest.run(
                    DOUBLING.replace("set: {s: '${ .s + .s }'}", "set: '${ {l: ., r: .} }'"),
                    "{\"s\": \"x\"}"));
    assertEquals(WorkflowError.EXPRESSION, e.type(), e.getMessage());
  }

  @Test
  void theErrorIsCaught() throws Exception {
    String caught =
        """
        document: {dsl: '1.0.0', namespace: conformance, name: grow, version: '1.0.0'}
        do:
          - guarded:
              try:
                - grow:
                    for: {in: '${ [range(0; 40)] }'}
                    do:
                      - twice:
                          set: {s: '${ .s + .s }'}
              catch:
                errors: {with: {type: https://serverlessworkflow.io/spec/1.0.0/errors/expression}}
                do:
                  - fallback:
                      set: {kept: small}
        """;
    JsonNode out = ExpressionConformanceTest.run(caught, "{\"s\": \"0123456789abcdef\"}");
    assertEquals("small", out.path("kept").asText(), out.toString());
  }
}
