package io.tramontane.workflows.run;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tramontane.core.CborSerializable;
import io.tramontane.core.ConflictException;
import io.tramontane.core.InvalidRequestException;
import io.tramontane.core.persistence.PersistenceSettings;
import io.tramontane.core.system.ResumableSharding;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
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
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One workflow run (key = run id), pinned to the definition it started with: the definition's tree
 * travels in {@link RunStarted}, so deploying a new version never changes a run in flight. Every
 * side effect's outcome is persisted ({@link EffectRecorded}) before the run moves on; the run
 * executes on a virtual thread by {@link Replay}, and after a crash or a rebalance it runs again
 * from the recorded outcomes — resuming at the interrupted effect, which is re-issued under the
 * same key. Runs are remembered by their shard while they are running, so they resume without a
 * request.
 */
public final class WorkflowRunEntity
    extends EventSourcedBehaviorWithEnforcedReplies<
        WorkflowRunEntity.Command, WorkflowRunEntity.Event, WorkflowRunEntity.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "WorkflowRun");

  private static final Logger LOG = LoggerFactory.getLogger(WorkflowRunEntity.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RECORD_TIMEOUT = Duration.ofSeconds(30);

  /**
   * An ended run stays in memory this long (for reads), then its shard stops and forgets it: the
   * shard no longer remembers it, so it is not recovered at the next start.
   */
  static final Duration ENDED_PASSIVATION = Duration.ofSeconds(10);

  /**
   * What runs need from the node: the live side of a run's effects (by run id), a clock,
   * persistence settings.
   */
  public record Runtime(
      java.util.function.Function<String, Replay.Live> live,
      Clock clock,
      PersistenceSettings persistence,
      ActorRef<Topic.Command<Notify>> events) {

    /** Without platform events: runs receive only events delivered to them directly. */
    public Runtime(
        java.util.function.Function<String, Replay.Live> live,
        Clock clock,
        PersistenceSettings persistence) {
      this(live, clock, persistence, null);
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

  /** State: the pinned definition, the input, the recorded effects and the outcome. */
  public record State(
      Status status,
      String definitionVersion,
      String definition,
      String input,
      Map<String, String> effects,
      String output,
      String error,
      java.util.List<String> inbox)
      implements CborSerializable {

    static final State EMPTY =
        new State(Status.NEW, null, null, null, Map.of(), null, null, java.util.List.of());

    public State {
      inbox = inbox == null ? java.util.List.of() : java.util.List.copyOf(inbox);
    }

    State with(Status s, String output, String error) {
      return new State(s, definitionVersion, definition, input, effects, output, error, inbox);
    }
  }

  private final ActorContext<Command> context;
  private final Runtime runtime;
  private final String runId;
  private int incarnation;
  private Thread worker;
  private Inbox inbox = new Inbox();
  private final Map<String, JsonNode> listening = new HashMap<>();
  private boolean subscribed;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final Duration passivateAfter;

  private WorkflowRunEntity(
      ActorContext<Command> context,
      String runId,
      Runtime runtime,
      ActorRef<ClusterSharding.ShardCommand> shard,
      Duration passivateAfter) {
    super(PersistenceId.of(ENTITY_KEY.name(), runId), runtime.persistence().onPersistFailure());
    this.context = context;
    this.runId = runId;
    this.runtime = runtime;
    this.shard = shard;
    this.passivateAfter = passivateAfter;
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

  /** Internal: stop this run if it has ended. */
  record Passivate() implements Command {}

  private void passivateLater() {
    if (shard != null) {
      context.scheduleOnce(passivateAfter, context.getSelf(), new Passivate());
    }
  }

  private ReplyEffect<Event, State> onPassivate(State s, Passivate p) {
    if (s.status() != Status.RUNNING && s.status() != Status.NEW && shard != null) {
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    }
    return Effect().noReply();
  }

  /**
   * Registers runs with sharding; running runs are remembered (journal) and resume by themselves.
   */
  public static void init(ActorSystem<?> system, Runtime runtime) {
    init(system, runtime, ENTITY_KEY);
  }

  /**
   * Registers runs under another entity type (benchmarks: their remembered runs stay apart from the
   * node's and can be removed afterwards). Persistence ids are the same as for {@link #ENTITY_KEY}.
   */
  public static void init(ActorSystem<?> system, Runtime runtime, EntityTypeKey<Command> key) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                    key,
                    ctx -> create(ctx.getEntityId(), runtime, ctx.getShard(), ENDED_PASSIVATION))
                .withSettings(ResumableSharding.settings(system)));
  }

  @Override
  public State emptyState() {
    return State.EMPTY;
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              if (state.status() == Status.RUNNING) {
                LOG.info(
                    "Run {} resumes from {} recorded effect(s)", runId, state.effects().size());
                launch(state);
              } else if (state.status() != Status.NEW) {
                passivateLater();
              }
            })
        .onSignal(
            org.apache.pekko.actor.typed.PostStop.instance(),
            state -> {
              if (worker != null) {
                worker.interrupt();
              }
            })
        .build();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Start.class, this::onStart)
        .onCommand(Record.class, this::onRecord)
        .onCommand(Finished.class, this::onFinished)
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s)))
        .onCommand(Cancel.class, this::onCancel)
        .onCommand(Deliver.class, this::onDeliver)
        .onCommand(Notify.class, this::onNotify)
        .onCommand(Listening.class, this::onListening)
        .onCommand(Passivate.class, this::onPassivate)
        .build();
  }

  private ReplyEffect<Event, State> onStart(State s, Start cmd) {
    if (s.status() != Status.NEW) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(s));
    }
    return Effect()
        .persist(
            new RunStarted(
                cmd.definitionVersion(), cmd.definition(), cmd.input(), runtime.clock().instant()))
        .thenRun(this::launch)
        .thenReply(cmd.replyTo(), StatusReply::success);
  }

  private ReplyEffect<Event, State> onRecord(State s, Record cmd) {
    if (s.status() != Status.RUNNING) {
      return Effect()
          .reply(
              cmd.replyTo(), StatusReply.error(new ConflictException("the run is " + s.status())));
    }
    if (s.effects().containsKey(cmd.key())) {
      return Effect().reply(cmd.replyTo(), StatusReply.ack());
    }
    return Effect()
        .persist(new EffectRecorded(cmd.key(), cmd.outcome()))
        .thenReply(cmd.replyTo(), st -> StatusReply.ack());
  }

  private ReplyEffect<Event, State> onFinished(State s, Finished f) {
    if (f.incarnation() != incarnation || s.status() != Status.RUNNING) {
      return Effect().noReply();
    }
    worker = null;
    listening.clear();
    subscribe(false);
    Event e = f.error() == null ? new RunCompleted(f.output()) : new RunFailed(f.error());
    return Effect().persist(e).thenRun(st -> passivateLater()).thenNoReply();
  }

  private ReplyEffect<Event, State> onDeliver(State s, Deliver cmd) {
    if (s.status() != Status.RUNNING) {
      return Effect()
          .reply(cmd.replyTo(), StatusReply.error(new ConflictException("the run is not running")));
    }
    JsonNode event;
    try {
      event = JSON.readTree(cmd.event());
    } catch (java.io.IOException e) {
      return Effect()
          .reply(
              cmd.replyTo(),
              StatusReply.error(new InvalidRequestException("the event is not JSON")));
    }
    if (!event.isObject() || !event.hasNonNull("id") || !event.hasNonNull("type")) {
      return Effect()
          .reply(
              cmd.replyTo(),
              StatusReply.error(
                  new InvalidRequestException("an event is a JSON object with 'id' and 'type'")));
    }
    if (known(s, event.get("id").asText())) {
      return Effect().reply(cmd.replyTo(), StatusReply.ack()); // the same event again
    }
    String text = event.toString();
    return Effect()
        .persist(new EventReceived(text))
        .thenRun(st -> inbox.add(event))
        .thenReply(cmd.replyTo(), st -> StatusReply.ack());
  }

  private ReplyEffect<Event, State> onListening(State s, Listening l) {
    if (l.incarnation() == incarnation) {
      if (l.to() == null) {
        listening.remove(l.key());
      } else {
        try {
          listening.put(l.key(), JSON.readTree(l.to()));
        } catch (java.io.IOException e) {
          listening.remove(l.key());
        }
      }
    }
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onNotify(State s, Notify n) {
    if (s.status() != Status.RUNNING
        || listening.isEmpty()
        || !runId.startsWith(n.tenant() + "/")) {
      return Effect().noReply();
    }
    JsonNode event;
    try {
      event = JSON.readTree(n.event());
    } catch (java.io.IOException e) {
      return Effect().noReply();
    }
    if (listening.values().stream().noneMatch(to -> Inbox.interested(to, event))
        || known(s, event.path("id").asText())) {
      return Effect().noReply();
    }
    return Effect()
        .persist(new EventReceived(event.toString()))
        .thenRun(st -> inbox.add(event))
        .thenNoReply();
  }

  private static boolean known(State s, String id) {
    String needle = "\"id\":" + JSON.valueToTree(id);
    for (String e : s.inbox()) {
      if (e.contains(needle)) {
        return true;
      }
    }
    return false;
  }

  private void subscribe(boolean on) {
    if (runtime.events() != null && subscribed != on) {
      subscribed = on;
      ActorRef<Notify> self = context.getSelf().narrow();
      runtime.events().tell(on ? Topic.subscribe(self) : Topic.unsubscribe(self));
    }
  }

  private ReplyEffect<Event, State> onCancel(State s, Cancel cmd) {
    if (s.status() != Status.RUNNING) {
      return Effect()
          .reply(cmd.replyTo(), StatusReply.error(new ConflictException("the run is not running")));
    }
    incarnation++;
    listening.clear();
    subscribe(false);
    if (worker != null) {
      worker.interrupt();
      worker = null;
    }
    return Effect()
        .persist(new RunCancelled(cmd.by()))
        .thenRun(st -> passivateLater())
        .thenReply(cmd.replyTo(), st -> StatusReply.ack());
  }

  /** Runs the workflow on a virtual thread, replaying what is recorded. */
  private void launch(State state) {
    int mine = ++incarnation;
    listening.clear();
    subscribe(true);
    ActorRef<Command> self = context.getSelf();
    ActorSystem<?> system = context.getSystem();
    Map<String, String> known = new ConcurrentHashMap<>(state.effects());
    Inbox events = new Inbox();
    for (String e : state.inbox()) {
      try {
        events.add(JSON.readTree(e));
      } catch (java.io.IOException ignored) {
        // persisted events are JSON (checked on delivery)
      }
    }
    this.inbox = events;
    Replay.Live base = runtime.live().apply(runId);
    Replay.Live live =
        new Replay.Live() {
          @Override
          public JsonNode call(String key, String function, JsonNode with) {
            return base.call(key, function, with);
          }

          @Override
          public void emit(String key, JsonNode event) {
            base.emit(key, event);
          }

          @Override
          public JsonNode listen(
              String key,
              JsonNode to,
              Instant deadline,
              java.util.function.UnaryOperator<JsonNode> view) {
            self.tell(new Listening(mine, key, to.toString()));
            try {
              return events.await(to, deadline, runtime.clock(), view);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IllegalStateException("stopped while listening", e);
            } finally {
              self.tell(new Listening(mine, key, null));
            }
          }

          @Override
          public void sleepUntil(Instant instant) {
            base.sleepUntil(instant);
          }
        };
    Replay.Journal journal =
        new Replay.Journal() {
          @Override
          public Optional<JsonNode> recorded(String key) {
            String v = known.get(key);
            try {
              if (v != null) {
                events.taken(JSON.readTree(v));
              }
              return v == null ? Optional.empty() : Optional.of(JSON.readTree(v));
            } catch (java.io.IOException e) {
              throw new IllegalStateException("corrupt recorded outcome " + key, e);
            }
          }

          @Override
          public void record(String key, JsonNode outcome) {
            String text = outcome.toString();
            AskPattern.<Command, StatusReply<Done>>ask(
                    self, r -> new Record(key, text, r), RECORD_TIMEOUT, system.scheduler())
                .toCompletableFuture()
                .join()
                .getValue();
            known.put(key, text);
          }
        };
    worker =
        Thread.ofVirtual()
            .name("workflow-run-" + runId)
            .start(
                () -> {
                  String output = null;
                  String error = null;
                  try {
                    JsonNode definition = JSON.readTree(state.definition());
                    JsonNode input = JSON.readTree(state.input());
                    output =
                        Interpreter.run(
                                definition, input, new Replay(journal, live, runtime.clock()))
                            .output()
                            .toString();
                  } catch (WorkflowError e) {
                    error = e.toJson().toString();
                  } catch (RuntimeException | java.io.IOException e) {
                    if (Thread.currentThread().isInterrupted()) {
                      return; // stopped or cancelled: a later incarnation continues
                    }
                    error =
                        new WorkflowError(
                                WorkflowError.RUNTIME,
                                500,
                                "Run failed",
                                String.valueOf(e.getMessage()),
                                "/")
                            .toJson()
                            .toString();
                  }
                  self.tell(new Finished(mine, output, error));
                });
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            RunStarted.class,
            (s, e) ->
                new State(
                    Status.RUNNING,
                    e.definitionVersion(),
                    e.definition(),
                    e.input(),
                    Map.of(),
                    null,
                    null,
                    java.util.List.of()))
        .onEvent(
            EffectRecorded.class,
            (s, e) -> {
              Map<String, String> effects = new HashMap<>(s.effects());
              effects.put(e.key(), e.outcome());
              return new State(
                  s.status(),
                  s.definitionVersion(),
                  s.definition(),
                  s.input(),
                  effects,
                  s.output(),
                  s.error(),
                  s.inbox());
            })
        .onEvent(
            EventReceived.class,
            (s, e) -> {
              java.util.List<String> inbox = new java.util.ArrayList<>(s.inbox());
              inbox.add(e.event());
              return new State(
                  s.status(),
                  s.definitionVersion(),
                  s.definition(),
                  s.input(),
                  s.effects(),
                  s.output(),
                  s.error(),
                  inbox);
            })
        .onEvent(RunCompleted.class, (s, e) -> s.with(Status.COMPLETED, e.output(), null))
        .onEvent(RunFailed.class, (s, e) -> s.with(Status.FAILED, null, e.error()))
        .onEvent(RunCancelled.class, (s, e) -> s.with(Status.CANCELLED, null, null))
        .build();
  }
}
