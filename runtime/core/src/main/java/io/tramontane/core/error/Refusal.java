package io.tramontane.core.error;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.tramontane.core.CborSerializable;

/**
 * An error an entity replies with ({@code StatusReply.error(refusal)}) when it refuses a command. A
 * reply may cross nodes, so a refusal is {@link CborSerializable} as its message alone: it derives
 * its kind (and title) from its class, and has a public constructor {@code
 * (@JsonProperty("message") String message)} marked {@code @JsonCreator}. Its stack trace and cause
 * do not travel.
 */
@JsonAutoDetect(
    fieldVisibility = Visibility.NONE,
    getterVisibility = Visibility.NONE,
    isGetterVisibility = Visibility.NONE,
    setterVisibility = Visibility.NONE,
    creatorVisibility = Visibility.NONE)
@JsonIgnoreProperties(ignoreUnknown = true)
public interface Refusal extends KindedError, CborSerializable {

  /** The message, the only member a refusal is serialized with. */
  @JsonProperty("message")
  default String refusal() {
    return getMessage();
  }
}
