package io.tramontane.workflows.node;

import io.tramontane.core.CborSerializable;
import io.tramontane.core.persistence.PersistenceSettings;
import java.time.Instant;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The deployed version of one workflow (key = workflow name), durable and shared by every node: a
 * deployment over REST survives restarts and is seen by the whole cluster. Holds the definition's
 * source text; nodes parse it again (the same bytes give the same hash, so runs stay pinned).
 */
final class DefinitionEntity
    extends EventSourcedBehaviorWithEnforcedReplies<
        DefinitionEntity.Command, DefinitionEntity.Deployed, DefinitionEntity.State> {

  static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "WorkflowDefinition");

  sealed interface Command extends CborSerializable {}

  /** Make this the deployed version (nothing is persisted when it already is). */
  record Deploy(String hash, String source, String yaml, ActorRef<StatusReply<Done>> replyTo)
      implements Command {}

  record Get(ActorRef<StatusReply<State>> replyTo) implements Command {}

  /** A version was deployed. */
  record Deployed(String hash, String source, String yaml, Instant at)
      implements CborSerializable {}

  /** The deployed version, or all null when none was. */
  record State(String hash, String source, String yaml) implements CborSerializable {}

  private DefinitionEntity(String name, PersistenceSettings persistence) {
    super(PersistenceId.of(ENTITY_KEY.name(), name), persistence.onPersistFailure());
  }

  static void init(ActorSystem<?> system, PersistenceSettings persistence) {
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), persistence)));
  }

  static Behavior<Command> create(String name, PersistenceSettings persistence) {
    return new DefinitionEntity(name, persistence);
  }

  @Override
  public State emptyState() {
    return new State(null, null, null);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // only the deployed version matters: keep recovery short
    return RetentionCriteria.snapshotEvery(20, 1).withDeleteEventsOnSnapshot();
  }

  @Override
  public CommandHandlerWithReply<Command, Deployed, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(
            Deploy.class,
            (s, d) ->
                d.hash().equals(s.hash())
                    ? Effect().reply(d.replyTo(), StatusReply.ack())
                    : Effect()
                        .persist(new Deployed(d.hash(), d.source(), d.yaml(), Instant.now()))
                        .thenReply(d.replyTo(), st -> StatusReply.ack()))
        .onCommand(Get.class, (s, g) -> Effect().reply(g.replyTo(), StatusReply.success(s)))
        .build();
  }

  @Override
  public EventHandler<State, Deployed> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Deployed.class, (s, e) -> new State(e.hash(), e.source(), e.yaml()))
        .build();
  }
}
