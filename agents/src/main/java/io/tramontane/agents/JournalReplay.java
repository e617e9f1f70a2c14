package io.tramontane.agents;

import com.typesafe.config.Config;
import io.tramontane.agents.definition.AgentCatalog;
import io.tramontane.agents.definition.AgentDefinition;
import io.tramontane.agents.definition.AgentDefinitions;
import io.tramontane.agents.session.AgentSessionEntity;
import io.tramontane.agents.session.SessionEvents;
import io.tramontane.agents.session.SessionReplay;
import io.tramontane.agents.tool.FileReadTool;
import io.tramontane.agents.tool.FileToolSettings;
import io.tramontane.agents.tool.HttpRequestTool;
import io.tramontane.agents.tool.HttpToolSettings;
import io.tramontane.agents.tool.RetrieveTool;
import io.tramontane.agents.tool.ToolRegistry;
import io.tramontane.core.InvalidRequestException;
import io.tramontane.core.definition.StoredDefinitions;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * {@code tramontane replay} without a node: reads a session's events from the journal and replays
 * them against the definitions in the agents directory. It starts no sharding (so no remembered
 * session resumes), calls no model and runs no tool: the built-in tools are registered only for
 * their argument schemas, and models are not built at all.
 */
public final class JournalReplay {

  private JournalReplay() {}

  /**
   * Replays the session {@code tenant/agent/session}, reading through {@code system}'s JDBC read
   * journal (a local ActorSystem is enough).
   *
   * @throws InvalidRequestException (in the stage) when the agent or the session is unknown
   */
  public static CompletionStage<SessionReplay.Report> replay(
      ActorSystem<?> system, Config config, String tenant, String agent, String session) {
    ToolRegistry tools = new ToolRegistry();
    tools.register(new RetrieveTool(null));
    tools.register(new HttpRequestTool(HttpToolSettings.fromConfig(config)));
    tools.register(new FileReadTool(FileToolSettings.fromConfig(config)));
    // Tools other modules register on a server (mail.send, ...) are not here: a definition may
    // name them, and the replay then reports their calls as refused on this node.
    AgentDefinitions loader = new AgentDefinitions(name -> true, name -> true, name -> false);
    if (!StoredDefinitions.validTenant(tenant) || !StoredDefinitions.valid(agent)) {
      return CompletableFuture.failedFuture(
          new InvalidRequestException(
              "'" + tenant + "/" + agent + "' is not a tenant and agent name."));
    }
    // The versions a server stored in the journal (the one the session pinned among them), then
    // the files of the agents directory when they belong to this tenant.
    return StoredDefinitions.read(system, AgentStore.KIND, new StoredDefinitions.Key(tenant, agent))
        .thenCompose(
            stored -> {
              AgentCatalog catalog = new AgentCatalog();
              catalog.apply(tenant, agent, AgentStore.parsed(loader, stored));
              if (tenant.equals(AgentStore.filesTenant(config))
                  && Files.isDirectory(AgentStore.dir(config))) {
                for (AgentDefinition d : loader.loadDirectory(AgentStore.dir(config)).values()) {
                  // The directory's file is the definition to compare against (what-if).
                  if (d.name().equals(agent)) {
                    catalog.put(tenant, d);
                  }
                }
              }
              return replay(system, catalog, tools, config, tenant, agent, session);
            });
  }

  private static CompletionStage<SessionReplay.Report> replay(
      ActorSystem<?> system,
      AgentCatalog catalog,
      ToolRegistry tools,
      Config config,
      String tenant,
      String agent,
      String session) {
    String id =
        PersistenceId.of(
                AgentSessionEntity.ENTITY_KEY.name(),
                AgentSessionEntity.entityId(tenant, agent, session))
            .id();
    JdbcReadJournal journal =
        PersistenceQuery.get(system.classicSystem())
            .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    return journal
        .currentEventsByPersistenceId(id, 0, Long.MAX_VALUE)
        .filter(e -> e.event() instanceof SessionEvents.Event)
        .map(e -> (SessionEvents.Event) e.event())
        .runWith(Sink.seq(), system)
        .thenApply(
            (List<SessionEvents.Event> events) -> {
              if (events.isEmpty()) {
                throw new InvalidRequestException(
                    "no session '"
                        + session
                        + "' of agent '"
                        + agent
                        + "' is recorded for tenant '"
                        + tenant
                        + "'.");
              }
              SessionReplay.Report report =
                  SessionReplay.replay(
                      events,
                      catalog,
                      tenant,
                      agent,
                      () ->
                          new InvalidRequestException(
                              "there is no agent named '"
                                  + agent
                                  + "' for tenant '"
                                  + tenant
                                  + "' in the journal or in "
                                  + AgentStore.dir(config)
                                  + "; point --agents at the directory of its definition."),
                      tools);
              return catalog.current(tenant, agent).isPresent() ? report : report.ofDeletedAgent();
            });
  }
}
