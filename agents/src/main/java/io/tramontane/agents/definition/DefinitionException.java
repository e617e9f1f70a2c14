package io.tramontane.agents.definition;

import io.tramontane.core.TramontaneException;

/**
 * An agent definition is invalid. The message starts with {@code file:line:column} and says what to
 * change.
 */
public final class DefinitionException extends TramontaneException {

  public DefinitionException(String message) {
    super(message);
  }

  @Override
  public boolean retriable() {
    return false;
  }
}
