package io.tramontane.agents.definition;

import io.tramontane.core.TramontaneException;
import io.tramontane.core.error.DefinitionError;
import io.tramontane.core.error.ErrorKind;
import io.tramontane.core.error.InvalidDefinition;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An agent definition is invalid. The message is {@code file:line:column: what is wrong; how to fix
 * it.}; {@link #errors()} gives the same, located, with the what and the how apart, in the shape
 * workflow definitions use.
 */
public final class DefinitionException extends TramontaneException implements InvalidDefinition {

  /** {@code file:line:column: message}; the file may itself contain colons. */
  private static final Pattern LOCATED = Pattern.compile("(?s)(.+?):(\\d+):(\\d+):\\s*(.*)");

  private final String located;
  private final String hint;

  /**
   * @param located {@code file:line:column: what is wrong} (no final full stop)
   * @param hint how to fix it, never blank
   */
  public DefinitionException(String located, String hint) {
    super(ErrorKind.INVALID, false, located + "; " + hint + ".");
    if (hint == null || hint.isBlank()) {
      throw new IllegalArgumentException("a definition error says how to fix it");
    }
    this.located = located;
    this.hint = hint;
  }

  @Override
  public List<DefinitionError> errors() {
    Matcher m = LOCATED.matcher(located);
    if (!m.matches()) {
      return List.of(new DefinitionError("", 1, 1, located, hint));
    }
    return List.of(
        new DefinitionError(
            m.group(1),
            Integer.parseInt(m.group(2)),
            Integer.parseInt(m.group(3)),
            m.group(4),
            hint));
  }
}
