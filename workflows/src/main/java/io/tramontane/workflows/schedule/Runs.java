package io.tramontane.workflows.schedule;

import io.tramontane.workflows.run.WorkflowRunEntity;
import java.util.concurrent.CompletionStage;

/**
 * How a schedule starts and watches runs. Implemented over the sharded {@link WorkflowRunEntity} by
 * {@code node.Schedules}; by recorders in tests.
 */
public interface Runs {

  /**
   * Starts run {@code runName} of a definition, pinned to it. Idempotent per run name: starting a
   * name again leaves the existing run as it is and completes normally.
   */
  CompletionStage<?> start(
      String tenant,
      String workflow,
      String runName,
      String definitionVersion,
      String definition,
      String input);

  /** Where the run stands ({@code NEW} when there is no such run). */
  CompletionStage<WorkflowRunEntity.Status> status(String tenant, String workflow, String runName);
}
