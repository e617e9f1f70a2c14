package io.tramontane.server.http;

import io.tramontane.core.error.ErrorKind;
import io.tramontane.core.error.KindedError;

/** A body sent as something a JSON route does not read: {@link ErrorKind#UNSUPPORTED_TYPE}. */
final class UnsupportedBodyTypeException extends RuntimeException implements KindedError {

  UnsupportedBodyTypeException(String type) {
    super(
        "The body is sent as "
            + type
            + "; this route reads JSON: send it with Content-Type: application/json.",
        null,
        false,
        false);
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.UNSUPPORTED_TYPE;
  }
}
