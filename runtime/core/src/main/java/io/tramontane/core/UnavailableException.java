package io.tramontane.core;

import io.tramontane.core.error.ErrorKind;
import java.time.Duration;

/**
 * A dependency (the journal, the database, an overloaded queue) cannot serve right now. Retriable;
 * carries the delay after which a retry makes sense (HTTP edges send it as {@code Retry-After}).
 */
public final class UnavailableException extends TramontaneException {

  private final Duration retryAfter;

  public UnavailableException(String message, Duration retryAfter) {
    super(ErrorKind.UNAVAILABLE, true, message);
    this.retryAfter = retryAfter;
  }

  public UnavailableException(String message, Duration retryAfter, Throwable cause) {
    super(ErrorKind.UNAVAILABLE, true, message, cause);
    this.retryAfter = retryAfter;
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
