package io.tramontane.core.error;

/**
 * An error that says what kind it is, and carries a detail written for the person who has to act
 * (what is wrong, where, how to fix) and optionally a separate hint. Implemented by the platform's
 * exceptions; edges translate it by its {@link #kind()} alone.
 */
public interface KindedError {

  ErrorKind kind();

  /** What is wrong, for the caller. */
  String getMessage();

  /** How to fix it, when that is said apart from the detail; null otherwise. */
  default String hint() {
    return null;
  }

  /** A short title naming this error more precisely than its kind does; null for the kind's. */
  default String title() {
    return null;
  }
}
