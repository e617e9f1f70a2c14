package io.tramontane.core;

/**
 * Configuration that cannot work: a missing secret, a malformed key, an impossible combination. The
 * message names the configuration key (and the environment variable where one exists) and says how
 * to fix it. Never retriable.
 */
public final class ConfigurationException extends TramontaneException {

  public ConfigurationException(String message) {
    super(message);
  }

  public ConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean retriable() {
    return false;
  }
}
