package io.tramontane.agents.tool;

/**
 * A tool failed in a way the model should be told about (bad target, refused by policy, remote
 * error). The message is shown to the model and recorded; it must not contain secrets.
 *
 * <p>{@code retriable} failures may be retried by the model; others end that call.
 */
public class ToolException extends Exception {

  private final boolean retriable;

  public ToolException(String message, boolean retriable) {
    super(message);
    this.retriable = retriable;
  }

  public ToolException(String message) {
    this(message, false);
  }

  public boolean retriable() {
    return retriable;
  }
}
