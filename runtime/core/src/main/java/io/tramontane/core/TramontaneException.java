package io.tramontane.core;

import io.tramontane.core.error.ErrorKind;
import io.tramontane.core.error.KindedError;

/**
 * The root of Tramontane's unchecked exceptions. Each one says whether trying again later can
 * succeed, so every edge can translate it once (HTTP 503 + Retry-After versus 4xx/exit code).
 * Messages are written for the person who has to act on them: what, where, how to fix. Each also
 * says its {@link ErrorKind}, by which an edge translates it.
 */
public abstract class TramontaneException extends RuntimeException implements KindedError {

  protected TramontaneException(String message) {
    super(message);
  }

  protected TramontaneException(String message, Throwable cause) {
    super(message, cause);
  }

  /** True when the same request may succeed if repeated later without change. */
  public abstract boolean retriable();

  /**
   * {@link ErrorKind#UNAVAILABLE} when retriable, else {@link ErrorKind#INTERNAL}; refined below.
   */
  @Override
  public ErrorKind kind() {
    return retriable() ? ErrorKind.UNAVAILABLE : ErrorKind.INTERNAL;
  }
}
