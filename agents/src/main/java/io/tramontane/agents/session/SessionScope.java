package io.tramontane.agents.session;

import io.tramontane.agents.definition.AgentDefinition;
import io.tramontane.agents.session.AgentSessionEntity.Command;
import io.tramontane.agents.session.AgentSessionEntity.Proceed;
import io.tramontane.agents.session.SessionEvents.Event;
import java.util.Optional;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;

/**
 * What a session's workers share: its id, tenant and agent, the node's runtime, the actor and its
 * effects.
 */
record SessionScope(
    String entityId,
    String tenant,
    String agent,
    SessionRuntime runtime,
    ActorContext<Command> context,
    EffectFactories<Event, SessionState> effect) {

  /** The definition the session's turn runs with (its pinned version). */
  Optional<AgentDefinition> definition(SessionState s) {
    return runtime.catalog().version(tenant, agent, s.agentVersion());
  }

  /** Take the next step of {@code turn}. */
  void proceed(int turn) {
    context.getSelf().tell(new Proceed(turn));
  }
}
