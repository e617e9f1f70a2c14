package io.tramontane.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.tramontane.core.error.ErrorKind;
import io.tramontane.core.error.Refusal;

/**
 * The request names something the caller's tenant does not have (an agent, a workflow). The message
 * names only what was asked for, never what other tenants have. Never retriable (HTTP edges answer
 * 404).
 */
public final class NotFoundException extends TramontaneException implements Refusal {

  @JsonCreator
  public NotFoundException(@JsonProperty("message") String message) {
    super(ErrorKind.NOT_FOUND, false, message);
  }
}
