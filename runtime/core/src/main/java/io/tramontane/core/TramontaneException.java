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

  /** Set by the kind-fixing constructor; null when a subclass says {@link #retriable()} itself. */
  private final ErrorKind kind;

  private final boolean retriable;

  /** A subclass using this constructor overrides {@link #retriable()}. */
  protected TramontaneException(String message) {
    super(message);
    this.kind = null;
    this.retriable = false;
  }

  /** A subclass using this constructor overrides {@link #retriable()}. */
  protected TramontaneException(String message, Throwable cause) {
    super(message, cause);
    this.kind = null;
    this.retriable = false;
  }

  /** For an exception whose class fixes its kind and whether it is retriable. */
  protected TramontaneException(ErrorKind kind, boolean retriable, String message) {
    super(message);
    this.kind = kind;
    this.retriable = retriable;
  }

  /** For an exception whose class fixes its kind and whether it is retriable. */
  protected TramontaneException(
      ErrorKind kind, boolean retriable, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.retriable = retriable;
  }

  /** True when the same request may succeed if repeated later without change. */
  public boolean retriable() {
    return retriable;
  }

  /**
   * The kind given to the constructor; otherwise {@link ErrorKind#UNAVAILABLE} when retriable, else
   * {@link ErrorKind#INTERNAL}.
   */
  @Override
  public ErrorKind kind() {
    if (kind != null) {
      return kind;
    }
    return retriable() ? ErrorKind.UNAVAILABLE : ErrorKind.INTERNAL;
  }
}
