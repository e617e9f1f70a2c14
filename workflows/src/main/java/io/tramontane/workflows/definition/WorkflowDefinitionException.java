package io.tramontane.workflows.definition;

import io.tramontane.core.TramontaneException;
import io.tramontane.core.error.DefinitionError;
import io.tramontane.core.error.ErrorKind;
import io.tramontane.core.error.InvalidDefinition;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A workflow definition that cannot be used. The message is one line per problem, {@code
 * file:line:column: what is wrong — how to fix}. Never retriable: the file has to change.
 */
public final class WorkflowDefinitionException extends TramontaneException
    implements InvalidDefinition {

  private final transient List<Problem> problems;

  public WorkflowDefinitionException(List<Problem> problems) {
    super(
        ErrorKind.INVALID,
        false,
        problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  /** The problems, in source order. */
  public List<Problem> problems() {
    return problems;
  }

  @Override
  public List<DefinitionError> errors() {
    return errors(problems);
  }

  /** Workflow problems in the shape every definition error has. */
  public static List<DefinitionError> errors(List<Problem> problems) {
    return problems.stream()
        .map(p -> new DefinitionError(p.source(), p.line(), p.column(), p.message(), p.hint()))
        .toList();
  }
}
