package io.tramontane.workflows.call;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The workflows' call-handler SPI: what {@code call: <function>} does on this node. The workflows
 * module answers {@code call: http} itself ({@link HttpCall}); the node's wiring (the server) gives
 * the others — {@code call: agent}, {@code call: retrieve}, later {@code call: mcp} — from the
 * modules that provide them, so workflows depend on neither agents nor retrieval.
 *
 * <p>A handler runs on the run's virtual thread and may block. It fails with a {@link
 * io.tramontane.workflows.run.WorkflowError} (type, status, title, detail), which the run catches
 * like any task error. A run acts for no user: a handler that reads documents reads the tenant's
 * public ones only.
 */
public interface CallHandler {

  /** The name after {@code call:} this handler answers ({@code agent}, {@code retrieve}, ...). */
  String function();

  /** Performs one call and returns its result, which becomes the task's output. */
  JsonNode call(Call call, JsonNode with);

  /**
   * One call of a run.
   *
   * @param runId {@code <tenant>/<workflow>/<run name>}
   * @param tenant the run's tenant: everything the call touches belongs to it
   * @param idempotencyKey the same on every re-execution of this call after a crash
   * @param task the task's reference in the definition, for error reports
   * @param deadline when the task's timeout expires (null: none); a call that would block past it
   *     gives up with a timeout error
   */
  record Call(
      String runId, String tenant, String idempotencyKey, String task, java.time.Instant deadline) {

    /** A call without a deadline. */
    public Call(String runId, String tenant, String idempotencyKey, String task) {
      this(runId, tenant, idempotencyKey, task, null);
    }
  }
}
