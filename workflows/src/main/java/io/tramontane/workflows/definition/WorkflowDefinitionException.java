package io.tramontane.workflows.definition;

import io.tramontane.core.TramontaneException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A workflow definition that cannot be used. The message is one line per problem, {@code
 * file:line:column: what is wrong — how to fix}. Never retriable: the file has to change.
 */
public final class WorkflowDefinitionException extends TramontaneException {

  private final transient List<Problem> problems;

  public WorkflowDefinitionException(List<Problem> problems) {
    super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  /** The problems, in source order. */
  public List<Problem> problems() {
    return problems;
  }

  @Override
  public boolean retriable() {
    return false;
  }
}
