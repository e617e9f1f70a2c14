package io.tramontane.connectors.sharepoint;

/**
 * Graph answered with an error status that retrying the same request will not fix (404, 403, 410
 * …). {@code code} is Graph's {@code error.code} (e.g. {@code itemNotFound}, {@code
 * resyncRequired}), {@code location} the 410's Location header (may be null).
 */
final class GraphException extends RuntimeException {

  private final int status;
  private final String code;
  private final String location;

  GraphException(int status, String code, String message, String location) {
    super(message);
    this.status = status;
    this.code = code;
    this.location = location;
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  String location() {
    return location;
  }

  /** The delta token expired: start a full enumeration again. */
  boolean resyncRequired() {
    return status == 410 || (code != null && code.startsWith("resync"));
  }
}
