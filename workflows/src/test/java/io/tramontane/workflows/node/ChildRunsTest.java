package io.tramontane.workflows.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tramontane.workflows.call.CallHandler;
import io.tramontane.workflows.run.RunningRuns;
import io.tramontane.workflows.run.WorkflowError;
import org.junit.jupiter.api.Test;

/**
 * {@code run: workflow}'s bound on fan-out (outside tester, issue 17: a fork of run: workflow tasks
 * started more than 500 child runs from one start): no child is started once the tenant has that
 * many runs running on the node; the task fails with 429 instead.
 */
class ChildRunsTest {

  @Test
  void noChildIsStartedPastTheTenantsRunningRuns() throws Exception {
    RunningRuns none = new RunningRuns();
    ChildRuns atZero = new ChildRuns(null, none, 0);
    WorkflowError e =
        assertThrows(
            WorkflowError.class,
            () ->
                atZero.call(
                    new CallHandler.Call(
                        "acme/parent/r1", "acme", "acme/parent/r1/k#1", "/do/0/sub"),
                    new ObjectMapper()
                        .readTree(
                            "{\"op\": \"start\", \"namespace\": \"t\", \"name\": \"child\","
                                + " \"version\": \"1.0.0\", \"input\": {}}")));
    assertEquals(429, e.status(), e.getMessage());
    assertTrue(e.detail().contains("max-running-runs-per-tenant"), e.detail());
    assertEquals("/do/0/sub", e.instance());
  }

  @Test
  void childNamesAreStableAndCarryTheirDepth() {
    String first = ChildRuns.childName("acme/parent/r1", "acme/parent/r1//do/0/sub#1");
    assertEquals(first, ChildRuns.childName("acme/parent/r1", "acme/parent/r1//do/0/sub#1"));
    assertTrue(first.startsWith("sub1-"), first);
    String second = ChildRuns.childName("acme/child/" + first, "acme/child/" + first + "/k#1");
    assertEquals(2, ChildRuns.depth(second), second);
  }
}
