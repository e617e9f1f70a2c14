package io.tramontane.connectors;

import io.tramontane.core.TramontaneException;

/**
 * A pass failed for a reason a user can act on (wrong credentials, unknown site, unreachable
 * server); the message is shown in the connector's status as it is, so it says what and how to fix
 * it, and never contains a secret.
 */
public class SyncException extends TramontaneException {

  public SyncException(String message) {
    super(message);
  }

  public SyncException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean retriable() {
    return true; // the next pass tries again, with backoff
  }
}
