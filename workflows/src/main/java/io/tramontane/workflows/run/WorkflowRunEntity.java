package io.tramontane.workflows.run;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.tramontane.core.CborSerializable;
import io.tramontane.core.ConflictException;
import io.tramontane.core.NotFoundException;
import io.tramontane.core.persistence.JournaledEntity;
import io.tramontane.core.persistence.PersistenceSettings;
import io.tramontane.core.system.ResumableSharding;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One workflow run (key = run id), pinned to the definition it started with: the definition's tree
 * travels in {@link RunStarted}, so deploying a new version never changes a run in flight. Every
 * side effect's outcome is persisted ({@link EffectRecorded}) before the run moves on; the run
 * executes on a virtual thread ({@link RunThread}) by {@link Replay}, and after a crash or a
 * rebalance it runs again from the recorded outcomes — resuming at the interrupted effect, which is
 * re-issued under the same key. Runs are remembered by their shard while they are running, so they
 * resume without a request.
 */
public final class WorkflowRunEntity
    extends JournaledEntity<
        WorkflowRunEntity.Command, WorkflowRunEntity.Event, WorkflowRunEntity.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "WorkflowRun");

  private static final Logger LOG = LoggerFactory.getLogger(WorkflowRunEntity.class);

  /**
   * An ended run stays in memory this long (for reads), then its shard stops and forgets it: the
   * shard no longer remembers it, so it is not recovered at the next start.
   */
  static final Duration ENDED_PASSIVATION = Duration.ofSeconds(10);

  /**
   * What runs need from the node: the live side of a run's effects (by run id), a clock,
   * persistence settings, the platform events' topic, and the count of running runs per tenant.
   */
  public record Runtime(
      Function<String, Replay.Live> live,
      Clock clock,
      PersistenceSettings persistence,
      ActorRef<Topic.Command<Notify>> events,
      RunningRuns running) {

    /** Without platform events: runs receive only events delivered to them directly. */
    public Runtime(
        Function<String, Replay.Live> live, Clock clock, PersistenceSettings persistence) {
      this(live, clock, persistence, null);
    }

    public Runtime(
        Function<String, Replay.Live> live,
        Clock clock,
        PersistenceSettings persistence,
        ActorRef<Topic.Command<Notify>> events) {
      this(live, clock, persistence, events, new RunningRuns());
    }
  }

  /** The topic platform events are published to, for runs waiting in a {@code listen}. */
  public static Behavior<Topic.Command<Notify>> eventsTopic() {
    return Topic.create(Notify.class, "workflow-platform-events");
  }

  /** Commands. */
  public sealed interface Command extends CborSerializable {}

  /** Start the run (once; a repeat with the same run id answers with the run's state). */
  public record Start(
      String definitionVersion,
      String definition,
      String input,
      ActorRef<StatusReply<State>> replyTo)
      implements Command {}

  /** Internal: an effect's outcome, from the run's thread; answered once it is persisted. */
  public record Record(String key, String outcome, ActorRef<StatusReply<Done>> replyTo)
      implements Command {}

  /** Internal: the run's thread ended. */
  record Finished(int incarnation, String output, String error) implements Command {}

  public record Get(ActorRef<StatusReply<State>> replyTo) implements Command {}

  /** Deliver an event (CloudEvents-shaped JSON) to the run, for its {@code listen} tasks. */
  public record Deliver(String event, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  public record Cancel(String by, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  /**
   * A platform event (CloudEvents JSON) of {@code tenant}, published to every running run; a run
   * keeps it only while it waits in a listen the event could satisfy.
   */
  public record Notify(String tenant, String event) implements Command {}

  /** Internal: a listen (by effect key) of the run waits for {@code to}, or no longer (null). */
  record Listening(int incarnation, String key, String to) implements Command {}

  /** Internal: stop this run if it has ended. */
  record Passivate() implements Command {}

  /** Events. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = RunStarted.class, name = "run-started"),
    @JsonSubTypes.Type(value = EffectRecorded.class, name = "effect-recorded"),
    @JsonSubTypes.Type(value = RunCompleted.class, name = "run-completed"),
    @JsonSubTypes.Type(value = RunFailed.class, name = "run-failed"),
    @JsonSubTypes.Type(value = RunCancelled.class, name = "run-cancelled"),
    @JsonSubTypes.Type(value = EventReceived.class, name = "event-received")
  })
  public sealed interface Event extends CborSerializable {}

  public record RunStarted(String definitionVersion, String definition, String input, Instant at)
      implements Event {}

  /** An effect's outcome, keyed {@code <task reference>#<occurrence>}. */
  public record EffectRecorded(String key, String outcome) implements Event {}

  public record RunCompleted(String output) implements Event {}

  /** The run ended with an RFC 7807 error (JSON). */
  public record RunFailed(String error) implements Event {}

  public record RunCancelled(String by) implements Event {}

  /** An event was delivered to the run. */
  public record EventReceived(String event) implements Event {}

  /** Where a run stands. */
  public enum Status {
    NEW,
    RUNNING,
    COMPLETED,
    FAILED,
    CANCELLED
  }

  /**
   * State: the pinned definition, the input, the recorded effects and the outcome. The effects grow
   * without being copied ({@link RecordedEffects}): recovering N effects is linear.
   */
  public record State(
      Status status,
      String definitionVersion,
      String definition,
      String input,
      Map<String, String> effects,
      String output,
      String error,
      List<String> inbox)
      implements CborSerializable {

    static final State EMPTY = new State(Status.NEW, null, null, null, Map.of(), null, null, null);

    public State {
      effects = RecordedEffects.of(effects == null ? Map.of() : effects);
      inbox = inbox == null ? List.of() : List.copyOf(inbox);
    }

    State apply(Event event) {
      return switch (event) {
        case RunStarted e ->
            new State(
                Status.RUNNING,
                e.definitionVersion(),
                e.definition(),
                e.input(),
                null,
                null,
                null,
                null);
        case EffectRecorded e ->
            new State(
                status,
                definitionVersion,
                definition,
                input,
                RecordedEffects.of(effects).with(e.key(), e.outcome()),
                output,
                error,
                inbox);
        case EventReceived e -> {
          List<String> more = new ArrayList<>(inbox);
          more.add(e.event());
          yield new State(
              status, definitionVersion, definition, input, effects, output, error, more);
        }
        case RunCompleted e -> ended(Status.COMPLETED, e.output(), null);
        case RunFailed e -> ended(Status.FAILED, null, e.error());
        case RunCancelled e -> ended(Status.CANCELLED, null, null);
      };
    }

    private State ended(Status s, String output, String error) {
      return new State(s, definitionVersion, definition, input, effects, output, error, inbox);
    }
  }

  private final ActorContext<Command> context;
  private final Runtime runtime;
  private final String runId;
  private final Passivation passivation;
  private final RunEvents events;
  private int incarnation;
  private boolean counted; // this entity's run is in runtime.running()
  private RunThread thread; // the current incarnation's, once launched

  private WorkflowRunEntity(
      ActorContext<Command> context,
      String runId,
      Runtime runtime,
      ActorRef<ClusterSharding.ShardCommand> shard,
      Duration passivateAfter) {
    super(ENTITY_KEY, runId, runtime.persistence(), State.EMPTY, State::apply);
    this.context = context;
    this.runId = runId;
    this.runtime = runtime;
    this.passivation = new Passivation(context, Effect(), shard, passivateAfter);
    this.events =
        new RunEvents(
            runId, Effect(), () -> thread.inbox(), runtime.events(), context.getSelf().narrow());
  }

  /** A run outside sharding (tests). */
  public static Behavior<Command> create(String runId, Runtime runtime) {
    return create(runId, runtime, null, ENDED_PASSIVATION);
  }

  /**
   * A run whose shard is told to stop (and forget) it {@code passivateAfter} after it has ended, so
   * ended runs do not stay in memory or get recovered at every start.
   */
  public static Behavior<Command> create(
      String runId,
      Runtime runtime,
      ActorRef<ClusterSharding.ShardCommand> shard,
      Duration passivateAfter) {
    return Behaviors.setup(
        ctx -> new WorkflowRunEntity(ctx, runId, runtime, shard, passivateAfter));
  }

  /**
   * Registers runs with sharding; running runs are remembered (journal) and resume by themselves.
   */
  public static void init(ActorSystem<?> system, Runtime runtime) {
    ResumableSharding.init(
        system,
        ENTITY_KEY,
        ctx -> create(ctx.getEntityId(), runtime, ctx.getShard(), ENDED_PASSIVATION));
  }

  @Override
  protected void recovered(State state) {
    if (state.status() == Status.RUNNING) {
      LOG.info("Run {} resumes from {} recorded effect(s)", runId, state.effects().size());
      launch(state);
    } else if (state.status() != Status.NEW) {
      passivation.later();
    }
  }

  @Override
  protected void stopped(State state) {
    uncount();
    stopThread();
  }

  /** Handlers per phase: new (it can start), running, not running; then those of every phase. */
  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    var handlers = newCommandHandlerWithReplyBuilder();
    handlers.forState(s -> s.status() == Status.NEW).onCommand(Start.class, this::onStart);
    handlers
        .forState(s -> s.status() != Status.NEW)
        .onCommand(Start.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s)));
    handlers
        .forState(s -> s.status() == Status.RUNNING)
        .onCommand(Record.class, this::onRecord)
        .onCommand(Finished.class, this::onFinished)
        .onCommand(Deliver.class, (s, c) -> events.deliver(s, c))
        .onCommand(Notify.class, (s, c) -> events.notify(s, c))
        .onCommand(Cancel.class, this::onCancel);
    handlers
        .forState(s -> s.status() != Status.RUNNING)
        .onCommand(
            Record.class,
            (s, c) ->
                Effect()
                    .reply(
                        c.replyTo(),
                        StatusReply.error(new ConflictException("the run is " + s.status()))))
        .onCommand(Deliver.class, (s, c) -> notRunning(s, c.replyTo()))
        .onCommand(Cancel.class, (s, c) -> notRunning(s, c.replyTo()))
        .onCommand(Finished.class, (s, c) -> Effect().noReply())
        .onCommand(Notify.class, (s, c) -> Effect().noReply());
    handlers
        .forAnyState()
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s)))
        .onCommand(Listening.class, (s, l) -> events.listening(l, incarnation))
        .onCommand(Passivate.class, (s, c) -> passivation.now(s));
    return handlers.build();
  }

  /** A run that ended refuses (409); one that never started does not exist (404). */
  private ReplyEffect<Event, State> notRunning(State s, ActorRef<StatusReply<Done>> replyTo) {
    RuntimeException refusal =
        s.status() == Status.NEW
            ? new NotFoundException("No run '" + runId.substring(runId.lastIndexOf('/') + 1) + "'.")
            : new ConflictException("the run is not running");
    return Effect().reply(replyTo, StatusReply.error(refusal));
  }

  private ReplyEffect<Event, State> onStart(State s, Start cmd) {
    return Effect()
        .persist(
            new RunStarted(
                cmd.definitionVersion(), cmd.definition(), cmd.input(), runtime.clock().instant()))
        .thenRun(this::launch)
        .thenReply(cmd.replyTo(), StatusReply::success);
  }

  private ReplyEffect<Event, State> onRecord(State s, Record cmd) {
    if (s.effects().containsKey(cmd.key())) {
      return Effect().reply(cmd.replyTo(), StatusReply.ack());
    }
    return Effect()
        .persist(new EffectRecorded(cmd.key(), cmd.outcome()))
        .thenReply(cmd.replyTo(), st -> StatusReply.ack());
  }

  private ReplyEffect<Event, State> onFinished(State s, Finished f) {
    if (f.incarnation() != incarnation) {
      return Effect().noReply();
    }
    events.close();
    Event e = f.error() == null ? new RunCompleted(f.output()) : new RunFailed(f.error());
    uncount();
    return Effect().persist(e).thenRun(st -> passivation.later()).thenNoReply();
  }

  private ReplyEffect<Event, State> onCancel(State s, Cancel cmd) {
    incarnation++;
    events.close();
    stopThread();
    return Effect()
        .persist(new RunCancelled(cmd.by()))
        .thenRun(
            st -> {
              uncount();
              passivation.later();
            })
        .thenReply(cmd.replyTo(), st -> StatusReply.ack());
  }

  private void uncount() {
    if (counted) {
      counted = false;
      runtime.running().ended(RunningRuns.tenantOf(runId));
    }
  }

  /** Runs the workflow on a virtual thread, replaying what is recorded. */
  private void launch(State state) {
    if (!counted) {
      counted = true;
      runtime.running().started(RunningRuns.tenantOf(runId));
    }
    events.open();
    thread =
        new RunThread(runId, runtime, state, ++incarnation, context.getSelf(), context.getSystem())
            .start(state);
  }

  private void stopThread() {
    if (thread != null) {
      thread.interrupt();
    }
  }
}
