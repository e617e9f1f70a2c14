package io.tramontane.connectors;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.tramontane.core.CborSerializable;
import io.tramontane.core.persistence.JournaledEntity;
import io.tramontane.core.persistence.PersistenceSettings;
import io.tramontane.core.system.ResumableSharding;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
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
    extends JournaledEntity<
        ConnectorSyncEntity.Command, ConnectorSyncEntity.Event, ConnectorSyncEntity.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "ConnectorSync");

  /** Item failures kept in the state (and shown in the status), newest first. */
  static final int RECENT_FAILURES = 20;

  private static final Logger LOG = LoggerFactory.getLogger(ConnectorSyncEntity.class);

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

    State apply(Event event) {
      return switch (event) {
        case PassStarted e -> withPass(checkpoint, e.at(), lastSuccess, lastError, failuresInARow);
        case Progressed e -> SyncProgress.progressed(this, e.changes());
        case PassCompleted e -> withPass(after(e.checkpoint()), lastSyncStarted, e.at(), null, 0);
        case PassStopped e ->
            withPass(
                after(e.checkpoint()), lastSyncStarted, lastSuccess, lastError, failuresInARow);
        case PassFailed e ->
            withPass(checkpoint, lastSyncStarted, lastSuccess, e.reason(), failuresInARow + 1);
        case SyncPaused e -> SyncProgress.paused(this, true);
        case SyncResumed e -> SyncProgress.paused(this, false);
      };
    }

    private String after(String cp) {
      return cp != null ? cp : checkpoint;
    }

    private State withPass(String cp, Instant started, Instant success, String error, int inARow) {
      return SyncProgress.pass(this, cp, started, success, error, inARow);
    }
  }

  private final ActorContext<Command> context;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final String name;
  private final Runtime runtime;
  private final Instance instance;
  private final Passes passes;
  private final SourceWatch watch;

  private ConnectorSyncEntity(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      ActorRef<ClusterSharding.ShardCommand> shard,
      String name,
      Runtime runtime) {
    // A few events per pass, forever: keep recovery short and the journal bounded.
    super(ENTITY_KEY, name, runtime.persistence(), State.EMPTY, State::apply, Journal.bounded());
    this.context = context;
    this.shard = shard;
    this.name = name;
    this.runtime = runtime;
    this.instance = runtime.instances().apply(name).orElse(null);
    this.passes = new Passes(name, instance, runtime, context, timers, Effect(), this::paused);
    this.watch = new SourceWatch(name, instance, context.getSelf());
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
    ResumableSharding.init(
        system, ENTITY_KEY, ctx -> create(ctx.getEntityId(), runtime, ctx.getShard()));
  }

  private boolean paused(State s) {
    return s.paused() != null ? s.paused() : instance != null && instance.settings().paused();
  }

  @Override
  protected void recovered(State state) {
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
    watch.open();
    context.getSelf().tell(Tick.INSTANCE);
  }

  @Override
  protected void restarting(State state) {
    stopAll();
  }

  @Override
  protected void stopped(State state) {
    stopAll();
  }

  /** Handlers per phase: not configured, paused, syncing (or idle); then those of every phase. */
  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    var handlers = newCommandHandlerWithReplyBuilder();
    handlers
        .forState(s -> instance == null)
        .onCommand(SyncNow.class, (s, c) -> notConfigured(c.replyTo()))
        .onCommand(Resume.class, (s, c) -> notConfigured(c.replyTo()));
    handlers
        .forState(s -> instance == null || paused(s))
        .onCommand(Tick.class, (s, c) -> Effect().noReply())
        .onCommand(Changed.class, (s, c) -> Effect().noReply());
    handlers
        .forState(this::paused)
        .onCommand(SyncNow.class, (s, c) -> Effect().reply(c.replyTo(), pausedError()))
        .onCommand(Pause.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.ack()))
        .onCommand(Resume.class, (s, c) -> passes.resume(c, watch));
    handlers
        .forState(s -> !paused(s))
        .onCommand(SyncNow.class, (s, c) -> passes.syncNow(c))
        .onCommand(Pause.class, (s, c) -> passes.pause(c, watch))
        .onCommand(Resume.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.ack()))
        .onCommand(Tick.class, (s, c) -> passes.requested(false))
        .onCommand(Changed.class, (s, c) -> passes.requested(true));
    handlers
        .forAnyState()
        .onCommand(
            GetStatus.class,
            (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(passes.status(s))))
        .onCommand(Activate.class, (s, c) -> Effect().noReply())
        .onCommand(Save.class, (s, c) -> passes.save(c))
        .onCommand(Finished.class, (s, c) -> passes.finished(c));
    return handlers.build();
  }

  private ReplyEffect<Event, State> notConfigured(ActorRef<StatusReply<Done>> replyTo) {
    return Effect().reply(replyTo, StatusReply.error("connector '" + name + "' is not configured"));
  }

  private StatusReply<Done> pausedError() {
    String how = "resume it first (POST /connectors/" + name + "/resume)";
    return StatusReply.error("connector '" + name + "' is paused; " + how);
  }

  /** The actor stops or restarts (journal failure): end the pass and the watch. */
  private void stopAll() {
    passes.stopAll();
    watch.close();
  }
}
