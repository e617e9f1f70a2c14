package io.tramontane.server.http;

import io.tramontane.workflows.node.Workflows;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;

/**
 * {@code POST /events}: publish a platform event (CloudEvents 1.0 JSON, structured mode) for the
 * API key's tenant. It is stored once per (source, id), starts the workflows whose {@code
 * schedule.on} it satisfies and reaches runs waiting for it in a {@code listen}.
 */
final class EventRoutes extends AllDirectives {

  static final String SCOPE_PUBLISH = "events:publish";
  private static final int MAX_BODY = 512 * 1024;

  private final Workflows workflows;
  private final Materializer materializer;
  private final long bodyTimeoutMillis;

  EventRoutes(Workflows workflows, Materializer materializer, long bodyTimeoutMillis) {
    this.workflows = workflows;
    this.materializer = materializer;
    this.bodyTimeoutMillis = bodyTimeoutMillis;
  }

  void register(RouteTable table) {
    table.add("POST", "/events", RouteTable.Access.API_KEY, SCOPE_PUBLISH, this::publish);
  }

  private Route publish(Principal caller, Map<String, String> vars) {
    return extractRequest(
        request ->
            completeWithFuture(
                Bodies.strict(request, MAX_BODY, bodyTimeoutMillis, materializer)
                    .thenCompose(
                        bytes ->
                            workflows.publish(
                                caller.tenant(),
                                EventBodies.check(Json.read(bytes, "the event"), false)))
                    .thenApply(
                        duplicate ->
                            Json.response(
                                StatusCodes.ACCEPTED,
                                Map.of("status", duplicate ? "duplicate" : "published")))
                    .exceptionally(Problems::fromThrowable)));
  }
}
