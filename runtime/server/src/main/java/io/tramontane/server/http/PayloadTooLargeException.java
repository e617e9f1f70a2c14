package io.tramontane.server.http;

import io.tramontane.core.error.ErrorKind;
import io.tramontane.core.error.KindedError;

/** A request body over its route's limit or the server's cap: {@link ErrorKind#TOO_LARGE}. */
final class PayloadTooLargeException extends RuntimeException implements KindedError {

  private final long limit;

  PayloadTooLargeException(long limit) {
    super(
        "The request body exceeds this route's limit of " + limit + " bytes; send a smaller one.",
        null,
        false,
        false);
    this.limit = limit;
  }

  long limit() {
    return limit;
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.TOO_LARGE;
  }
}
