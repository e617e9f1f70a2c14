package io.tramontane.intake;

import io.tramontane.core.CborSerializable;
import io.tramontane.core.persistence.PersistenceSettings;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
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
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * One webhook delivery, keyed by trigger and the sender's delivery id. The first {@link Accept} is
 * persisted before it is answered; every later one (a retry, a concurrent duplicate) is answered
 * with the same id and changes nothing.
 */
public final class DeliveryEntity
    extends EventSourcedBehaviorWithEnforcedReplies<
        DeliveryEntity.Command, DeliveryEntity.Event, DeliveryEntity.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Delivery");

  /** Every accepted delivery carries this tag; the feed reads it in journal order. */
  public static final String TAG = "delivery";

  /** Commands. */
  public sealed interface Command extends CborSerializable {}

  /** Persist the delivery unless it is already known. */
  public record Accept(Delivery delivery, ActorRef<StatusReply<Accepted>> replyTo)
      implements Command {}

  /** Read what is known about this delivery. */
  public record GetStatus(ActorRef<StatusReply<Status>> replyTo) implements Command {}

  /** Reply to {@link Accept}: the stable id, and whether this request was a duplicate. */
  public record Accepted(String trigger, String deliveryId, boolean duplicate, Instant acceptedAt)
      implements CborSerializable {}

  /** Reply to {@link GetStatus}; {@code found} is false for an id never accepted. */
  public record Status(
      boolean found,
      String trigger,
      String deliveryId,
      String tenant,
      Instant acceptedAt,
      int payloadBytes,
      String state)
      implements CborSerializable {}

  /** Events. */
  public sealed interface Event extends CborSerializable {}

  /** The delivery was verified and persisted. */
  public record DeliveryAccepted(Delivery delivery) implements Event {}

  /** State: nothing yet, or the accepted delivery. */
  public record State(Delivery delivery) implements CborSerializable {
    static final State EMPTY = new State(null);

    Optional<Delivery> accepted() {
      return Optional.ofNullable(delivery);
    }
  }

  private final String entityId;

  private DeliveryEntity(String entityId, PersistenceSettings persistence) {
    // A journal that refuses a write restarts the entity with backoff instead of stopping it.
    super(PersistenceId.of(ENTITY_KEY.name(), entityId), persistence.onPersistFailure());
    this.entityId = entityId;
  }

  public static Behavior<Command> create(String entityId, PersistenceSettings persistence) {
    return new DeliveryEntity(entityId, persistence);
  }

  /**
   * The entity id of one delivery: trigger and sender id, joined by a slash, which neither may
   * contain.
   */
  public static String entityId(String trigger, String deliveryId) {
    return trigger + "/" + deliveryId;
  }

  public static void init(ActorSystem<?> system, PersistenceSettings persistence) {
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), persistence)));
  }

  @Override
  public State emptyState() {
    return State.EMPTY;
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of(TAG);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Accept.class, this::onAccept)
        .onCommand(GetStatus.class, this::onGetStatus)
        .build();
  }

  private ReplyEffect<Event, State> onAccept(State state, Accept cmd) {
    Optional<Delivery> existing = state.accepted();
    if (existing.isPresent()) {
      Delivery d = existing.get();
      return Effect()
          .reply(
              cmd.replyTo(),
              StatusReply.success(new Accepted(d.trigger(), d.deliveryId(), true, d.receivedAt())));
    }
    Delivery d = cmd.delivery();
    if (!entityId(d.trigger(), d.deliveryId()).equals(entityId)) {
      return Effect()
          .reply(
              cmd.replyTo(),
              StatusReply.error("delivery " + d.deliveryId() + " sent to entity " + entityId));
    }
    return Effect()
        .persist(new DeliveryAccepted(d))
        .thenReply(
            cmd.replyTo(),
            s ->
                StatusReply.success(
                    new Accepted(d.trigger(), d.deliveryId(), false, d.receivedAt())));
  }

  private ReplyEffect<Event, State> onGetStatus(State state, GetStatus cmd) {
    Status status =
        state
            .accepted()
            .map(
                d ->
                    new Status(
                        true,
                        d.trigger(),
                        d.deliveryId(),
                        d.tenant(),
                        d.receivedAt(),
                        d.payload().length,
                        "accepted"))
            .orElse(new Status(false, null, null, null, null, 0, "unknown"));
    return Effect().reply(cmd.replyTo(), StatusReply.success(status));
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(DeliveryAccepted.class, (state, evt) -> new State(evt.delivery()))
        .build();
  }
}
