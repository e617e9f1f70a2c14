package io.tramontane.core.event;

import io.tramontane.core.CborSerializable;
import io.tramontane.core.Sha256;
import io.tramontane.core.persistence.JournaledEntity;
import io.tramontane.core.persistence.PersistenceSettings;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;

/**
 * One published event, keyed by tenant and a hash of (source, id): the first {@link Publish} is
 * persisted (tagged {@link #TAG}, so consumers read events in journal order) before it is answered;
 * a repeat is answered as a duplicate and changes nothing.
 */
final class EventEntity
    extends JournaledEntity<EventEntity.Command, EventEntity.Published, EventEntity.State> {

  static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Event");

  /** Every published event carries this tag. */
  static final String TAG = "platform-event";

  sealed interface Command extends CborSerializable {}

  record Publish(PlatformEvent event, ActorRef<StatusReply<Boolean>> replyTo) implements Command {}

  /** The event (persisted). */
  record Published(PlatformEvent event) implements CborSerializable {}

  record State(PlatformEvent event) implements CborSerializable {}

  private EventEntity(String entityId, PersistenceSettings persistence) {
    super(
        ENTITY_KEY,
        entityId,
        persistence,
        new State(null),
        (s, e) -> new State(e.event()),
        Journal.tagged(TAG));
  }

  static String entityId(PlatformEvent e) {
    return e.tenant() + "/" + Sha256.hex(e.source() + "\n" + e.id());
  }

  static void init(ActorSystem<?> system, PersistenceSettings persistence) {
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), persistence)));
  }

  static Behavior<Command> create(String entityId, PersistenceSettings persistence) {
    return new EventEntity(entityId, persistence);
  }

  @Override
  public CommandHandlerWithReply<Command, Published, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(
            Publish.class,
            (state, cmd) ->
                state.event() != null
                    ? Effect().reply(cmd.replyTo(), StatusReply.success(true))
                    : Effect()
                        .persist(new Published(cmd.event()))
                        .thenReply(cmd.replyTo(), s -> StatusReply.success(false)))
        .build();
  }
}
