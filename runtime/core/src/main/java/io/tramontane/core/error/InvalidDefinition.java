package io.tramontane.core.error;

import java.util.List;

/** An error about a definition file: kind {@link ErrorKind#INVALID}, with its mistakes located. */
public interface InvalidDefinition extends KindedError {

  /** The mistakes, in source order; never empty. */
  List<DefinitionError> errors();

  @Override
  default ErrorKind kind() {
    return ErrorKind.INVALID;
  }

  @Override
  default String title() {
    return "Invalid Definition";
  }
}
