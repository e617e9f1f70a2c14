package io.tramontane.agents.tool;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.util.Optional;

/** Placeholder: checks only that the arguments are an object (full validation lands next). */
public final class ArgumentValidator {

  private ArgumentValidator() {}

  /**
   * Empty when {@code arguments} satisfy {@code schema}; otherwise what is wrong, for the model.
   */
  public static Optional<String> validate(JsonObjectSchema schema, JsonNode arguments) {
    return arguments != null && arguments.isObject()
        ? Optional.empty()
        : Optional.of("the arguments must be a JSON object");
  }
}
