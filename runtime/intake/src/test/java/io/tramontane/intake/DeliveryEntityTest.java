package io.tramontane.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tramontane.core.TramontaneConfig;
import io.tramontane.core.persistence.PersistenceSettings;
import io.tramontane.testkit.TestConfigs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.query.NoOffset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.persistence.testkit.query.javadsl.PersistenceTestKitReadJournal;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DeliveryEntityTest {

  /** Short backoff so the failing-journal case runs in well under a second. */
  private static final PersistenceSettings FAST =
      new PersistenceSettings(Duration.ofMillis(50), Duration.ofMillis(200), 0.0);

  private static final Instant FIRST_SEEN = Instant.parse("2026-03-01T09:15:30.123456789Z");
  private static final AtomicInteger IDS = new AtomicInteger();

  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit =
        ActorTestKit.create(
            "DeliveryEntityTest", TestConfigs.inMemoryJournal(TramontaneConfig.load(Map.of())));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static String freshDeliveryId() {
    return "msg_" + IDS.incrementAndGet();
  }

  private static Delivery delivery(String deliveryId, Instant receivedAt) {
    return new Delivery(
        "orders",
        deliveryId,
        "acme",
        receivedAt,
        Map.of("content-type", "application/json"),
        "{\"order\": 42}".getBytes(StandardCharsets.UTF_8));
  }

  private static EventSourcedBehaviorTestKit<
          DeliveryEntity.Command, DeliveryEntity.Event, DeliveryEntity.State>
      entityFor(String deliveryId) {
    return EventSourcedBehaviorTestKit.create(
        testKit.system(),
        DeliveryEntity.create(DeliveryEntity.entityId("orders", deliveryId), FAST),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
  }

  private static EventSourcedBehaviorTestKit.CommandResultWithReply<
          DeliveryEntity.Command,
          DeliveryEntity.Event,
          DeliveryEntity.State,
          StatusReply<DeliveryEntity.Accepted>>
      accept(
          EventSourcedBehaviorTestKit<
                  DeliveryEntity.Command, DeliveryEntity.Event, DeliveryEntity.State>
              entity,
          Delivery d) {
    return entity.runCommand(replyTo -> new DeliveryEntity.Accept(d, replyTo));
  }

  private static DeliveryEntity.Status status(
      EventSourcedBehaviorTestKit<
              DeliveryEntity.Command, DeliveryEntity.Event, DeliveryEntity.State>
          entity) {
    var result =
        entity.<StatusReply<DeliveryEntity.Status>>runCommand(DeliveryEntity.GetStatus::new);
    assertTrue(result.hasNoEvents(), "reading the status persists nothing");
    assertTrue(result.reply().isSuccess(), String.valueOf(result.reply()));
    return result.reply().getValue();
  }

  @Test
  void theFirstAcceptPersistsOneEventAndIsNotADuplicate() {
    String id = freshDeliveryId();
    var entity = entityFor(id);
    Delivery d = delivery(id, FIRST_SEEN);

    var result = accept(entity, d);

    assertEquals(List.of(new DeliveryEntity.DeliveryAccepted(d)), result.events());
    assertTrue(result.reply().isSuccess(), String.valueOf(result.reply()));
    assertEquals(
        new DeliveryEntity.Accepted("orders", id, false, FIRST_SEEN), result.reply().getValue());
    assertEquals(new DeliveryEntity.State(d), result.state());
  }

  @Test
  void aSecondAcceptIsADuplicateWithTheSameIdAndTimeAndPersistsNothing() {
    String id = freshDeliveryId();
    var entity = entityFor(id);
    Delivery first = delivery(id, FIRST_SEEN);
    accept(entity, first);

    // The sender retries a minute later; the retry carries its own arrival time.
    Delivery retry = delivery(id, FIRST_SEEN.plusSeconds(60));
    var result = accept(entity, retry);

    assertTrue(result.hasNoEvents(), "a duplicate persists nothing: " + result.events());
    assertEquals(
        new DeliveryEntity.Accepted("orders", id, true, FIRST_SEEN), result.reply().getValue());
    assertEquals(new DeliveryEntity.State(first), result.state(), "the first delivery is kept");
  }

  @Test
  void getStatusBeforeAndAfterAccept() {
    String id = freshDeliveryId();
    var entity = entityFor(id);

    DeliveryEntity.Status before = status(entity);
    assertFalse(before.found());
    assertEquals("unknown", before.state());

    Delivery d = delivery(id, FIRST_SEEN);
    accept(entity, d);

    assertEquals(
        new DeliveryEntity.Status(
            true, "orders", id, "acme", FIRST_SEEN, d.payload().length, "accepted"),
        status(entity));
  }

  @Test
  void afterARestartTheDeliveryIsRecoveredAndStillADuplicate() {
    String id = freshDeliveryId();
    var entity = entityFor(id);
    Delivery d = delivery(id, FIRST_SEEN);
    accept(entity, d);

    var restarted = entity.restart();
    assertEquals(new DeliveryEntity.State(d), restarted.state());

    var again = accept(entity, delivery(id, FIRST_SEEN.plusSeconds(3600)));
    assertTrue(again.hasNoEvents(), "recovered state must still deduplicate");
    assertEquals(
        new DeliveryEntity.Accepted("orders", id, true, FIRST_SEEN), again.reply().getValue());
    assertTrue(status(entity).found());
  }

  @Test
  void aDeliverySentToTheWrongEntityIsRefusedAndNothingIsStored() {
    String id = freshDeliveryId();
    var entity = entityFor(id);

    var result = accept(entity, delivery("some-other-id", FIRST_SEEN));

    assertTrue(result.reply().isError(), String.valueOf(result.reply()));
    assertTrue(result.hasNoEvents());
    assertFalse(status(entity).found());
  }

  @Test
  void everyEventIsTaggedForTheFeed() {
    // Every kind of event the entity persists is covered below: a new kind fails here until the
    // feed's view of it is decided.
    assertEquals(
        List.of(DeliveryEntity.DeliveryAccepted.class),
        List.of(DeliveryEntity.Event.class.getPermittedSubclasses()));

    // A delivery accepted through the entity reaches the journal under the feed's tag.
    String id = freshDeliveryId();
    ActorRef<DeliveryEntity.Command> entity =
        testKit.spawn(DeliveryEntity.create(DeliveryEntity.entityId("orders", id), FAST));
    TestProbe<StatusReply<DeliveryEntity.Accepted>> client = testKit.createTestProbe();
    entity.tell(new DeliveryEntity.Accept(delivery(id, FIRST_SEEN), client.ref()));
    assertTrue(client.receiveMessage(Duration.ofSeconds(3)).isSuccess());

    PersistenceTestKitReadJournal journal =
        PersistenceQuery.get(testKit.system())
            .getReadJournalFor(
                PersistenceTestKitReadJournal.class, PersistenceTestKitReadJournal.Identifier());
    List<String> tagged =
        journal
            .currentEventsByTag(DeliveryEntity.TAG, NoOffset.getInstance())
            .map(e -> ((DeliveryEntity.DeliveryAccepted) e.event()).delivery().deliveryId())
            .runWith(Sink.seq(), testKit.system())
            .toCompletableFuture()
            .join();
    assertTrue(tagged.contains(id), "the feed's tag query finds " + id + ": " + tagged);
  }

  @Test
  void aRefusedJournalWriteRestartsTheEntityAndARetryIsPersistedExactlyOnce() {
    String id = freshDeliveryId();
    String entityId = DeliveryEntity.entityId("orders", id);
    String persistenceId = DeliveryEntity.ENTITY_KEY.name() + "|" + entityId;
    PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());
    journal.failNextPersisted(persistenceId);

    ActorRef<DeliveryEntity.Command> entity = testKit.spawn(DeliveryEntity.create(entityId, FAST));
    TestProbe<StatusReply<DeliveryEntity.Accepted>> client = testKit.createTestProbe();
    Delivery d = delivery(id, FIRST_SEEN);

    entity.tell(new DeliveryEntity.Accept(d, client.ref()));
    // The journal refused the write: the sender must not be told the delivery is safe.
    client.expectNoMessage(Duration.ofMillis(400));
    assertEquals(List.of(), journal.persistedInStorage(persistenceId));

    // The sender retries; the same entity (restarted with backoff, not stopped) persists it.
    entity.tell(new DeliveryEntity.Accept(d, client.ref()));
    StatusReply<DeliveryEntity.Accepted> reply = client.receiveMessage(Duration.ofSeconds(3));
    assertTrue(reply.isSuccess(), String.valueOf(reply));
    assertEquals(new DeliveryEntity.Accepted("orders", id, false, FIRST_SEEN), reply.getValue());

    // A further retry is a duplicate; the journal holds the delivery exactly once.
    entity.tell(new DeliveryEntity.Accept(d, client.ref()));
    assertTrue(client.receiveMessage(Duration.ofSeconds(3)).getValue().duplicate());
    assertEquals(
        List.of(new DeliveryEntity.DeliveryAccepted(d)), journal.persistedInStorage(persistenceId));
  }

  @Test
  void aCommandArrivingWhileTheFailedWriteIsPendingIsStillAnswered() {
    String id = freshDeliveryId();
    String entityId = DeliveryEntity.entityId("orders", id);
    String persistenceId = DeliveryEntity.ENTITY_KEY.name() + "|" + entityId;
    PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());
    journal.failNextPersisted(persistenceId);

    ActorRef<DeliveryEntity.Command> entity = testKit.spawn(DeliveryEntity.create(entityId, FAST));
    TestProbe<StatusReply<DeliveryEntity.Accepted>> first = testKit.createTestProbe();
    TestProbe<StatusReply<DeliveryEntity.Accepted>> concurrent = testKit.createTestProbe();
    Delivery d = delivery(id, FIRST_SEEN);

    entity.tell(new DeliveryEntity.Accept(d, first.ref()));
    entity.tell(new DeliveryEntity.Accept(d, concurrent.ref()));

    StatusReply<DeliveryEntity.Accepted> reply = concurrent.receiveMessage(Duration.ofSeconds(3));
    assertTrue(reply.isSuccess(), String.valueOf(reply));
    first.expectNoMessage(Duration.ofMillis(100));
    assertEquals(
        List.of(new DeliveryEntity.DeliveryAccepted(d)), journal.persistedInStorage(persistenceId));
  }
}
