package io.tramontane.agents.definition;

import io.tramontane.core.TramontaneException;
import io.tramontane.core.error.DefinitionError;
import io.tramontane.core.error.ErrorKind;
import io.tramontane.core.error.InvalidDefinition;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An agent definition is invalid. The message starts with {@code file:line:column} and says what to
 * change; {@link #errors()} gives the same, located, in the shape workflow definitions use.
 */
public final class DefinitionException extends TramontaneException implements InvalidDefinition {

  /** {@code file:line:column: message}; the file may itself contain colons. */
  private static final Pattern LOCATED = Pattern.compile("(?s)(.+?):(\\d+):(\\d+):\\s*(.*)");

  public DefinitionException(String message) {
    super(ErrorKind.INVALID, false, message);
  }

  @Override
  public List<DefinitionError> errors() {
    Matcher m = LOCATED.matcher(getMessage());
    if (!m.matches()) {
      return List.of(new DefinitionError("", 1, 1, getMessage(), ""));
    }
    return List.of(
        new DefinitionError(
            m.group(1),
            Integer.parseInt(m.group(2)),
            Integer.parseInt(m.group(3)),
            m.group(4),
            ""));
  }
}
