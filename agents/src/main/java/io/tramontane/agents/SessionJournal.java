package io.tramontane.agents;

import io.tramontane.agents.definition.AgentCatalog;
import io.tramontane.agents.session.SessionEvents;
import io.tramontane.agents.session.SessionReplay;
import io.tramontane.agents.tool.ToolRegistry;
import io.tramontane.core.InvalidRequestException;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Source;

/**
 * What the journal holds of a session: its steps (then live as they are persisted), its recorded
 * events, and a replay of them against the agent's current definition.
 */
final class SessionJournal {

  private final ActorSystem<?> system;
  private final AgentCatalog catalog;
  private final ToolRegistry tools;
  private final AgentSessions sessions;

  SessionJournal(
      ActorSystem<?> system, AgentCatalog catalog, ToolRegistry tools, AgentSessions sessions) {
    this.system = system;
    this.catalog = catalog;
    this.tools = tools;
    this.sessions = sessions;
  }

  private JdbcReadJournal journal() {
    return PersistenceQuery.get(system.classicSystem())
        .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
  }

  Source<Agents.Step, NotUsed> steps(
      String tenant, String agent, String sessionId, long afterSequenceNr) {
    return journal()
        .eventsByPersistenceId(
            sessions.persistenceId(tenant, agent, sessionId), afterSequenceNr + 1, Long.MAX_VALUE)
        .filter(e -> e.event() instanceof SessionEvents.Event)
        .map(e -> new Agents.Step(e.sequenceNr(), (SessionEvents.Event) e.event()));
  }

  CompletionStage<List<SessionEvents.Event>> recorded(
      String tenant, String agent, String sessionId) {
    return journal()
        .currentEventsByPersistenceId(
            sessions.persistenceId(tenant, agent, sessionId), 0, Long.MAX_VALUE)
        .filter(e -> e.event() instanceof SessionEvents.Event)
        .map(e -> (SessionEvents.Event) e.event())
        .runWith(org.apache.pekko.stream.javadsl.Sink.seq(), system);
  }

  CompletionStage<SessionReplay.Report> replay(String tenant, String agent, String sessionId) {
    return recorded(tenant, agent, sessionId)
        .thenApply(
            events -> {
              if (events.isEmpty()) {
                throw new InvalidRequestException(
                    "no session '" + sessionId + "' of agent '" + agent + "' is recorded.");
              }
              return SessionReplay.replay(
                  events, catalog, tenant, agent, () -> AgentSessions.noSuchAgent(agent), tools);
            });
  }
}
