package io.tramontane.intake.signature;

/** The outcome of checking one request against its trigger's signature scheme. */
public sealed interface Verification {

  /** The signature matched; {@code deliveryId} is the sender's id for this delivery. */
  record Verified(String deliveryId) implements Verification {}

  /** The request is refused; {@code detail} says what was wrong without revealing any secret. */
  record Rejected(Reason reason, String detail) implements Verification {}

  /** Why a request was refused: malformed requests versus requests that fail authentication. */
  enum Reason {
    /** A required header is missing or unparseable: the sender is misconfigured (HTTP 400). */
    MALFORMED,
    /** Timestamp outside the tolerance window, or no signature matched (HTTP 401). */
    UNAUTHENTICATED
  }

  static Rejected malformed(String detail) {
    return new Rejected(Reason.MALFORMED, detail);
  }

  static Rejected unauthenticated(String detail) {
    return new Rejected(Reason.UNAUTHENTICATED, detail);
  }
}
