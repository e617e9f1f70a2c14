package io.tramontane.core;

/**
 * The request cannot succeed as sent: empty input, input over a limit, an unknown name. The message
 * says what is wrong and how to fix it. Never retriable (HTTP edges answer 400).
 */
public final class InvalidRequestException extends TramontaneException {

  public InvalidRequestException(String message) {
    super(message);
  }

  @Override
  public boolean retriable() {
    return false;
  }
}
