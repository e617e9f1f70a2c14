package io.tramontane.bench;

import io.tramontane.core.CborSerializable;
import io.tramontane.core.persistence.PersistenceSettings;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;

/**
 * The journal benchmark's stand-in for an agent: every {@link RecordStep} persists one {@link
 * StepRecorded} of about 512 bytes (a tool name and its output) before it is answered. Untagged, no
 * snapshots: the figure is the cost of one durable event write per step. {@link CountSteps} answers
 * without writing, which the recovery benchmark (P8) uses to make every entity replay its events.
 */
public final class AgentStepEntity
    extends EventSourcedBehaviorWithEnforcedReplies<
        AgentStepEntity.Command, AgentStepEntity.Event, AgentStepEntity.State> {

  /** Persistence ids are {@code BenchAgentStep|<entity id>}; the benchmark deletes them after. */
  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "BenchAgentStep");

  /** Commands. */
  public sealed interface Command extends CborSerializable {}

  /** Persist one step of the agent's work. */
  public record RecordStep(String tool, String output, ActorRef<StatusReply<StepAccepted>> replyTo)
      implements Command {}

  /** Reply to {@link RecordStep}: the step's number, once it is in the journal. */
  public record StepAccepted(long step) implements CborSerializable {}

  /**
   * How many steps the entity holds; after a cold start this is the number of events it replayed
   * (the recovery benchmark checks it, so a lost or unread event shows).
   */
  public record CountSteps(ActorRef<StepCount> replyTo) implements Command {}

  /** Reply to {@link CountSteps}. */
  public record StepCount(long steps) implements CborSerializable {}

  /** Events. */
  public sealed interface Event extends CborSerializable {}

  /** One agent step was recorded. */
  public record StepRecorded(long step, String tool, String output) implements Event {}

  /** State: how many steps are recorded. */
  public record State(long steps) implements CborSerializable {}

  private AgentStepEntity(String entityId, PersistenceSettings persistence) {
    super(PersistenceId.of(ENTITY_KEY.name(), entityId), persistence.onPersistFailure());
  }

  /** Registers the entity type with {@code system}'s sharding (not remembered: nothing resumes). */
  public static void init(ActorSystem<?> system, PersistenceSettings persistence) {
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_KEY, ctx -> new AgentStepEntity(ctx.getEntityId(), persistence)));
  }

  @Override
  public State emptyState() {
    return new State(0);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(
            RecordStep.class,
            (state, cmd) ->
                Effect()
                    .persist(new StepRecorded(state.steps() + 1, cmd.tool(), cmd.output()))
                    .thenReply(
                        cmd.replyTo(), s -> StatusReply.success(new StepAccepted(s.steps()))))
        .onCommand(
            CountSteps.class,
            (state, cmd) -> Effect().reply(cmd.replyTo(), new StepCount(state.steps())))
        .build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(StepRecorded.class, (state, evt) -> new State(evt.step()))
        .build();
  }
}
