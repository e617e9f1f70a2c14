package io.tramontane.agents.session;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.tramontane.core.TramontaneException;
import io.tramontane.core.error.ErrorKind;
import io.tramontane.core.error.Refusal;

/**
 * A session's refusal of a message whose {@code Idempotency-Key} already started another turn with
 * a different message: the request is well-formed but cannot be processed as that key's retry.
 */
public final class IdempotencyKeyReusedException extends TramontaneException implements Refusal {

  @JsonCreator
  public IdempotencyKeyReusedException(@JsonProperty("message") String message) {
    super(message);
  }

  @Override
  public boolean retriable() {
    return false;
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.UNPROCESSABLE;
  }

  @Override
  public String title() {
    return "Idempotency-Key Reused";
  }
}
