package io.tramontane.workflows.schedule;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tramontane.core.CborSerializable;
import io.tramontane.core.persistence.PersistenceSettings;
import io.tramontane.core.system.ResumableSharding;
import io.tramontane.workflows.definition.ScheduleSpec;
import io.tramontane.workflows.run.WorkflowRunEntity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
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
    extends EventSourcedBehaviorWithEnforcedReplies<
        ScheduleEntity.Command, ScheduleEntity.Event, ScheduleEntity.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "WorkflowSchedule");

  private static final Logger LOG = LoggerFactory.getLogger(ScheduleEntity.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WAKE = "wake";
  private static final String RETRY = "retry";
  private static final Duration RETRY_START = Duration.ofSeconds(5);

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

    State withUnstarted(List<Fired> u) {
      return new State(spec, definitionVersion, definition, since, lastTick, lastRun, lastEnded, u);
    }
  }

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final Runtime runtime;
  private final ScheduleSettings settings;
  private final String id;
  private final String tenant;
  private final String workflow;
  private final Set<String> starting = new HashSet<>();
  private boolean polling;
  private Instant skippedUpTo;

  private ScheduleEntity(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      ActorRef<ClusterSharding.ShardCommand> shard,
      String id,
      Runtime runtime) {
    super(PersistenceId.of(ENTITY_KEY.name(), id), runtime.persistence().onPersistFailure());
    int slash = id.indexOf('/');
    if (slash < 1 || slash == id.length() - 1) {
      throw new IllegalArgumentException("a schedule id is <tenant>/<workflow>, not " + id);
    }
    this.context = context;
    this.timers = timers;
    this.shard = shard;
    this.id = id;
    this.runtime = runtime;
    this.settings = runtime.settings();
    this.tenant = id.substring(0, slash);
    this.workflow = id.substring(slash + 1);
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
    // Two events per tick: keep recovery short and the journal bounded.
    return RetentionCriteria.snapshotEvery(100, 2).withDeleteEventsOnSnapshot();
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              if (state.spec() != null || !state.unstarted().isEmpty()) {
                LOG.info(
                    "Schedule {} resumes: {}, last tick {}, {} start(s) to confirm",
                    id,
                    state.spec() == null ? "removed" : state.spec(),
                    state.lastTick(),
                    state.unstarted().size());
                wake();
              }
            })
        .build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Ensure.class, this::onEnsure)
        .onCommand(Remove.class, this::onRemove)
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s)))
        .onCommand(Wake.class, (s, c) -> onWake(s))
        .onCommand(Started.class, this::onStarted)
        .onCommand(StartFailed.class, this::onStartFailed)
        .onCommand(Observed.class, this::onObserved)
        .build();
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
                skippedUpTo = null;
              }
              wake();
            })
        .thenReply(cmd.replyTo(), st -> StatusReply.ack());
  }

  private ReplyEffect<Event, State> onRemove(State s, Remove cmd) {
    if (s.spec() == null) {
      passivateIfIdle(s);
      return Effect().reply(cmd.replyTo(), StatusReply.ack());
    }
    return Effect()
        .persist(new ScheduleRemoved(runtime.clock().instant()))
        .thenRun(
            st -> {
              LOG.info("Schedule {} removed: the deployed version has no timer schedule", id);
              timers.cancel(WAKE);
              passivateIfIdle(st);
            })
        .thenReply(cmd.replyTo(), st -> StatusReply.ack());
  }

  private ReplyEffect<Event, State> onWake(State s) {
    reissue(s);
    if (s.spec() == null) {
      return Effect().noReply();
    }
    Instant now = runtime.clock().instant();
    return s.spec().kind() == ScheduleSpec.Kind.AFTER ? wakeAfter(s, now) : wakeTimed(s, now);
  }

  /** {@code every} and {@code cron}: fire the due ticks by the missed-tick policy. */
  private ReplyEffect<Event, State> wakeTimed(State s, Instant now) {
    Ticks ticks;
    try {
      ticks = new Ticks(s.spec(), settings.zone(), s.since());
    } catch (IllegalArgumentException e) {
      LOG.error("Schedule {}: {} cannot be evaluated ({}); it fires no runs", id, s.spec(), e);
      return Effect().noReply();
    }
    Instant from = latest(latest(s.since(), s.lastTick()), skippedUpTo);
    Optional<Instant> due = ticks.latest(now).filter(t -> t.isAfter(from));
    if (due.isEmpty()) {
      arm(ticks.next(latest(from, now)), now);
      return Effect().noReply();
    }
    Instant last = due.get();
    boolean missedEarlier = ticks.previous(last).filter(p -> p.isAfter(from)).isPresent();
    boolean late = now.isAfter(last.plus(settings.grace()));
    List<Instant> fire =
        switch (settings.missed()) {
          case LATEST -> List.of(last);
          case SKIP -> late ? List.of() : List.of(last);
          case ALL -> ticks.between(from, last, settings.maxCatchUp());
        };
    if (missedEarlier || late) {
      LOG.info(
          "Schedule {}: ticks after {} were missed (the latest due is {}, {} late);"
              + " missed = {}: firing {} run(s)",
          id,
          from,
          last,
          Duration.between(last, now),
          settings.missed().name().toLowerCase(Locale.ROOT),
          fire.size());
    }
    if (fire.isEmpty()) {
      skippedUpTo = last;
      arm(ticks.next(now), now);
      return Effect().noReply();
    }
    List<Event> events = new ArrayList<>();
    for (Instant t : fire) {
      events.add(new TickFired(t, Ticks.runName(t)));
    }
    return Effect()
        .persist(events)
        .thenRun(
            st -> {
              reissue(st);
              Instant after = runtime.clock().instant();
              arm(ticks.next(latest(st.lastTick(), after)), after);
            })
        .thenNoReply();
  }

  /**
   * {@code after}: the first run at once, then each run {@code after} the previous one ended. There
   * is at most one pending start, so a start missed during downtime is made at recovery whatever
   * the missed-tick policy.
   */
  private ReplyEffect<Event, State> wakeAfter(State s, Instant now) {
    Instant tick;
    if (s.lastRun() == null) {
      tick = s.since();
    } else if (s.unstarted().stream().anyMatch(f -> f.runName().equals(s.lastRun()))) {
      return Effect().noReply(); // its start is under way (or retried)
    } else if (s.lastEnded() == null) {
      poll(s.lastRun());
      return Effect().noReply();
    } else {
      Instant due = s.lastEnded().plus(s.spec().interval());
      if (due.isAfter(now)) {
        arm(Optional.of(due), now);
        return Effect().noReply();
      }
      tick = due.truncatedTo(ChronoUnit.SECONDS);
    }
    return Effect()
        .persist(new TickFired(tick, Ticks.runName(tick)))
        .thenRun(this::reissue)
        .thenNoReply();
  }

  private void poll(String run) {
    if (polling) {
      return;
    }
    polling = true;
    CompletionStage<WorkflowRunEntity.Status> status;
    try {
      status = runtime.runs().status(tenant, workflow, run);
    } catch (RuntimeException e) {
      status = CompletableFuture.failedFuture(e);
    }
    context.pipeToSelf(
        status,
        (st, err) -> new Observed(run, st, err == null ? null : String.valueOf(err.getMessage())));
  }

  private ReplyEffect<Event, State> onObserved(State s, Observed o) {
    polling = false;
    boolean awaited =
        s.spec() != null
            && s.spec().kind() == ScheduleSpec.Kind.AFTER
            && o.runName().equals(s.lastRun())
            && s.lastEnded() == null;
    if (!awaited) {
      return Effect().noReply();
    }
    if (o.failure() == null && o.status() != WorkflowRunEntity.Status.RUNNING) {
      if (o.status() == WorkflowRunEntity.Status.NEW) {
        LOG.warn("Schedule {}: run {} does not exist; counting it as ended", id, o.runName());
      }
      return Effect()
          .persist(new RunEnded(o.runName(), runtime.clock().instant()))
          .thenRun(st -> wake())
          .thenNoReply();
    }
    if (o.failure() != null) {
      LOG.debug("Schedule {}: cannot read run {} yet: {}", id, o.runName(), o.failure());
    }
    timers.startSingleTimer(WAKE, Wake.INSTANCE, settings.afterPoll());
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onStarted(State s, Started c) {
    starting.remove(c.runName());
    if (s.unstarted().stream().noneMatch(f -> f.runName().equals(c.runName()))) {
      return Effect().noReply();
    }
    return Effect()
        .persist(new StartConfirmed(c.runName()))
        .thenRun(
            st -> {
              LOG.debug("Schedule {} started run {}", id, c.runName());
              if (st.spec() != null && st.spec().kind() == ScheduleSpec.Kind.AFTER) {
                wake();
              }
              if (st.spec() == null) {
                passivateIfIdle(st);
              }
            })
        .thenNoReply();
  }

  private ReplyEffect<Event, State> onStartFailed(State s, StartFailed c) {
    starting.remove(c.runName());
    Duration retry = min(RETRY_START, settings.maxTimer());
    LOG.warn(
        "Schedule {}: starting run {} failed ({}); retrying in {}",
        id,
        c.runName(),
        c.reason(),
        retry);
    timers.startSingleTimer(RETRY, Wake.INSTANCE, retry);
    return Effect().noReply();
  }

  /** Starts every fired tick whose start is not confirmed and not under way. */
  private void reissue(State s) {
    for (State.Fired f : s.unstarted()) {
      if (!starting.add(f.runName())) {
        continue;
      }
      CompletionStage<?> started;
      try {
        started =
            runtime
                .runs()
                .start(
                    tenant,
                    workflow,
                    f.runName(),
                    s.definitionVersion(),
                    s.definition(),
                    input(f.tick(), s.spec()));
      } catch (RuntimeException e) {
        started = CompletableFuture.failedFuture(e);
      }
      context.pipeToSelf(
          started,
          (ok, err) ->
              err == null
                  ? new Started(f.runName())
                  : new StartFailed(f.runName(), String.valueOf(err.getMessage())));
    }
  }

  /** A scheduled run's input: {@code {"tick": "2026-03-02T06:00:00Z", "schedule": {...}}}. */
  static String input(Instant tick, ScheduleSpec spec) {
    ObjectNode in = JSON.createObjectNode().put("tick", tick.toString());
    if (spec != null) {
      in.set("schedule", spec.toJson());
    }
    return in.toString();
  }

  private void arm(Optional<Instant> next, Instant now) {
    if (next.isEmpty()) {
      timers.cancel(WAKE);
      LOG.warn("Schedule {}: no later tick; it fires no more runs", id);
      return;
    }
    Duration delay = min(Duration.between(now, next.get()), settings.maxTimer());
    timers.startSingleTimer(WAKE, Wake.INSTANCE, delay.isNegative() ? Duration.ZERO : delay);
  }

  private void wake() {
    context.getSelf().tell(Wake.INSTANCE);
  }

  private void passivateIfIdle(State s) {
    if (s.unstarted().isEmpty() && shard != null) {
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    }
  }

  private static Instant latest(Instant a, Instant b) {
    return a == null ? b : b == null || a.isAfter(b) ? a : b;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            ScheduleSet.class,
            (s, e) -> {
              boolean intoAfter =
                  e.spec().kind() == ScheduleSpec.Kind.AFTER
                      && (s.spec() == null || s.spec().kind() != ScheduleSpec.Kind.AFTER);
              return new State(
                  e.spec(),
                  e.definitionVersion(),
                  e.definition(),
                  e.since(),
                  s.lastTick(),
                  intoAfter ? null : s.lastRun(),
                  intoAfter ? null : s.lastEnded(),
                  s.unstarted());
            })
        .onEvent(
            TickFired.class,
            (s, e) -> {
              List<State.Fired> unstarted = new ArrayList<>(s.unstarted());
              unstarted.add(new State.Fired(e.tick(), e.runName()));
              return new State(
                  s.spec(),
                  s.definitionVersion(),
                  s.definition(),
                  s.since(),
                  e.tick(),
                  e.runName(),
                  null,
                  unstarted);
            })
        .onEvent(
            StartConfirmed.class,
            (s, e) ->
                s.withUnstarted(
                    s.unstarted().stream().filter(f -> !f.runName().equals(e.runName())).toList()))
        .onEvent(
            RunEnded.class,
            (s, e) ->
                Objects.equals(e.runName(), s.lastRun())
                    ? new State(
                        s.spec(),
                        s.definitionVersion(),
                        s.definition(),
                        s.since(),
                        s.lastTick(),
                        s.lastRun(),
                        e.at(),
                        s.unstarted())
                    : s)
        .onEvent(
            ScheduleRemoved.class,
            (s, e) ->
                new State(
                    null,
                    s.definitionVersion(),
                    s.definition(),
                    null,
                    s.lastTick(),
                    s.lastRun(),
                    s.lastEnded(),
                    s.unstarted()))
        .build();
  }
}
