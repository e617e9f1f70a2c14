package io.tramontane.inference;

import io.tramontane.core.TramontaneException;

/** ONNX Runtime failed to run a batch. Every caller in that batch gets this error. */
public final class InferenceFailedException extends TramontaneException {

  public InferenceFailedException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean retriable() {
    return false;
  }
}
