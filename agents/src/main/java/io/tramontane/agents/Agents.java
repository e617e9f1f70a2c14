package io.tramontane.agents;

import com.typesafe.config.Config;
import dev.langchain4j.model.chat.ChatModel;
import io.tramontane.agents.definition.AgentCatalog;
import io.tramontane.agents.definition.AgentDefinition;
import io.tramontane.agents.definition.AgentDefinitions;
import io.tramontane.agents.model.ExtractiveResponder;
import io.tramontane.agents.model.ModelProviders;
import io.tramontane.agents.session.AgentSessionEntity;
import io.tramontane.agents.session.SessionEvents;
import io.tramontane.agents.session.SessionReplay;
import io.tramontane.agents.session.SessionRuntime;
import io.tramontane.agents.session.SessionState;
import io.tramontane.agents.tool.Citation;
import io.tramontane.agents.tool.FileReadTool;
import io.tramontane.agents.tool.FileToolSettings;
import io.tramontane.agents.tool.HttpRequestTool;
import io.tramontane.agents.tool.HttpToolSettings;
import io.tramontane.agents.tool.RetrieveTool;
import io.tramontane.agents.tool.Retrievers;
import io.tramontane.agents.tool.Tool;
import io.tramontane.agents.tool.ToolRegistry;
import io.tramontane.core.definition.StoredDefinitions;
import io.tramontane.core.system.TramontaneSystem;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agents on one node: the definitions (per tenant, stored and shared by every node), the models,
 * the tool registry and the sharded sessions. {@link #ask} sends a message and waits for the turn's
 * answer.
 */
public final class Agents implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Agents.class);
  private final AgentCatalog catalog;
  private final ToolRegistry tools;
  private final Map<String, ChatModel> models;
  private final ExecutorService executor;
  private final AgentStore store;
  private final AgentSessions sessions;
  private final SessionJournal journal;

  private Agents(
      ActorSystem<?> system,
      AgentCatalog catalog,
      ToolRegistry tools,
      Map<String, ChatModel> models,
      ExecutorService executor,
      Duration answerTimeout,
      AgentDefinitions loader,
      StoredDefinitions store) {
    this.catalog = catalog;
    this.tools = tools;
    this.models = models;
    this.executor = executor;
    this.store = new AgentStore(loader, store, catalog);
    this.sessions = new AgentSessions(system, catalog, executor, answerTimeout);
    this.journal = new SessionJournal(system, catalog, tools, sessions);
  }

  /** Starts agents with the configured models ({@code default}: the extractive responder). */
  public static Agents start(TramontaneSystem node, Retrievers retrievers, Config config) {
    return start(node, retrievers, config, Map.of(), new ToolRegistry());
  }

  /**
   * Starts agents with the configured models and {@code extraTools} besides the built-in ones
   * (tools other modules offer, e.g. a mail connector's {@code mail.send}); they are registered
   * before the definitions are read, so definitions may name them.
   */
  public static Agents start(
      TramontaneSystem node, Retrievers retrievers, Config config, List<Tool> extraTools) {
    ToolRegistry tools = new ToolRegistry();
    extraTools.forEach(tools::register);
    return start(node, retrievers, config, Map.of(), tools);
  }

  /**
   * Starts agents. {@code extraModels} adds or replaces models by name (tests register scripted
   * models); {@code tools} may hold tools registered by other modules — {@code retrieve} is added.
   */
  public static Agents start(
      TramontaneSystem node,
      Retrievers retrievers,
      Config config,
      Map<String, ChatModel> extraModels,
      ToolRegistry tools) {
    if (tools.find(RetrieveTool.NAME).isEmpty()) {
      tools.register(new RetrieveTool(retrievers));
    }
    // Built-ins refuse everything until configured (allowed hosts, a files root).
    if (tools.find(HttpRequestTool.NAME).isEmpty()) {
      tools.register(new HttpRequestTool(HttpToolSettings.fromConfig(config)));
    }
    if (tools.find(FileReadTool.NAME).isEmpty()) {
      tools.register(new FileReadTool(FileToolSettings.fromConfig(config)));
    }
    Map<String, ChatModel> models = new HashMap<>();
    ExtractiveResponder extractive = new ExtractiveResponder();
    models.put(ExtractiveResponder.NAME, extractive);
    ModelProviders providers = ModelProviders.fromConfig(config, System::getenv);
    for (String name : providers.names()) {
      providers.find(name).ifPresent(m -> models.put(name, m));
    }
    if (providers.isExtractive(ModelProviders.DEFAULT)) {
      models.put(ModelProviders.DEFAULT, extractive);
    } else {
      providers.find(ModelProviders.DEFAULT).ifPresent(m -> models.put(ModelProviders.DEFAULT, m));
      LOG.info("Agents: model 'default' is {}", providers.describe(ModelProviders.DEFAULT));
    }
    models.putAll(extraModels);
    AgentDefinitions loader =
        new AgentDefinitions(
            n -> tools.find(n).isPresent(),
            models::containsKey,
            n -> tools.find(n).map(Tool::approvalByDefault).orElse(false));
    StoredDefinitions store =
        StoredDefinitions.start(node.system(), node.persistence(), AgentStore.KIND);
    AgentCatalog catalog = new AgentCatalog((t, n) -> AgentStore.read(store, loader, t, n));
    store.onChange(
        k ->
            store
                .read(k)
                .thenAccept(s -> catalog.apply(k.tenant(), k.name(), AgentStore.parsed(loader, s)))
                .whenComplete(
                    (ok, e) -> {
                      if (e != null) {
                        LOG.warn("Agent {}: change not read: {}", k, e.toString());
                      }
                    }));
    AgentStore.loadStored(store, loader, catalog);
    Path dir = AgentStore.dir(config);
    String tenant = AgentStore.filesTenant(config);
    int files = 0;
    for (AgentDefinition d : loader.loadDirectory(dir).values()) {
      catalog.put(tenant, d);
      AgentStore.storeFile(store, loader, tenant, d);
      files++;
    }
    LOG.info("Agents: {} definition(s) from {}, tenant {}", files, dir, tenant);
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    SessionRuntime runtime =
        new SessionRuntime(
            catalog,
            name -> Optional.ofNullable(models.get(name)),
            tools,
            executor,
            Clock.systemUTC(),
            node.persistence());
    AgentSessionEntity.init(node.system(), runtime);
    return new Agents(
        node.system(),
        catalog,
        tools,
        models,
        executor,
        config.getDuration("tramontane.agents.answer-timeout"),
        loader,
        store);
  }

  public AgentCatalog catalog() {
    return catalog;
  }

  public ToolRegistry tools() {
    return tools;
  }

  /** The deployed definitions of {@code tenant}, by name. */
  public List<AgentDefinition> definitions(String tenant) {
    return catalog.all(tenant);
  }

  /** Adds or replaces a definition of {@code tenant} from YAML bytes; see the other define. */
  public AgentDefinition define(String tenant, String source, byte[] yaml) {
    return define(tenant, null, source, yaml);
  }

  /**
   * Adds or replaces a definition of {@code tenant} from YAML bytes (REST upload), stored before
   * this returns: every node sees it, and it survives restarts. Everything is checked before
   * anything is stored — errors name line:column, and a name other than {@code expectedName} (when
   * not null) is refused — so a refused definition changes nothing.
   */
  public AgentDefinition define(String tenant, String expectedName, String source, byte[] yaml) {
    return store.define(tenant, expectedName, source, yaml);
  }

  /**
   * Deletes the definition {@code name} of {@code tenant}: new sessions are refused, sessions
   * already pinned to one of its versions continue. Idempotent: true when a version was deployed.
   */
  public boolean remove(String tenant, String name) {
    return store.remove(tenant, name);
  }

  /**
   * Sends a message; completes when the turn has started (is persisted). A deleted agent's sessions
   * continue on their pinned version; a new session of it is refused.
   */
  public CompletionStage<AgentSessionEntity.TurnStarted> send(
      String tenant, String agent, String sessionId, String text, Set<String> principals) {
    return sessions.send(tenant, agent, sessionId, text, principals, null);
  }

  /**
   * Sends a message under the client's {@code idempotencyKey} (null for none): when the session
   * already took a message with that key, nothing starts and the reply names that turn ({@code
   * repeated}); the key with another text or other principals is refused.
   */
  public CompletionStage<AgentSessionEntity.TurnStarted> send(
      String tenant,
      String agent,
      String sessionId,
      String text,
      Set<String> principals,
      String idempotencyKey) {
    return sessions.send(tenant, agent, sessionId, text, principals, idempotencyKey);
  }

  public CompletionStage<SessionState> get(String tenant, String agent, String sessionId) {
    return sessions.ask(tenant, agent, sessionId, AgentSessionEntity.Get::new);
  }

  public CompletionStage<Done> decide(
      String tenant,
      String agent,
      String sessionId,
      String key,
      boolean approve,
      String by,
      String reason) {
    return sessions.ask(
        tenant, agent, sessionId, r -> new AgentSessionEntity.Decide(key, approve, by, reason, r));
  }

  /** Cancels the running turn; the reply lists the calls whose outcome is now unknown. */
  public CompletionStage<AgentSessionEntity.Cancelled> cancel(
      String tenant, String agent, String sessionId, String by) {
    return sessions.ask(tenant, agent, sessionId, r -> new AgentSessionEntity.Cancel(by, r));
  }

  /** One persisted step of a session, with its sequence number (for resuming a stream). */
  public record Step(long sequenceNr, SessionEvents.Event event) {}

  /**
   * The session's persisted steps from the journal, after {@code afterSequenceNr}, then live as
   * they are persisted. Never ends by itself.
   */
  public Source<Step, NotUsed> steps(
      String tenant, String agent, String sessionId, long afterSequenceNr) {
    return journal.steps(tenant, agent, sessionId, afterSequenceNr);
  }

  /** The session's recorded steps so far (a finite read of the journal). */
  public CompletionStage<List<SessionEvents.Event>> recorded(
      String tenant, String agent, String sessionId) {
    return journal.recorded(tenant, agent, sessionId);
  }

  /**
   * Replays a recorded session against the agent's current definition, with no live call, and
   * reports where it would diverge.
   */
  public CompletionStage<SessionReplay.Report> replay(
      String tenant, String agent, String sessionId) {
    return journal.replay(tenant, agent, sessionId);
  }

  /** Where a turn stands when an {@link Answer} is given. */
  public enum Outcome {
    /** The model answered. */
    ANSWERED,
    /** A call waits for a person's decision. */
    AWAITING_APPROVAL,
    /** A limit (steps, tool calls, tokens, time) ended the turn; the text says which. */
    BUDGET_EXCEEDED,
    /** A model call failed; {@link Answer#failure()} says how. No answer. */
    FAILED,
    /** Someone cancelled the turn. */
    CANCELLED,
    /** Still running when the wait ended. */
    WORKING,
    /** The turn ended long ago; its steps are no longer kept in the session. */
    EARLIER
  }

  /**
   * A turn's outcome: the answer and its citations, or that it waits for an approval, failed, was
   * cancelled or still runs; and the calls whose outcome is unknown (they may have been applied).
   */
  public record Answer(
      int turn,
      String text,
      List<Citation> citations,
      boolean awaitingApproval,
      List<String> keys,
      Outcome outcome,
      SessionEvents.ModelCallFailed failure,
      List<SessionEvents.ToolCallOutcomeUnknown> outcomeUnknown) {

    public Answer {
      citations = citations == null ? List.of() : List.copyOf(citations);
      keys = keys == null ? List.of() : List.copyOf(keys);
      outcomeUnknown = outcomeUnknown == null ? List.of() : List.copyOf(outcomeUnknown);
    }

    public Answer(
        int turn,
        String text,
        List<Citation> citations,
        boolean awaitingApproval,
        List<String> keys) {
      this(
          turn,
          text,
          citations,
          awaitingApproval,
          keys,
          awaitingApproval ? Outcome.AWAITING_APPROVAL : Outcome.ANSWERED,
          null,
          List.of());
    }
  }

  /** Sends a message and waits until the turn answers (or waits for an approval). */
  public CompletionStage<Answer> ask(
      String tenant, String agent, String sessionId, String text, Set<String> principals) {
    return sessions.ask(tenant, agent, sessionId, text, principals);
  }

  /**
   * Waits until {@code turn} has an answer or waits for a person: the session tells us when
   * (re-asked if the session restarted meanwhile), up to {@code tramontane.agents.answer-timeout}.
   */
  public CompletionStage<Answer> awaitAnswer(
      String tenant, String agent, String sessionId, int turn) {
    return sessions.awaitAnswer(tenant, agent, sessionId, turn);
  }

  /**
   * Waits up to {@code wait} for {@code turn} to answer or wait for a person; when the wait ends
   * first, the answer's outcome is {@link Outcome#WORKING}. Never fails on the wait itself.
   */
  public CompletionStage<Answer> awaitAnswer(
      String tenant, String agent, String sessionId, int turn, Duration wait) {
    return sessions.awaitAnswer(tenant, agent, sessionId, turn, wait);
  }

  /** Where {@code turn} stands in the session {@code s}. */
  public static Answer answerOf(SessionState s, int turn) {
    return Answers.of(s, turn);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
