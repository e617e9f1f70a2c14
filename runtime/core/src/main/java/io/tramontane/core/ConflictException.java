package io.tramontane.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.tramontane.core.error.ErrorKind;
import io.tramontane.core.error.Refusal;

/**
 * The target's current state refuses the command: a turn is already running, the run has ended. The
 * message says what state it is in and what to do instead. Retriable: the state may change (the
 * turn ends), as a CLI's exit code 1 says (HTTP edges answer 409).
 */
public final class ConflictException extends TramontaneException implements Refusal {

  @JsonCreator
  public ConflictException(@JsonProperty("message") String message) {
    super(ErrorKind.CONFLICT, true, message);
  }
}
