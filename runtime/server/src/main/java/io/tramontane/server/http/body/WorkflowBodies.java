package io.tramontane.server.http.body;

import com.fasterxml.jackson.databind.JsonNode;
import io.tramontane.workflows.definition.WorkflowDefinition;
import io.tramontane.workflows.node.WorkflowRuns;
import java.time.Instant;
import java.util.List;

/** The bodies of the workflows API ({@code /workflows}). */
public final class WorkflowBodies {

  private WorkflowBodies() {}

  /** {@code GET /workflows}. */
  public record WorkflowList(List<WorkflowSummary> workflows) {}

  /** One deployed workflow. */
  public record WorkflowSummary(
      String name, String namespace, String version, String hash, int tasks) {

    public static WorkflowSummary of(WorkflowDefinition d) {
      return new WorkflowSummary(d.name(), d.namespace(), d.version(), d.hash(), d.taskCount());
    }
  }

  /** {@code POST /workflows/validate} of a usable definition (a problem otherwise). */
  public record Validated(boolean valid) {}

  /** {@code PUT /workflows/{workflow}}: what is now deployed. */
  public record WorkflowDeployed(String name, String version, String hash) {}

  /**
   * A run ({@code POST} and {@code GET /workflows/{workflow}/runs/{run}}).
   *
   * @param effects the keys of the effects recorded so far, sorted
   * @param output the run's output once it completed, else null
   * @param error the run's error once it failed, else null
   */
  public record RunView(
      String status,
      String definitionHash,
      List<String> effects,
      JsonNode output,
      JsonNode error) {}

  /** {@code GET /workflows/{workflow}/runs}: one page, newest first; {@code next} is the cursor. */
  public record RunList(String workflow, List<RunSummary> runs, String next) {}

  /** One run in a listing. */
  public record RunSummary(
      String name, String status, Instant startedAt, Instant endedAt, int effects) {

    public static RunSummary of(WorkflowRuns.RunSummary r) {
      return new RunSummary(
          r.run(), WorkflowRuns.label(r.status()), r.startedAt(), r.endedAt(), r.effects());
    }
  }
}
