package io.tramontane.workflows.definition;

import com.fasterxml.jackson.databind.JsonNode;
import io.serverlessworkflow.api.types.Workflow;
import java.util.Optional;

/**
 * A valid workflow definition in Tramontane's profile of the Serverless Workflow DSL 1.0.
 *
 * @param namespace {@code document.namespace}
 * @param name {@code document.name}
 * @param version {@code document.version}
 * @param workflow the SDK's model of the definition
 * @param tree the definition as parsed (aliases expanded), the form the interpreter reads
 * @param hash SHA-256 of the source bytes, hex; a run is pinned to the hash it started with
 * @param source the file or upload name the definition came from
 */
public record WorkflowDefinition(
    String namespace,
    String name,
    String version,
    Workflow workflow,
    JsonNode tree,
    String hash,
    String source) {

  /** The timer schedule ({@code schedule.every}, {@code cron} or {@code after}), if any. */
  public Optional<ScheduleSpec> schedule() {
    return ScheduleSpec.of(tree);
  }

  /** Every task in the definition, nested ones included. */
  public int taskCount() {
    return Profile.countTasks(tree.get("do"));
  }
}
