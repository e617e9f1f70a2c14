package io.tramontane.connectors;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.tramontane.core.CborSerializable;
import io.tramontane.core.persistence.PersistenceSettings;
import io.tramontane.core.system.ResumableSharding;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync entity of one connector instance (key: the instance name), one per cluster. It holds the
 * instance's checkpoint, its manifest (the items taken, with their versions), whether it is paused,
 * and its status counters; and it runs the source's passes on a virtual thread, never on the actor
 * thread: at start, every {@code interval}, on "sync now", and when the source's watch sees a
 * change. Requests that arrive while a pass runs are coalesced into one follow-up pass.
 *
 * <p>A pass reports through a {@link PassContext}; its checkpoints (with the manifest changes and
 * counters before them) are persisted before {@link SyncContext#checkpoint} returns, so a pass
 * interrupted by a crash resumes from the last one. A failed pass leaves the status {@code failing}
 * with its reason and is retried after {@link SyncSource#retryAfter}. Pausing stops the pass at its
 * next safe point and closes the watch; resuming starts both again.
 *
 * <p>Remembered by its shard ({@link ResumableSharding}), it wakes by itself after a restart. An
 * instance that is no longer configured is forgotten when it wakes.
 */
public final class ConnectorSyncEntity
    extends EventSourcedBehaviorWithEnforcedReplies<
        ConnectorSyncEntity.Command, ConnectorSyncEntity.Event, ConnectorSyncEntity.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "ConnectorSync");

  /** Item failures kept in the state (and shown in the status), newest first. */
  static final int RECENT_FAILURES = 20;

  private static final Logger LOG = LoggerFactory.getLogger(ConnectorSyncEntity.class);
  private static final String NEXT = "next-pass";
  private static final Duration SAVE_TIMEOUT = Duration.ofSeconds(60);
  private static final AtomicLong PASSES = new AtomicLong();
  private static final Pattern SECRETISH =
      Pattern.compile(
          "(?i)((?:password|passwd|secret|token|key|sig|signature|code)=)[^&\\s\"']+|(\\?)[^\\s\"']+");

  /** One configured instance: its settings, its source, the node's resources. */
  public record Instance(
      ConnectorSettings settings, SyncSource source, ConnectorResources resources) {}

  /**
   * What the entities need from the node.
   *
   * @param instances the configured instances by name (empty: not configured on this node)
   * @param persistence journal failure backoff
   * @param clock the clock
   */
  public record Runtime(
      Function<String, Optional<Instance>> instances,
      PersistenceSettings persistence,
      Clock clock) {}

  /** Commands. */
  public sealed interface Command extends CborSerializable {}

  /** Run a pass now (or right after the running one). Refused while paused. */
  public record SyncNow(ActorRef<StatusReply<Done>> replyTo) implements Command {}

  /** Stop the running pass at its next safe point, close the watch, run no pass until resumed. */
  public record Pause(ActorRef<StatusReply<Done>> replyTo) implements Command {}

  /** Watch again and run a pass. */
  public record Resume(ActorRef<StatusReply<Done>> replyTo) implements Command {}

  public record GetStatus(ActorRef<StatusReply<ConnectorStatus>> replyTo) implements Command {}

  /** Wake the entity (at start: it is remembered from then on). */
  public record Activate() implements Command {}

  /** Internal: the interval or retry timer fired, or a pass was asked for. */
  enum Tick implements Command {
    INSTANCE
  }

  /** Internal: the source's watch saw a change. */
  enum Changed implements Command {
    INSTANCE
  }

  /** Internal: a pass hands over its changes; answered once they are persisted. */
  record Save(long pass, Changes changes, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  /** Internal: a pass ended; {@code error} null when it did not fail. */
  record Finished(long pass, String checkpoint, Changes changes, boolean stopped, String error)
      implements Command {}

  /**
   * What a pass changed since its last save.
   *
   * @param checkpoint the new checkpoint (null: unchanged)
   * @param remembered manifest items recorded, with their versions
   * @param forgotten manifest items removed
   * @param synced documents indexed
   * @param deleted documents removed
   * @param failed items not taken
   * @param throttledWaits waits the source imposed
   * @param throttledMillis their length
   * @param failures the items not taken, oldest first
   */
  public record Changes(
      String checkpoint,
      Map<String, String> remembered,
      List<String> forgotten,
      long synced,
      long deleted,
      long failed,
      long throttledWaits,
      long throttledMillis,
      List<ConnectorStatus.ItemFailure> failures)
      implements CborSerializable {

    public static final Changes NONE = new Changes(null, Map.of(), List.of(), 0, 0, 0, 0, 0, null);

    public Changes {
      remembered = remembered == null ? Map.of() : Map.copyOf(remembered);
      forgotten = forgotten == null ? List.of() : List.copyOf(forgotten);
      failures = failures == null ? List.of() : List.copyOf(failures);
    }

    boolean isEmpty() {
      return checkpoint == null
          && remembered.isEmpty()
          && forgotten.isEmpty()
          && synced == 0
          && deleted == 0
          && failed == 0
          && throttledWaits == 0
          && failures.isEmpty();
    }
  }

  /** Events. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = PassStarted.class, name = "pass-started"),
    @JsonSubTypes.Type(value = Progressed.class, name = "progressed"),
    @JsonSubTypes.Type(value = PassCompleted.class, name = "pass-completed"),
    @JsonSubTypes.Type(value = PassStopped.class, name = "pass-stopped"),
    @JsonSubTypes.Type(value = PassFailed.class, name = "pass-failed"),
    @JsonSubTypes.Type(value = SyncPaused.class, name = "paused"),
    @JsonSubTypes.Type(value = SyncResumed.class, name = "resumed")
  })
  public sealed interface Event extends CborSerializable {}

  public record PassStarted(Instant at) implements Event {}

  /** A pass saved a checkpoint, manifest changes or counters. */
  public record Progressed(Changes changes) implements Event {}

  /** A pass went through; the next starts from {@code checkpoint}. */
  public record PassCompleted(String checkpoint, Instant at) implements Event {}

  /** A pass ended early (paused); the next starts from {@code checkpoint}. */
  public record PassStopped(String checkpoint, Instant at) implements Event {}

  /** A pass failed; {@code reason} is shown in the status. */
  public record PassFailed(String reason, Instant at) implements Event {}

  public record SyncPaused(Instant at) implements Event {}

  public record SyncResumed(Instant at) implements Event {}

  /**
   * State.
   *
   * @param checkpoint where the next pass starts (null: from the beginning)
   * @param paused paused or resumed over the API; null: as configured ({@code paused})
   * @param lastSyncStarted when the last pass started
   * @param lastSuccess when the last pass completed
   * @param lastError why the last pass failed; null once one completes
   * @param failuresInARow passes failed since the last success
   * @param documentsSynced documents indexed
   * @param documentsDeleted documents removed
   * @param itemsFailed items not taken
   * @param throttledWaits waits the source imposed
   * @param throttledMillis their length
   * @param recentFailures the last item failures, newest first
   * @param manifest the items taken, with their versions
   */
  public record State(
      String checkpoint,
      Boolean paused,
      Instant lastSyncStarted,
      Instant lastSuccess,
      String lastError,
      int failuresInARow,
      long documentsSynced,
      long documentsDeleted,
      long itemsFailed,
      long throttledWaits,
      long throttledMillis,
      List<ConnectorStatus.ItemFailure> recentFailures,
      Map<String, String> manifest)
      implements CborSerializable {

    static final State EMPTY =
        new State(null, null, null, null, null, 0, 0, 0, 0, 0, 0, List.of(), Map.of());

    public State {
      recentFailures = recentFailures == null ? List.of() : List.copyOf(recentFailures);
      manifest = manifest == null ? Map.of() : Map.copyOf(manifest);
    }

    State withPaused(Boolean p) {
      return new State(
          checkpoint,
          p,
          lastSyncStarted,
          lastSuccess,
          lastError,
          failuresInARow,
          documentsSynced,
          documentsDeleted,
          itemsFailed,
          throttledWaits,
          throttledMillis,
          recentFailures,
          manifest);
    }

    State withPass(String cp, Instant started, Instant success, String error, int inARow) {
      return new State(
          cp,
          paused,
          started,
          success,
          error,
          inARow,
          documentsSynced,
          documentsDeleted,
          itemsFailed,
          throttledWaits,
          throttledMillis,
          recentFailures,
          manifest);
    }

    State with(Changes c) {
      Map<String, String> m = manifest;
      if (!c.remembered().isEmpty() || !c.forgotten().isEmpty()) {
        Map<String, String> changed = new HashMap<>(manifest);
        changed.putAll(c.remembered());
        c.forgotten().forEach(changed::remove);
        m = changed;
      }
      List<ConnectorStatus.ItemFailure> recent = recentFailures;
      if (!c.failures().isEmpty()) {
        List<ConnectorStatus.ItemFailure> r = new ArrayList<>(c.failures().reversed());
        r.addAll(recentFailures);
        recent = r.subList(0, Math.min(RECENT_FAILURES, r.size()));
      }
      return new State(
          c.checkpoint() != null ? c.checkpoint() : checkpoint,
          paused,
          lastSyncStarted,
          lastSuccess,
          lastError,
          failuresInARow,
          documentsSynced + c.synced(),
          documentsDeleted + c.deleted(),
          itemsFailed + c.failed(),
          throttledWaits + c.throttledWaits(),
          throttledMillis + c.throttledMillis(),
          recent,
          m);
    }
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final String name;
  private final Runtime runtime;
  private final Instance instance;
  private long pass;
  private boolean running;
  private Thread worker;
  private AtomicBoolean stopping = new AtomicBoolean();
  private boolean followUp;
  private AutoCloseable watch;

  private ConnectorSyncEntity(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      ActorRef<ClusterSharding.ShardCommand> shard,
      String name,
      Runtime runtime) {
    super(PersistenceId.of(ENTITY_KEY.name(), name), runtime.persistence().onPersistFailure());
    this.context = context;
    this.timers = timers;
    this.shard = shard;
    this.name = name;
    this.runtime = runtime;
    this.instance = runtime.instances().apply(name).orElse(null);
  }

  /** An entity outside sharding (tests). */
  public static Behavior<Command> create(String name, Runtime runtime) {
    return create(name, runtime, null);
  }

  static Behavior<Command> create(
      String name, Runtime runtime, ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> new ConnectorSyncEntity(ctx, timers, shard, name, runtime)));
  }

  /** Registers the entities with sharding; they are remembered, so they wake after a restart. */
  public static void init(ActorSystem<?> system, Runtime runtime) {
    ClusterSharding.get(system)
        .init(
            Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), runtime, ctx.getShard()))
                .withSettings(ResumableSharding.settings(system)));
  }

  @Override
  public State emptyState() {
    return State.EMPTY;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // A few events per pass, forever: keep recovery short and the journal bounded.
    return RetentionCriteria.snapshotEvery(100, 2).withDeleteEventsOnSnapshot();
  }

  private boolean paused(State s) {
    return s.paused() != null ? s.paused() : instance != null && instance.settings().paused();
  }

  private boolean running() {
    return running;
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              if (instance == null) {
                LOG.warn(
                    "Connector {} is no longer configured (tramontane.connectors.{});"
                        + " its sync entity is forgotten",
                    name,
                    name);
                if (shard != null) {
                  shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
                }
                return;
              }
              if (paused(state)) {
                LOG.info("Connector {} is paused", name);
                return;
              }
              startWatch();
              context.getSelf().tell(Tick.INSTANCE);
            })
        .onSignal(PreRestart.instance(), state -> stopAll())
        .onSignal(PostStop.instance(), state -> stopAll())
        .build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(SyncNow.class, this::onSyncNow)
        .onCommand(Pause.class, this::onPause)
        .onCommand(Resume.class, this::onResume)
        .onCommand(
            GetStatus.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(status(s))))
        .onCommand(Activate.class, (s, c) -> Effect().noReply())
        .onCommand(Tick.class, (s, c) -> requested(s, false))
        .onCommand(Changed.class, (s, c) -> requested(s, true))
        .onCommand(Save.class, this::onSave)
        .onCommand(Finished.class, this::onFinished)
        .build();
  }

  private ReplyEffect<Event, State> onSyncNow(State s, SyncNow c) {
    if (instance == null) {
      return Effect()
          .reply(c.replyTo(), StatusReply.error("connector '" + name + "' is not configured"));
    }
    if (paused(s)) {
      return Effect()
          .reply(
              c.replyTo(),
              StatusReply.error(
                  "connector '"
                      + name
                      + "' is paused; resume it first (POST /connectors/"
                      + name
                      + "/resume)"));
    }
    if (running()) {
      followUp = true;
      return Effect().reply(c.replyTo(), StatusReply.ack());
    }
    return launch().thenReply(c.replyTo(), st -> StatusReply.ack());
  }

  /** A pass is wanted (timer, watch): run it now, or once the running one ends. */
  private ReplyEffect<Event, State> requested(State s, boolean change) {
    if (instance == null || paused(s)) {
      return Effect().noReply();
    }
    if (running()) {
      followUp = followUp || change;
      return Effect().noReply();
    }
    return launch().thenNoReply();
  }

  private org.apache.pekko.persistence.typed.javadsl.EffectBuilder<Event, State> launch() {
    timers.cancel(NEXT);
    followUp = false;
    long mine = PASSES.incrementAndGet();
    pass = mine;
    stopping = new AtomicBoolean();
    // Running from now, before the persist completes, so requests in between coalesce.
    running = true;
    return Effect()
        .persist(new PassStarted(runtime.clock().instant()))
        .thenRun(st -> startWorker(st, mine));
  }

  private void startWorker(State state, long mine) {
    if (pass != mine) {
      return;
    }
    ActorRef<Command> self = context.getSelf();
    ActorSystem<?> system = context.getSystem();
    AtomicBoolean stop = stopping;
    if (stop.get()) {
      // Paused between the request and the persist: end the pass at once.
      self.tell(new Finished(mine, null, Changes.NONE, true, null));
      return;
    }
    PassContext ctx =
        new PassContext(
            instance.settings(),
            instance.resources(),
            state.checkpoint(),
            state.manifest(),
            stop,
            changes -> {
              StatusReply<Done> saved =
                  PassContext.await(
                      AskPattern.<Command, StatusReply<Done>>ask(
                          self, r -> new Save(mine, changes, r), SAVE_TIMEOUT, system.scheduler()));
              if (saved.isError()) {
                throw new IllegalStateException(saved.getError().getMessage());
              }
            },
            runtime.clock());
    SyncSource source = instance.source();
    String from = state.checkpoint();
    worker =
        Thread.ofVirtual()
            .name("connector-" + name)
            .start(
                () -> {
                  String checkpoint = null;
                  String error = null;
                  try {
                    checkpoint = source.sync(from, ctx);
                    ctx.flush();
                  } catch (SyncException e) {
                    error = e.getMessage();
                    LOG.warn("Connector {}: pass failed: {}", name, error);
                  } catch (Exception | Error e) {
                    if (stop.get() || Thread.currentThread().isInterrupted()) {
                      LOG.debug("Connector {}: pass stopped ({})", name, e.toString());
                    } else {
                      error = summary(e);
                      // The trace may quote a URL or a credential: only at debug level.
                      LOG.warn("Connector {}: pass failed: {}", name, error);
                      LOG.debug("Connector {}: pass failure", name, e);
                    }
                  }
                  Changes rest;
                  try {
                    rest = ctx.drain();
                  } catch (RuntimeException e) {
                    rest = Changes.NONE;
                  }
                  self.tell(new Finished(mine, checkpoint, rest, stop.get(), error));
                });
  }

  private ReplyEffect<Event, State> onSave(State s, Save c) {
    if (c.pass() != pass) {
      return Effect().reply(c.replyTo(), StatusReply.error("this pass is no longer current"));
    }
    return Effect()
        .persist(new Progressed(c.changes()))
        .thenReply(c.replyTo(), st -> StatusReply.ack());
  }

  private ReplyEffect<Event, State> onFinished(State s, Finished f) {
    if (f.pass() != pass) {
      return Effect().noReply();
    }
    running = false;
    worker = null;
    Instant now = runtime.clock().instant();
    List<Event> events = new ArrayList<>();
    if (!f.changes().isEmpty()) {
      events.add(new Progressed(f.changes()));
    }
    String checkpoint = f.checkpoint() != null ? f.checkpoint() : null;
    if (f.error() != null) {
      events.add(new PassFailed(f.error(), now));
    } else if (f.stopped()) {
      events.add(new PassStopped(checkpoint, now));
    } else {
      events.add(new PassCompleted(checkpoint, now));
    }
    return Effect().persist(events).thenRun(this::next).thenNoReply();
  }

  /** After a pass: the follow-up, or the timer for the next one. */
  private void next(State st) {
    if (paused(st) || running()) {
      return;
    }
    if (st.lastError() != null) {
      followUp = false;
      Duration retry = instance.source().retryAfter(st.failuresInARow());
      LOG.info(
          "Connector {}: retrying in {} ({} failure(s) in a row)",
          name,
          retry,
          st.failuresInARow());
      timers.startSingleTimer(NEXT, Tick.INSTANCE, retry);
    } else if (followUp) {
      context.getSelf().tell(Tick.INSTANCE);
    } else {
      timers.startSingleTimer(NEXT, Tick.INSTANCE, instance.settings().interval());
    }
  }

  private ReplyEffect<Event, State> onPause(State s, Pause c) {
    if (paused(s)) {
      return Effect().reply(c.replyTo(), StatusReply.ack());
    }
    return Effect()
        .persist(new SyncPaused(runtime.clock().instant()))
        .thenRun(
            st -> {
              LOG.info("Connector {} paused", name);
              stopping.set(true);
              followUp = false;
              timers.cancel(NEXT);
              closeWatch();
            })
        .thenReply(c.replyTo(), st -> StatusReply.ack());
  }

  private ReplyEffect<Event, State> onResume(State s, Resume c) {
    if (instance == null) {
      return Effect()
          .reply(c.replyTo(), StatusReply.error("connector '" + name + "' is not configured"));
    }
    if (!paused(s)) {
      return Effect().reply(c.replyTo(), StatusReply.ack());
    }
    return Effect()
        .persist(new SyncResumed(runtime.clock().instant()))
        .thenRun(
            st -> {
              LOG.info("Connector {} resumed", name);
              startWatch();
              if (running()) {
                followUp = true; // the stopping pass ends first
              } else {
                context.getSelf().tell(Tick.INSTANCE);
              }
            })
        .thenReply(c.replyTo(), st -> StatusReply.ack());
  }

  private ConnectorStatus status(State s) {
    ConnectorSettings settings = instance == null ? null : instance.settings();
    Instant now = runtime.clock().instant();
    String state =
        paused(s) ? "paused" : running() ? "syncing" : s.lastError() != null ? "failing" : "idle";
    return new ConnectorStatus(
        name,
        settings == null ? null : settings.kind(),
        settings == null ? null : settings.collection(),
        state,
        s.lastSyncStarted(),
        s.lastSuccess(),
        s.lastError(),
        s.lastSuccess() == null
            ? -1
            : Math.max(0, Duration.between(s.lastSuccess(), now).toSeconds()),
        s.documentsSynced(),
        s.documentsDeleted(),
        s.itemsFailed(),
        s.throttledWaits(),
        s.throttledMillis(),
        s.recentFailures());
  }

  private void startWatch() {
    if (watch != null || instance == null) {
      return;
    }
    ActorRef<Command> self = context.getSelf();
    try {
      watch = instance.source().watch(() -> self.tell(Changed.INSTANCE));
    } catch (RuntimeException e) {
      LOG.warn(
          "Connector {}: cannot watch the source ({}); passes run every {}",
          name,
          summary(e),
          instance.settings().interval());
    }
  }

  private void closeWatch() {
    if (watch == null) {
      return;
    }
    try {
      watch.close();
    } catch (Exception e) {
      LOG.debug("Connector {}: closing the watch: {}", name, e.toString());
    }
    watch = null;
  }

  /** The actor stops or restarts (journal failure): end the pass and the watch. */
  private void stopAll() {
    stopping.set(true);
    running = false;
    followUp = false;
    pass = -1;
    closeWatch();
    if (worker != null) {
      worker.interrupt();
      worker = null;
    }
  }

  /**
   * A failure that is not a {@link SyncException}, in one line for the status: its type and
   * message, without URL queries or anything shaped like a credential, and never a stack trace.
   */
  static String summary(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException
            || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    String message = t.getMessage() == null ? "" : t.getMessage().lines().findFirst().orElse("");
    message =
        SECRETISH.matcher(message).replaceAll(m -> m.group(1) != null ? m.group(1) + "***" : "?…");
    if (message.length() > 300) {
      message = message.substring(0, 300) + "…";
    }
    return "the pass failed unexpectedly ("
        + t.getClass().getSimpleName()
        + (message.isBlank() ? "" : ": " + message)
        + "); the server log has the details";
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            PassStarted.class,
            (s, e) ->
                s.withPass(
                    s.checkpoint(), e.at(), s.lastSuccess(), s.lastError(), s.failuresInARow()))
        .onEvent(Progressed.class, (s, e) -> s.with(e.changes()))
        .onEvent(
            PassCompleted.class,
            (s, e) ->
                s.withPass(
                    e.checkpoint() != null ? e.checkpoint() : s.checkpoint(),
                    s.lastSyncStarted(),
                    e.at(),
                    null,
                    0))
        .onEvent(
            PassStopped.class,
            (s, e) ->
                s.withPass(
                    e.checkpoint() != null ? e.checkpoint() : s.checkpoint(),
                    s.lastSyncStarted(),
                    s.lastSuccess(),
                    s.lastError(),
                    s.failuresInARow()))
        .onEvent(
            PassFailed.class,
            (s, e) ->
                s.withPass(
                    s.checkpoint(),
                    s.lastSyncStarted(),
                    s.lastSuccess(),
                    e.reason(),
                    s.failuresInARow() + 1))
        .onEvent(SyncPaused.class, (s, e) -> s.withPaused(true))
        .onEvent(SyncResumed.class, (s, e) -> s.withPaused(false))
        .build();
  }
}
