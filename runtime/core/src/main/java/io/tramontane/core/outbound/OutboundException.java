package io.tramontane.core.outbound;

/**
 * Why {@link OutboundHttp} sent no request or got no answer. The message names the host (never the
 * full URL, whose query can hold secrets) and, for a refusal, the setting that would allow it.
 */
public final class OutboundException extends Exception {

  /** What went wrong; each caller maps it to its own error (tool result, workflow error). */
  public enum Kind {
    /** The request itself is malformed or too large (method, header, body). Nothing was sent. */
    BAD_REQUEST,
    /** The URL or host is not allowed (scheme, user info, allowlist, number form). Nothing sent. */
    HOST_REFUSED,
    /** The host resolves to an address the policy refuses. Nothing was sent. */
    ADDRESS_REFUSED,
    /** The host name does not resolve. Nothing was sent. */
    UNKNOWN_HOST,
    /** A redirect that cannot be followed: malformed, or one too many. */
    REDIRECT,
    /** No answer within the time limit; the request may have been applied. */
    TIMED_OUT,
    /** The TLS handshake failed (certificate, name, protocol). */
    TLS,
    /** The connection failed or the answer was not HTTP. */
    FAILED
  }

  private final Kind kind;
  private final String host;

  public OutboundException(Kind kind, String host, String message) {
    super(message);
    this.kind = kind;
    this.host = host;
  }

  public Kind kind() {
    return kind;
  }

  /** The host the request was for ("" when the URL had none). */
  public String host() {
    return host;
  }

  /** True for the refusals that an operator's policy decided (audited by callers). */
  public boolean refused() {
    return kind == Kind.BAD_REQUEST || kind == Kind.HOST_REFUSED || kind == Kind.ADDRESS_REFUSED;
  }
}
