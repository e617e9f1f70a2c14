package io.tramontane.workflows.schedule;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.tramontane.core.CborSerializable;
import io.tramontane.core.persistence.JournaledEntity;
import io.tramontane.core.persistence.PersistenceSettings;
import io.tramontane.core.system.ResumableSharding;
import io.tramontane.workflows.definition.ScheduleSpec;
import io.tramontane.workflows.run.WorkflowRunEntity;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
 * The timer schedule of one workflow for one tenant (key {@code <tenant>/<workflow>}), one per
 * cluster. It persists {@link TickFired} <em>before</em> it starts the tick's run, whose name comes
 * from the tick ({@code tick-20260302T060000Z}); runs start idempotently per name, so a crash
 * between the two re-issues the same start after recovery and each tick gets exactly one run. A
 * start counts as done once its {@link StartConfirmed} is persisted.
 *
 * <p>Remembered by its shard, it wakes by itself after a restart or a rebalance and handles the
 * ticks it missed by {@code tramontane.workflows.schedules.missed} ({@link
 * ScheduleSettings.Missed}). Timers never wait longer than {@code max-timer}: the clock is read
 * again at least that often.
 */
public final class ScheduleEntity
    extends JournaledEntity<ScheduleEntity.Command, ScheduleEntity.Event, ScheduleEntity.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "WorkflowSchedule");

  private static final Logger LOG = LoggerFactory.getLogger(ScheduleEntity.class);

  /** What a schedule needs from the node. */
  public record Runtime(
      Runs runs, ScheduleSettings settings, Clock clock, PersistenceSettings persistence) {}

  /** Commands. */
  public sealed interface Command extends CborSerializable {}

  /**
   * Make the schedule this: persisted only when the spec or the definition version changed. A new
   * spec starts counting from now; a new version alone keeps the ticks where they are.
   */
  public record Ensure(
      ScheduleSpec spec,
      String definitionVersion,
      String definition,
      ActorRef<StatusReply<Done>> replyTo)
      implements Command {}

  /** The deployed version has no timer schedule: fire no more ticks. */
  public record Remove(ActorRef<StatusReply<Done>> replyTo) implements Command {}

  public record Get(ActorRef<StatusReply<State>> replyTo) implements Command {}

  /** Internal: read the clock, fire what is due, set the next timer. */
  enum Wake implements Command {
    INSTANCE
  }

  /** Internal: a run's start was accepted. */
  record Started(String runName) implements Command {}

  /** Internal: a run's start failed (it is retried). */
  record StartFailed(String runName, String reason) implements Command {}

  /** Internal ({@code after}): the awaited run's status, or why it could not be read. */
  record Observed(String runName, WorkflowRunEntity.Status status, String failure)
      implements Command {}

  /** Events. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = ScheduleSet.class, name = "schedule-set"),
    @JsonSubTypes.Type(value = TickFired.class, name = "tick-fired"),
    @JsonSubTypes.Type(value = StartConfirmed.class, name = "start-confirmed"),
    @JsonSubTypes.Type(value = RunEnded.class, name = "run-ended"),
    @JsonSubTypes.Type(value = ScheduleRemoved.class, name = "schedule-removed")
  })
  public sealed interface Event extends CborSerializable {}

  /** The schedule and the definition its runs start with; ticks count from {@code since}. */
  public record ScheduleSet(
      ScheduleSpec spec, String definitionVersion, String definition, Instant since)
      implements Event {}

  /** A tick is due: its run is to be started (and is, until {@link StartConfirmed}). */
  public record TickFired(Instant tick, String runName) implements Event {}

  public record StartConfirmed(String runName) implements Event {}

  /** ({@code after}) the run was seen ended; the next one is due {@code after} later. */
  public record RunEnded(String runName, Instant at) implements Event {}

  public record ScheduleRemoved(Instant at) implements Event {}

  /**
   * State.
   *
   * @param spec the schedule; null when there is none (never set, or removed)
   * @param definitionVersion hash of the definition runs start with
   * @param definition that definition (JSON)
   * @param since when the current spec was set (to the second): ticks are after it
   * @param lastTick the last tick fired
   * @param lastRun its run
   * @param lastEnded ({@code after}) when {@code lastRun} was seen ended; null while it runs
   * @param unstarted ticks fired whose start is not confirmed yet
   */
  public record State(
      ScheduleSpec spec,
      String definitionVersion,
      String definition,
      Instant since,
      Instant lastTick,
      String lastRun,
      Instant lastEnded,
      List<Fired> unstarted)
      implements CborSerializable {

    /** A fired tick and its run. */
    public record Fired(Instant tick, String runName) {}

    static final State EMPTY = new State(null, null, null, null, null, null, null, List.of());

    public State {
      unstarted = unstarted == null ? List.of() : List.copyOf(unstarted);
    }

    State apply(Event event) {
      return switch (event) {
        case ScheduleSet e -> {
          boolean intoAfter =
              e.spec().kind() == ScheduleSpec.Kind.AFTER
                  && (spec == null || spec.kind() != ScheduleSpec.Kind.AFTER);
          yield new State(
              e.spec(),
              e.definitionVersion(),
              e.definition(),
              e.since(),
              lastTick,
              intoAfter ? null : lastRun,
              intoAfter ? null : lastEnded,
              unstarted);
        }
        case TickFired e -> {
          List<Fired> more = new ArrayList<>(unstarted);
          more.add(new Fired(e.tick(), e.runName()));
          yield withRuns(e.tick(), e.runName(), null, more);
        }
        case StartConfirmed e ->
            withRuns(
                lastTick,
                lastRun,
                lastEnded,
                unstarted.stream().filter(f -> !f.runName().equals(e.runName())).toList());
        case RunEnded e ->
            Objects.equals(e.runName(), lastRun)
                ? withRuns(lastTick, lastRun, e.at(), unstarted)
                : this;
        case ScheduleRemoved e ->
            new State(
                null, definitionVersion, definition, null, lastTick, lastRun, lastEnded, unstarted);
      };
    }

    private State withRuns(Instant tick, String run, Instant ended, List<Fired> pending) {
      return new State(spec, definitionVersion, definition, since, tick, run, ended, pending);
    }
  }

  private final Runtime runtime;
  private final String id;
  private final ScheduleRuns runs;
  private final TickFiring firing;

  private ScheduleEntity(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      ActorRef<ClusterSharding.ShardCommand> shard,
      String id,
      Runtime runtime) {
    // Two events per tick: keep recovery short and the journal bounded.
    super(ENTITY_KEY, id, runtime.persistence(), State.EMPTY, State::apply, Journal.bounded());
    this.id = id;
    this.runtime = runtime;
    this.runs = new ScheduleRuns(context, runtime.runs(), id, shard);
    this.firing = new TickFiring(id, Effect(), timers, context.getSelf(), runtime, runs);
  }

  /** The entity id of a workflow's schedule. */
  public static String entityId(String tenant, String workflow) {
    return tenant + "/" + workflow;
  }

  /** A schedule outside sharding (tests): it cannot passivate. */
  public static Behavior<Command> create(String id, Runtime runtime) {
    return create(id, runtime, null);
  }

  static Behavior<Command> create(
      String id, Runtime runtime, ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(
        ctx -> Behaviors.withTimers(timers -> new ScheduleEntity(ctx, timers, shard, id, runtime)));
  }

  /** Registers schedules with sharding; they are remembered, so they wake after a restart. */
  public static void init(ActorSystem<?> system, Runtime runtime) {
    ResumableSharding.init(
        system, ENTITY_KEY, ctx -> create(ctx.getEntityId(), runtime, ctx.getShard()));
  }

  @Override
  protected void recovered(State state) {
    if (state.spec() != null || !state.unstarted().isEmpty()) {
      LOG.info(
          "Schedule {} resumes: {}, last tick {}, {} start(s) to confirm",
          id,
          state.spec() == null ? "removed" : state.spec(),
          state.lastTick(),
          state.unstarted().size());
      firing.wake();
    }
  }

  /**
   * Handlers per phase: without a schedule (never set, or removed: it only confirms the starts of
   * ticks fired before), {@code every}/{@code cron}, {@code after}; then those of every phase.
   */
  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    var handlers = newCommandHandlerWithReplyBuilder();
    handlers
        .forState(s -> s.spec() == null)
        .onCommand(Wake.class, (s, c) -> reissued(s, Effect().noReply()))
        .onCommand(Remove.class, this::onRemoveNothing)
        .onCommand(Observed.class, (s, o) -> observed(Effect().noReply()));
    handlers
        .forState(s -> s.spec() != null && !TickFiring.isAfter(s))
        .onCommand(Wake.class, (s, c) -> reissued(s, firing.timed(s, runtime.clock().instant())))
        .onCommand(Observed.class, (s, o) -> observed(Effect().noReply()));
    handlers
        .forState(TickFiring::isAfter)
        .onCommand(Wake.class, (s, c) -> reissued(s, firing.after(s, runtime.clock().instant())))
        .onCommand(Observed.class, (s, o) -> observed(firing.observed(s, o)));
    handlers
        .forAnyState()
        .onCommand(Ensure.class, this::onEnsure)
        .onCommand(Remove.class, this::onRemove)
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s)))
        .onCommand(Started.class, this::onStarted)
        .onCommand(
            StartFailed.class,
            (s, c) -> {
              runs.answered(c.runName());
              return firing.retry(c);
            });
    return handlers.build();
  }

  /** A wake first (re)starts the fired ticks whose start is not confirmed. */
  private ReplyEffect<Event, State> reissued(State s, ReplyEffect<Event, State> then) {
    runs.reissue(s);
    return then;
  }

  private ReplyEffect<Event, State> observed(ReplyEffect<Event, State> then) {
    runs.observed();
    return then;
  }

  private ReplyEffect<Event, State> onEnsure(State s, Ensure cmd) {
    if (cmd.spec() == null || cmd.definition() == null || cmd.definitionVersion() == null) {
      return Effect()
          .reply(cmd.replyTo(), StatusReply.error("a schedule needs a spec and a definition"));
    }
    if (cmd.spec().kind() == ScheduleSpec.Kind.CRON) {
      try {
        ScheduleSpec.parseCron(cmd.spec().cron());
      } catch (IllegalArgumentException e) {
        return Effect()
            .reply(
                cmd.replyTo(),
                StatusReply.error("cron '" + cmd.spec().cron() + "': " + e.getMessage()));
      }
    }
    boolean sameSpec = cmd.spec().equals(s.spec());
    if (sameSpec && cmd.definitionVersion().equals(s.definitionVersion())) {
      return Effect().reply(cmd.replyTo(), StatusReply.ack());
    }
    Instant since =
        sameSpec ? s.since() : runtime.clock().instant().truncatedTo(ChronoUnit.SECONDS);
    return Effect()
        .persist(new ScheduleSet(cmd.spec(), cmd.definitionVersion(), cmd.definition(), since))
        .thenRun(
            st -> {
              if (!sameSpec) {
                LOG.info("Schedule {} set: {} (ticks after {})", id, st.spec(), since);
                firing.respecified();
              }
              firing.wake();
            })
        .thenReply(cmd.replyTo(), st -> StatusReply.ack());
  }

  private ReplyEffect<Event, State> onRemoveNothing(State s, Remove cmd) {
    runs.passivateIfIdle(s);
    return Effect().reply(cmd.replyTo(), StatusReply.ack());
  }

  private ReplyEffect<Event, State> onRemove(State s, Remove cmd) {
    return Effect()
        .persist(new ScheduleRemoved(runtime.clock().instant()))
        .thenRun(
            st -> {
              LOG.info("Schedule {} removed: the deployed version has no timer schedule", id);
              firing.stop();
              runs.passivateIfIdle(st);
            })
        .thenReply(cmd.replyTo(), st -> StatusReply.ack());
  }

  private ReplyEffect<Event, State> onStarted(State s, Started c) {
    runs.answered(c.runName());
    if (s.unstarted().stream().noneMatch(f -> f.runName().equals(c.runName()))) {
      return Effect().noReply();
    }
    return Effect()
        .persist(new StartConfirmed(c.runName()))
        .thenRun(
            st -> {
              LOG.debug("Schedule {} started run {}", id, c.runName());
              if (TickFiring.isAfter(st)) {
                firing.wake();
              }
              if (st.spec() == null) {
                runs.passivateIfIdle(st);
              }
            })
        .thenNoReply();
  }
}
