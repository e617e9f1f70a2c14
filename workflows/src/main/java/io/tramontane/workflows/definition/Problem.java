package io.tramontane.workflows.definition;

/**
 * One thing wrong with a workflow definition, where it is (1-based line and column in the YAML
 * source) and how to fix it.
 *
 * @param source the file or upload name the definition came from
 * @param line 1-based line
 * @param column 1-based column
 * @param message what is wrong
 * @param hint how to fix it (may be empty)
 */
public record Problem(String source, int line, int column, String message, String hint) {

  /** {@code file:line:column: what is wrong — how to fix}. */
  @Override
  public String toString() {
    String text = source + ":" + line + ":" + column + ": " + message;
    return hint == null || hint.isBlank() ? text : text + " — " + hint;
  }
}
