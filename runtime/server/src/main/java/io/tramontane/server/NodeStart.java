package io.tramontane.server;

import com.typesafe.config.Config;
import io.tramontane.core.system.TramontaneSystem;
import io.tramontane.inference.InferenceRuntime;
import java.util.function.UnaryOperator;

/**
 * What every local node (the server, the offline commands) starts first, in this order: the model
 * runtime, then the actor system. Closing closes both, the actor system first: what starts on top
 * of them closes them this way when it fails.
 */
public record NodeStart(InferenceRuntime inference, TramontaneSystem node)
    implements AutoCloseable {

  /**
   * Starts both. When the actor system does not start, the model runtime is closed and the failure
   * is thrown as {@code nodeFailure} makes it (e.g. a port clash in one line).
   */
  public static NodeStart start(Config config, UnaryOperator<RuntimeException> nodeFailure) {
    InferenceRuntime inference = InferenceRuntime.start(config);
    try {
      return new NodeStart(inference, TramontaneSystem.start(config));
    } catch (RuntimeException e) {
      inference.close();
      throw nodeFailure.apply(e);
    }
  }

  @Override
  public void close() {
    node.close();
    inference.close();
  }
}
