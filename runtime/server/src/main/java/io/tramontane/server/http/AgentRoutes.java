package io.tramontane.server.http;

import io.tramontane.agents.Agents;
import io.tramontane.agents.definition.AgentDefinition;
import io.tramontane.server.http.body.AgentBodies.AgentDeployed;
import io.tramontane.server.http.body.AgentBodies.AgentList;
import io.tramontane.server.http.body.AgentBodies.AgentSummary;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The agents API: list, define and delete agents; their sessions are {@link SessionRoutes}'. The
 * tenant is the API key's.
 */
final class AgentRoutes extends AllDirectives {

  static final String SCOPE_READ = "agents:read";
  static final String SCOPE_WRITE = "agents:write";
  static final String SCOPE_USE = "agents:use";
  static final String SCOPE_APPROVE = "agents:approve";

  static final int MAX_BODY = 256 * 1024;

  private final Agents agents;
  private final RequestBodies bodies;
  private final SessionRoutes sessions;

  AgentRoutes(Agents agents, RequestBodies bodies, Duration messageWait) {
    this.agents = agents;
    this.bodies = bodies.upTo(MAX_BODY);
    this.sessions = new SessionRoutes(agents, this.bodies, messageWait);
  }

  void register(RouteTable table) {
    table
        .key("GET", "/agents", SCOPE_READ, this::list)
        .key("PUT", "/agents/{agent}", SCOPE_WRITE, this::define)
        .key("DELETE", "/agents/{agent}", SCOPE_WRITE, this::delete);
    sessions.register(table);
  }

  private Route list(Principal caller, Map<String, String> vars) {
    return Replies.now(
        new AgentList(agents.definitions(caller.tenant()).stream().map(AgentSummary::of).toList()));
  }

  private Route define(Principal caller, Map<String, String> vars) {
    return bodies.answer(
        (request, bytes) -> {
          String name = vars.get("agent");
          // checked whole (the name too) before anything is stored
          AgentDefinition d = agents.define(caller.tenant(), name, "PUT /agents/" + name, bytes);
          return CompletableFuture.completedFuture(
              Json.response(StatusCodes.OK, new AgentDeployed(d.name(), d.version())));
        });
  }

  private Route delete(Principal caller, Map<String, String> vars) {
    return Replies.removal(() -> agents.remove(caller.tenant(), vars.get("agent")));
  }
}
