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
import io.tramontane.core.ConfigurationException;
import io.tramontane.core.InvalidRequestException;
import io.tramontane.core.NotFoundException;
import io.tramontane.core.UnavailableException;
import io.tramontane.core.definition.StoredDefinitions;
import io.tramontane.core.system.TramontaneSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.typed.PersistenceId;
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
  private static final Pattern SESSION = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Duration ASK = Duration.ofSeconds(30);

  /** The journal's entity type of stored agent definitions. */
  static final String KIND = "AgentDefinition";

  /** How long a node waits for the journal when it reads a definition it has not seen. */
  private static final long READ_SECONDS = 10;

  private final ActorSystem<?> system;
  private final AgentCatalog catalog;
  private final ToolRegistry tools;
  private final Map<String, ChatModel> models;
  private final ExecutorService executor;
  private final Duration answerTimeout;
  private final AgentDefinitions loader;
  private final StoredDefinitions store;

  private Agents(
      ActorSystem<?> system,
      AgentCatalog catalog,
      ToolRegistry tools,
      Map<String, ChatModel> models,
      ExecutorService executor,
      Duration answerTimeout,
      AgentDefinitions loader,
      StoredDefinitions store) {
    this.system = system;
    this.catalog = catalog;
    this.tools = tools;
    this.models = models;
    this.executor = executor;
    this.answerTimeout = answerTimeout;
    this.loader = loader;
    this.store = store;
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
    StoredDefinitions store = StoredDefinitions.start(node.system(), node.persistence(), KIND);
    AgentCatalog catalog = new AgentCatalog((t, n) -> read(store, loader, t, n));
    store.onChange(
        k ->
            store
                .read(k)
                .thenAccept(s -> catalog.apply(k.tenant(), k.name(), parsed(loader, s)))
                .whenComplete(
                    (ok, e) -> {
                      if (e != null) {
                        LOG.warn("Agent {}: change not read: {}", k, e.toString());
                      }
                    }));
    loadStored(store, loader, catalog);
    Path dir = dir(config);
    String tenant = filesTenant(config);
    int files = 0;
    for (AgentDefinition d : loader.loadDirectory(dir).values()) {
      catalog.put(tenant, d);
      storeFile(store, loader, tenant, d);
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

  /** {@code tramontane.agents.tenant}: the tenant the definitions directory belongs to. */
  static String filesTenant(Config config) {
    String t = config.getString("tramontane.agents.tenant");
    if (!StoredDefinitions.validTenant(t)) {
      throw new ConfigurationException(
          "tramontane.agents.tenant must be a tenant name (1-128 characters, no '/'), not '"
              + t
              + "'.");
    }
    return t;
  }

  /** Stores a file's definition for other nodes and for sessions pinned to it (not awaited). */
  private static void storeFile(
      StoredDefinitions store, AgentDefinitions loader, String tenant, AgentDefinition d) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(Path.of(d.source()));
    } catch (IOException | RuntimeException e) {
      LOG.warn("Agent {}: {} not stored: {}", d.name(), d.source(), e.toString());
      return;
    }
    if (!loader.parse(d.source(), bytes).version().equals(d.version())) {
      LOG.warn(
          "Agent {}: {} changed while it was read; stored at the next start", d.name(), d.source());
      return;
    }
    store
        .deploy(
            new StoredDefinitions.Key(tenant, d.name()),
            d.version(),
            d.source(),
            new String(bytes, StandardCharsets.UTF_8))
        .whenComplete(
            (ok, e) -> {
              if (e != null) {
                LOG.warn("Agent {}: not stored for other nodes yet: {}", d.name(), e.toString());
              }
            });
  }

  /**
   * Every stored definition of every tenant (deployed over REST, on any node, before this start).
   */
  private static void loadStored(
      StoredDefinitions store, AgentDefinitions loader, AgentCatalog catalog) {
    List<StoredDefinitions.Stored> all;
    try {
      all = store.all().toCompletableFuture().get(READ_SECONDS * 3, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the journal is not reachable yet: each stored definition is read when first asked for
      LOG.warn(
          "Agents: stored definitions not loaded at start ({}); read on first use", e.toString());
      return;
    }
    for (StoredDefinitions.Stored s : all) {
      catalog.apply(s.key().tenant(), s.key().name(), parsed(loader, s));
    }
    if (!all.isEmpty()) {
      LOG.info("Agents: {} stored definition(s) loaded", all.size());
    }
  }

  /** Reads one stored definition (the catalog's store); null for a name that cannot be stored. */
  private static AgentCatalog.Stored read(
      StoredDefinitions store, AgentDefinitions loader, String tenant, String name) {
    if (!StoredDefinitions.validTenant(tenant) || !StoredDefinitions.valid(name)) {
      return null;
    }
    try {
      return parsed(
          loader,
          store
              .read(new StoredDefinitions.Key(tenant, name))
              .toCompletableFuture()
              .get(READ_SECONDS, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the stored definition: " + e, e);
    }
  }

  /** Parses every stored version; one that no longer parses here (a tool gone) is left out. */
  static AgentCatalog.Stored parsed(AgentDefinitions loader, StoredDefinitions.Stored s) {
    List<AgentDefinition> versions = new java.util.ArrayList<>();
    AgentDefinition current = null;
    for (StoredDefinitions.Version v : s.versions().values()) {
      try {
        AgentDefinition d = loader.parse(v.source(), v.text().getBytes(StandardCharsets.UTF_8));
        versions.add(d);
        if (v.hash().equals(s.current())) {
          current = d;
        }
      } catch (RuntimeException e) {
        LOG.warn(
            "Agent {}: stored version {} no longer loads: {}", s.key(), v.hash(), e.getMessage());
      }
    }
    return new AgentCatalog.Stored(current, versions, s.seqNr());
  }

  static Path dir(Config config) {
    String d = config.getString("tramontane.agents.dir");
    return d.isBlank()
        ? Path.of(config.getString("tramontane.data-dir")).resolve("agents")
        : Path.of(d);
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
    AgentDefinition d = loader.parse(source, yaml);
    if (expectedName != null && !d.name().equals(expectedName)) {
      throw new InvalidRequestException(
          "the definition's name '"
              + d.name()
              + "' differs from the path's '"
              + expectedName
              + "': upload it to /agents/"
              + d.name()
              + " or change its 'name' to '"
              + expectedName
              + "'; nothing was deployed.");
    }
    StoredDefinitions.Key key = new StoredDefinitions.Key(tenant, d.name());
    try {
      store
          .deploy(key, d.version(), source, new String(yaml, StandardCharsets.UTF_8))
          .toCompletableFuture()
          .join();
    } catch (CompletionException e) {
      throw new UnavailableException(
          "the definition could not be stored (" + e.getCause().getMessage() + "); retry",
          Duration.ofSeconds(5));
    }
    if (!refresh(key)) {
      catalog.put(tenant, d);
    }
    return d;
  }

  /**
   * Deletes the definition {@code name} of {@code tenant}: new sessions are refused, sessions
   * already pinned to one of its versions continue. Idempotent: true when a version was deployed.
   */
  public boolean remove(String tenant, String name) {
    if (!StoredDefinitions.valid(name)) {
      throw new InvalidRequestException(
          "agent name '" + name + "' is not valid: 1-128 letters, digits, '.', '_', ':' or '-'.");
    }
    StoredDefinitions.Key key = new StoredDefinitions.Key(tenant, name);
    boolean removed = store.removeNow(key);
    if (!refresh(key)) {
      catalog.apply(tenant, name, new AgentCatalog.Stored(null, List.of(), Long.MAX_VALUE));
    }
    return removed;
  }

  /** Reads {@code key} from the store into the catalog; false when it cannot be read. */
  private boolean refresh(StoredDefinitions.Key key) {
    try {
      catalog.apply(
          key.tenant(),
          key.name(),
          parsed(
              loader, store.read(key).toCompletableFuture().get(READ_SECONDS, TimeUnit.SECONDS)));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      LOG.warn("Agent {}: stored, but not read back yet: {}", key, e.toString());
      return false;
    }
  }

  private static NotFoundException noSuchAgent(String agent) {
    return new NotFoundException(
        "No agent '" + agent + "' in this tenant; GET /agents lists the tenant's agents.");
  }

  private EntityRef<AgentSessionEntity.Command> session(String tenant, String agent, String id) {
    if (!SESSION.matcher(id).matches()) {
      throw new InvalidRequestException(
          "session id '" + id + "' is not valid: 1-128 letters, digits, '.', '_', ':' or '-'.");
    }
    if (!catalog.known(tenant, agent)) {
      throw noSuchAgent(agent);
    }
    return ClusterSharding.get(system)
        .entityRefFor(
            AgentSessionEntity.ENTITY_KEY, AgentSessionEntity.entityId(tenant, agent, id));
  }

  /**
   * Sends a message; completes when the turn has started (is persisted). A deleted agent's sessions
   * continue on their pinned version; a new session of it is refused.
   */
  public CompletionStage<AgentSessionEntity.TurnStarted> send(
      String tenant, String agent, String sessionId, String text, Set<String> principals) {
    return send(tenant, agent, sessionId, text, principals, null);
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
    try {
      AgentSessionEntity.checkMessage(text)
          .ifPresent(
              problem -> {
                throw new InvalidRequestException(problem);
              });
      String hash = idempotencyKey == null ? null : requestHash(text, principals);
      EntityRef<AgentSessionEntity.Command> session = session(tenant, agent, sessionId);
      CompletionStage<Boolean> open =
          catalog.current(tenant, agent).isPresent()
              ? CompletableFuture.completedFuture(true)
              : session
                  .<SessionState>askWithStatus(AgentSessionEntity.Get::new, ASK)
                  .thenApply(s -> s.turn() > 0);
      return open.thenCompose(
          ok -> {
            if (!ok) {
              throw noSuchAgent(agent);
            }
            return session.<AgentSessionEntity.TurnStarted>askWithStatus(
                r ->
                    new AgentSessionEntity.SendMessage(
                        tenant, text, principals, idempotencyKey, hash, r),
                ASK);
          });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** SHA-256 over the text and the sorted principals: what a repeated message must match. */
  static String requestHash(String text, Set<String> principals) {
    try {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      sha.update(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      for (String p : new java.util.TreeSet<>(principals == null ? Set.of() : principals)) {
        sha.update((byte) 0);
        sha.update(p.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      return java.util.HexFormat.of().formatHex(sha.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public CompletionStage<SessionState> get(String tenant, String agent, String sessionId) {
    try {
      return session(tenant, agent, sessionId).askWithStatus(AgentSessionEntity.Get::new, ASK);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  public CompletionStage<Done> decide(
      String tenant,
      String agent,
      String sessionId,
      String key,
      boolean approve,
      String by,
      String reason) {
    try {
      return session(tenant, agent, sessionId)
          .askWithStatus(r -> new AgentSessionEntity.Decide(key, approve, by, reason, r), ASK);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Cancels the running turn; the reply lists the calls whose outcome is now unknown. */
  public CompletionStage<AgentSessionEntity.Cancelled> cancel(
      String tenant, String agent, String sessionId, String by) {
    try {
      return session(tenant, agent, sessionId)
          .askWithStatus(r -> new AgentSessionEntity.Cancel(by, r), ASK);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The journal id of a session, after checking the ids and that the agent exists. */
  private String persistenceId(String tenant, String agent, String sessionId) {
    session(tenant, agent, sessionId);
    return PersistenceId.of(
            AgentSessionEntity.ENTITY_KEY.name(),
            AgentSessionEntity.entityId(tenant, agent, sessionId))
        .id();
  }

  private JdbcReadJournal journal() {
    return PersistenceQuery.get(system.classicSystem())
        .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
  }

  /** One persisted step of a session, with its sequence number (for resuming a stream). */
  public record Step(long sequenceNr, SessionEvents.Event event) {}

  /**
   * The session's persisted steps from the journal, after {@code afterSequenceNr}, then live as
   * they are persisted. Never ends by itself.
   */
  public Source<Step, NotUsed> steps(
      String tenant, String agent, String sessionId, long afterSequenceNr) {
    return journal()
        .eventsByPersistenceId(
            persistenceId(tenant, agent, sessionId), afterSequenceNr + 1, Long.MAX_VALUE)
        .filter(e -> e.event() instanceof SessionEvents.Event)
        .map(e -> new Step(e.sequenceNr(), (SessionEvents.Event) e.event()));
  }

  /** The session's recorded steps so far (a finite read of the journal). */
  public CompletionStage<List<SessionEvents.Event>> recorded(
      String tenant, String agent, String sessionId) {
    return journal()
        .currentEventsByPersistenceId(persistenceId(tenant, agent, sessionId), 0, Long.MAX_VALUE)
        .filter(e -> e.event() instanceof SessionEvents.Event)
        .map(e -> (SessionEvents.Event) e.event())
        .runWith(org.apache.pekko.stream.javadsl.Sink.seq(), system);
  }

  /**
   * Replays a recorded session against the agent's current definition, with no live call, and
   * reports where it would diverge.
   */
  public CompletionStage<SessionReplay.Report> replay(
      String tenant, String agent, String sessionId) {
    return recorded(tenant, agent, sessionId)
        .thenApply(
            events -> {
              if (events.isEmpty()) {
                throw new InvalidRequestException(
                    "no session '" + sessionId + "' of agent '" + agent + "' is recorded.");
              }
              String pinned = ((SessionEvents.MessageReceived) events.getFirst()).agentVersion();
              Optional<AgentDefinition> recorded = catalog.exact(tenant, agent, pinned);
              // A deleted agent is replayed against the version its session ran.
              AgentDefinition current =
                  catalog
                      .current(tenant, agent)
                      .or(() -> recorded)
                      .orElseThrow(() -> noSuchAgent(agent));
              return SessionReplay.replay(events, current, recorded, tools);
            });
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
    return send(tenant, agent, sessionId, text, principals)
        .thenCompose(started -> awaitAnswer(tenant, agent, sessionId, started.turn()));
  }

  /**
   * Waits until {@code turn} has an answer or waits for a person: the session tells us when
   * (re-asked if the session restarted meanwhile), up to {@code tramontane.agents.answer-timeout}.
   */
  public CompletionStage<Answer> awaitAnswer(
      String tenant, String agent, String sessionId, int turn) {
    long deadline = System.nanoTime() + answerTimeout.toNanos();
    return CompletableFuture.supplyAsync(
        () -> {
          while (true) {
            SessionState s;
            try {
              s =
                  session(tenant, agent, sessionId)
                      .<SessionState>askWithStatus(
                          r -> new AgentSessionEntity.AwaitTurn(turn, r), ASK)
                      .toCompletableFuture()
                      .join();
            } catch (java.util.concurrent.CompletionException e) {
              if (!(e.getCause() instanceof java.util.concurrent.TimeoutException)
                  || System.nanoTime() > deadline) {
                throw e;
              }
              continue;
            }
            return answerOf(s, turn);
          }
        },
        executor);
  }

  /**
   * Waits up to {@code wait} for {@code turn} to answer or wait for a person; when the wait ends
   * first, the answer's outcome is {@link Outcome#WORKING}. Never fails on the wait itself.
   */
  public CompletionStage<Answer> awaitAnswer(
      String tenant, String agent, String sessionId, int turn, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    return CompletableFuture.supplyAsync(
        () -> {
          while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
              return working(turn);
            }
            try {
              SessionState s =
                  session(tenant, agent, sessionId)
                      .<SessionState>askWithStatus(
                          r -> new AgentSessionEntity.AwaitTurn(turn, r),
                          Duration.ofNanos(Math.min(left, ASK.toNanos())))
                      .toCompletableFuture()
                      .join();
              return answerOf(s, turn);
            } catch (java.util.concurrent.CompletionException e) {
              if (!(e.getCause() instanceof java.util.concurrent.TimeoutException)) {
                throw e;
              }
            }
          }
        },
        executor);
  }

  private static Answer working(int turn) {
    return new Answer(turn, "", List.of(), false, List.of(), Outcome.WORKING, null, List.of());
  }

  /** Where {@code turn} stands in the session {@code s}. */
  public static Answer answerOf(SessionState s, int turn) {
    SessionEvents.AnswerProduced answer = null;
    SessionEvents.ModelCallFailed failed = null;
    boolean budget = false;
    boolean cancelled = false;
    boolean seen = false;
    List<SessionEvents.ToolCallOutcomeUnknown> unknown = new java.util.ArrayList<>();
    for (SessionEvents.Event e : s.transcript()) {
      if (e.turn() != turn) {
        continue;
      }
      seen = true;
      switch (e) {
        case SessionEvents.AnswerProduced a -> answer = a;
        case SessionEvents.ModelCallFailed f -> failed = f;
        case SessionEvents.BudgetExceeded b -> budget = true;
        case SessionEvents.TurnCancelled c -> cancelled = true;
        case SessionEvents.ToolCallOutcomeUnknown u -> unknown.add(u);
        default -> {}
      }
    }
    if (failed != null) {
      return new Answer(
          turn,
          "The language model could not answer: " + failed.detail() + ".",
          List.of(),
          false,
          List.of(),
          Outcome.FAILED,
          failed,
          unknown);
    }
    if (answer != null) {
      return new Answer(
          turn,
          answer.text(),
          answer.citations(),
          false,
          List.of(),
          budget ? Outcome.BUDGET_EXCEEDED : Outcome.ANSWERED,
          null,
          unknown);
    }
    if (cancelled) {
      return new Answer(
          turn,
          "(the turn was cancelled)",
          List.of(),
          false,
          List.of(),
          Outcome.CANCELLED,
          null,
          unknown);
    }
    if (s.turn() == turn && s.phase() == SessionState.Phase.AWAITING_APPROVAL) {
      return new Answer(
          turn,
          "",
          List.of(),
          true,
          s.pending().stream().map(SessionState.Pending::key).toList(),
          Outcome.AWAITING_APPROVAL,
          null,
          unknown);
    }
    if (s.turn() == turn || seen) {
      return working(turn);
    }
    return new Answer(
        turn,
        "(this turn ended earlier; its steps are no longer kept in the session)",
        List.of(),
        false,
        List.of(),
        Outcome.EARLIER,
        null,
        List.of());
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
