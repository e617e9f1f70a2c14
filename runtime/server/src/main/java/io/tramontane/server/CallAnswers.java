package io.tramontane.server;

import io.tramontane.workflows.call.CallHandler.Call;
import io.tramontane.workflows.run.WorkflowError;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/** How a workflow's call into a module on this node waits for the module's answer. */
final class CallAnswers {

  private CallAnswers() {}

  /**
   * The answer, once there; a failed one fails {@code call}'s task with a runtime {@link
   * WorkflowError} of {@code status} and {@code title}, the failure's message as its detail.
   */
  static <T> T await(CompletionStage<T> answer, Call call, int status, String title) {
    try {
      return answer.toCompletableFuture().join();
    } catch (CompletionException e) {
      throw new WorkflowError(
          WorkflowError.RUNTIME,
          status,
          title,
          String.valueOf(e.getCause().getMessage()),
          call.task());
    }
  }
}
