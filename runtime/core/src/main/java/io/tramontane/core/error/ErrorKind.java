package io.tramontane.core.error;

/**
 * What kind of failure an error is, independent of any protocol: each edge maps a kind to its own
 * answer once (the HTTP edge to a status in {@code io.tramontane.server.http.Problems}, the CLI to
 * an exit code).
 */
public enum ErrorKind {
  /**
   * The request cannot succeed as sent: a malformed body, a value out of range, a bad definition.
   */
  INVALID,
  /** The caller did not prove who it is. */
  UNAUTHORIZED,
  /** The caller is known but may not do this. */
  FORBIDDEN,
  /** The caller's tenant has no such thing (other tenants' things are not found either). */
  NOT_FOUND,
  /** The target's current state refuses the command (a turn already running, a run that ended). */
  CONFLICT,
  /** The input is over a limit. */
  TOO_LARGE,
  /** The body is in a format the target does not read (XML where JSON is expected). */
  UNSUPPORTED_TYPE,
  /**
   * Well-formed, but its content cannot be processed (a reused idempotency key, an unparseable
   * file).
   */
  UNPROCESSABLE,
  /** A dependency cannot serve right now; retrying later can succeed. */
  UNAVAILABLE,
  /** A service the platform called (a language model) failed. */
  UPSTREAM_FAILED,
  /** A service the platform called did not answer in time. */
  UPSTREAM_TIMEOUT,
  /** A fault of the platform itself; its details are for the operator's log, not the caller. */
  INTERNAL
}
