package io.tramontane.server.http;

import java.util.Set;
import java.util.TreeSet;

/**
 * Every scope an API key can hold: the ones the routes ask for, and {@code principals:assert}.
 * Known before anything starts, so a key naming another scope (a typo such as {@code agents:raed})
 * stops the node at once; {@link HttpEdge} checks that each route asks for one of these.
 */
final class Scopes {

  static final Set<String> ALL =
      Set.of(
          HttpEdge.SCOPE_DELIVERIES_READ,
          HttpEdge.SCOPE_TRIGGERS_READ,
          HttpEdge.SCOPE_CLUSTER_READ,
          Principal.SCOPE_ASSERT,
          AgentRoutes.SCOPE_READ,
          AgentRoutes.SCOPE_WRITE,
          AgentRoutes.SCOPE_USE,
          AgentRoutes.SCOPE_APPROVE,
          WorkflowRoutes.SCOPE_READ,
          WorkflowRoutes.SCOPE_WRITE,
          WorkflowRoutes.SCOPE_RUN,
          EventRoutes.SCOPE_PUBLISH,
          RetrievalRoutes.SCOPE_READ,
          RetrievalRoutes.SCOPE_WRITE,
          RetrievalRoutes.SCOPE_SEARCH,
          ConnectorRoutes.SCOPE_READ,
          ConnectorRoutes.SCOPE_WRITE);

  private Scopes() {}

  /** The scopes in alphabetical order, for messages. */
  static String listed() {
    return String.join(", ", new TreeSet<>(ALL));
  }
}
