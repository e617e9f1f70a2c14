package io.tramontane.server.http;

import io.tramontane.connectors.ConnectorSettings;
import io.tramontane.connectors.Connectors;
import io.tramontane.core.NotFoundException;
import io.tramontane.server.http.body.ConnectorBodies.ConnectorAction;
import io.tramontane.server.http.body.ConnectorBodies.ConnectorList;
import io.tramontane.server.http.body.ConnectorBodies.ConnectorView;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The connectors API: list the API key's tenant's connector instances with their status, read one,
 * run a pass now, pause and resume. An instance of another tenant does not exist for the caller
 * (404).
 */
final class ConnectorRoutes extends AllDirectives {

  static final String SCOPE_READ = "connectors:read";
  static final String SCOPE_WRITE = "connectors:write";

  /** A Graph notification batch is a few KiB; anything much larger is not one. */
  private static final int MAX_NOTIFICATION_BODY = 256 * 1024;

  private final Connectors connectors;
  private final RequestBodies bodies;

  ConnectorRoutes(Connectors connectors, RequestBodies bodies) {
    this.connectors = connectors;
    this.bodies = bodies.upTo(MAX_NOTIFICATION_BODY);
  }

  void register(RouteTable table) {
    table
        .key("GET", "/connectors", SCOPE_READ, this::list)
        .key("GET", "/connectors/{connector}", SCOPE_READ, this::get)
        .key(
            "POST",
            "/connectors/{connector}/sync",
            SCOPE_WRITE,
            (caller, vars) -> control(caller, vars, connectors::syncNow, "sync requested"))
        .key(
            "POST",
            "/connectors/{connector}/pause",
            SCOPE_WRITE,
            (caller, vars) -> control(caller, vars, connectors::pause, "paused"))
        .key(
            "POST",
            "/connectors/{connector}/resume",
            SCOPE_WRITE,
            (caller, vars) -> control(caller, vars, connectors::resume, "resumed"))
        // Pushed changes (Microsoft Graph subscriptions): no API key — the source checks the
        // request itself (validation token handshake, clientState).
        .add(
            "POST",
            "/connectors/{connector}/notifications",
            RouteTable.Access.SIGNED,
            null,
            this::notifications);
  }

  private Route notifications(Principal caller, Map<String, String> vars) {
    String name = vars.get("connector");
    var endpoint = connectors.notifications(name);
    if (endpoint.isEmpty()) {
      throw new NotFoundException(
          "There is no connector named '" + name + "' taking notifications.");
    }
    return bodies.answer(
        (request, bytes) -> {
          var reply = endpoint.get().handle(request.getUri().rawQueryString().orElse(null), bytes);
          if (reply.status() >= 400) {
            // A refusal is a problem like any other; the source reads the status.
            StatusCode status = StatusCodes.get(reply.status());
            return CompletableFuture.completedFuture(
                Problems.of(status, status.reason(), reply.body()));
          }
          return CompletableFuture.completedFuture(
              HttpResponse.create()
                  .withStatus(reply.status())
                  .withEntity(
                      org.apache.pekko.http.javadsl.model.ContentTypes.parse(
                          reply.contentType().contains("charset")
                                  || !reply.contentType().startsWith("text/")
                              ? reply.contentType()
                              : reply.contentType() + "; charset=UTF-8"),
                      reply.body().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        });
  }

  /** The instance, if it exists and belongs to the caller's tenant. */
  private Optional<ConnectorSettings> owned(Principal caller, String name) {
    return connectors.find(name).filter(s -> s.tenant().equals(caller.tenant()));
  }

  private static NotFoundException notFound(String name) {
    return new NotFoundException(
        "There is no connector named '" + name + "' (see GET /connectors for yours).");
  }

  private Route list(Principal caller, Map<String, String> vars) {
    List<ConnectorSettings> mine =
        connectors.list().stream().filter(s -> s.tenant().equals(caller.tenant())).toList();
    List<CompletableFuture<ConnectorView>> all =
        mine.stream()
            .map(
                s ->
                    connectors
                        .status(s.name())
                        .thenApply(st -> ConnectorView.of(s, st))
                        .toCompletableFuture())
            .toList();
    return Replies.ok(
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)),
        done -> new ConnectorList(all.stream().map(CompletableFuture::join).toList()));
  }

  private Route get(Principal caller, Map<String, String> vars) {
    String name = vars.get("connector");
    Optional<ConnectorSettings> s = owned(caller, name);
    if (s.isEmpty()) {
      throw notFound(name);
    }
    return Replies.ok(connectors.status(name), st -> ConnectorView.of(s.get(), st));
  }

  private Route control(
      Principal caller,
      Map<String, String> vars,
      Function<String, CompletionStage<Done>> action,
      String outcome) {
    String name = vars.get("connector");
    if (owned(caller, name).isEmpty()) {
      throw notFound(name);
    }
    return Replies.reply(
        StatusCodes.ACCEPTED, action.apply(name), done -> new ConnectorAction(name, outcome));
  }
}
