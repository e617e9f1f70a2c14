package io.tramontane.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.tramontane.core.InvalidRequestException;
import java.util.Iterator;
import java.util.List;

/**
 * The CloudEvents 1.0 JSON objects the API takes ({@code POST /events}, {@code POST
 * /workflows/{w}/runs/{run}/events}): an attribute the platform does not know is refused rather
 * than silently dropped, and each known one must have its type, so a mistake is a 400 naming it.
 */
final class EventBodies {

  /** CloudEvents 1.0 context attributes (extension attributes are not supported) and data. */
  static final List<String> ATTRIBUTES =
      List.of(
          "specversion",
          "id",
          "source",
          "type",
          "subject",
          "time",
          "datacontenttype",
          "dataschema",
          "data");

  private EventBodies() {}

  /** Checks {@code event}; {@code typeRequired} for events delivered to a run. */
  static JsonNode check(JsonNode event, boolean typeRequired) {
    if (event == null || !event.isObject()) {
      throw new InvalidRequestException(
          "an event is a CloudEvents JSON object, e.g. {\"type\": \"io.tramontane.approval.granted\","
              + " \"data\": {…}}.");
    }
    for (Iterator<String> it = event.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if ("tenant".equals(name)) {
        throw new InvalidRequestException(
            "the 'tenant' attribute is set from your API key; remove it from the event.");
      }
      if (!ATTRIBUTES.contains(name)) {
        throw new InvalidRequestException(
            "unknown event attribute '"
                + name
                + "'; accepted: "
                + String.join(", ", ATTRIBUTES)
                + " (extension attributes are not supported).");
      }
      if (!"data".equals(name) && !event.get(name).isTextual()) {
        throw new InvalidRequestException(
            "event attribute '" + name + "' must be a string, was " + event.get(name) + ".");
      }
    }
    if (typeRequired && !event.hasNonNull("type")) {
      throw new InvalidRequestException(
          "event attribute 'type' is missing, e.g. {\"type\": \"io.tramontane.approval.granted\"}.");
    }
    return event;
  }
}
