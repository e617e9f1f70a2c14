package io.tramontane.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tramontane.core.InvalidRequestException;
import io.tramontane.server.http.body.CloudEvent;
import io.tramontane.server.http.body.Status;
import io.tramontane.workflows.node.Workflows;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code POST /events}: publish a platform event (CloudEvents 1.0 JSON, structured mode) for the
 * API key's tenant. It is stored once per (source, id), starts the workflows whose {@code
 * schedule.on} it satisfies and reaches runs waiting for it in a {@code listen}.
 */
final class EventRoutes extends AllDirectives {

  static final String SCOPE_PUBLISH = "events:publish";
  private static final int MAX_BODY = 512 * 1024;

  /** Writes an event with the attributes it has (none as null). */
  private static final ObjectMapper ATTRIBUTES =
      Json.MAPPER.copy().setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL);

  private final Workflows workflows;
  private final RequestBodies bodies;

  EventRoutes(Workflows workflows, RequestBodies bodies) {
    this.workflows = workflows;
    this.bodies = bodies.upTo(MAX_BODY);
  }

  void register(RouteTable table) {
    table.key("POST", "/events", SCOPE_PUBLISH, this::publish);
  }

  /**
   * A request body as a {@link CloudEvent}, as JSON with only the attributes it has; {@code
   * typeRequired} for events delivered to a run.
   */
  static JsonNode event(byte[] bytes, boolean typeRequired) {
    CloudEvent event = Json.read(bytes, CloudEvent.class, "the event");
    if (typeRequired && event.type() == null) {
      throw new InvalidRequestException(
          "event attribute 'type' is missing, e.g. {\"type\": \"io.tramontane.approval.granted\"}.");
    }
    return ATTRIBUTES.valueToTree(event);
  }

  private Route publish(Principal caller, Map<String, String> vars) {
    return bodies.answerJson(
        (request, bytes) ->
            workflows
                .publish(caller.tenant(), event(bytes, false))
                .thenApply(
                    duplicate ->
                        Json.response(
                            StatusCodes.ACCEPTED,
                            new Status(duplicate ? "duplicate" : "published"))));
  }
}
