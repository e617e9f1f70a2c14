package io.tramontane.server.http;

/** A request body over its route's limit or the server's cap: 413 in {@link Problems}. */
final class PayloadTooLargeException extends RuntimeException {

  private final long limit;

  PayloadTooLargeException(long limit) {
    super("the request body is over the limit of " + limit + " bytes", null, false, false);
    this.limit = limit;
  }

  long limit() {
    return limit;
  }
}
