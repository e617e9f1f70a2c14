package io.tramontane.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.tramontane.core.error.ErrorKind;
import io.tramontane.core.error.Refusal;

/**
 * The request cannot succeed as sent: empty input, input over a limit, an unknown name. The message
 * says what is wrong and how to fix it. Never retriable (HTTP edges answer 400).
 */
public final class InvalidRequestException extends TramontaneException implements Refusal {

  @JsonCreator
  public InvalidRequestException(@JsonProperty("message") String message) {
    super(ErrorKind.INVALID, false, message);
  }
}
