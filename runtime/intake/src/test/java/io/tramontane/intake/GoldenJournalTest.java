package io.tramontane.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tramontane.core.TramontaneConfig;
import io.tramontane.core.persistence.PersistenceSettings;
import io.tramontane.testkit.GoldenJournalExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A delivery journaled by an earlier version (src/test/resources/golden, recorded by {@link
 * RecordGoldenJournals}) replays through today's serializer and entity: the sender's retry is still
 * recognised as a duplicate, with the original time, and the status reads as before.
 */
class GoldenJournalTest {

  @RegisterExtension
  static final GoldenJournalExtension golden =
      new GoldenJournalExtension(TramontaneConfig.load(Map.of()));

  @Test
  void aRecordedDeliveryRecoversAsTheSameDelivery() {
    var entity =
        golden.<DeliveryEntity.Command, DeliveryEntity.Event, DeliveryEntity.State>recover(
            DeliveryEntity.create(
                DeliveryEntity.entityId("orders", "msg_golden_1"),
                new PersistenceSettings(Duration.ofMillis(50), Duration.ofMillis(200), 0.0)),
            "/golden/delivery.json");

    Instant at = Instant.parse("2026-03-01T09:15:30.123456789Z");
    Delivery d = entity.getState().delivery();
    assertEquals("acme", d.tenant());
    assertEquals(at, d.receivedAt());
    assertEquals("application/json", d.headers().get("content-type"));
    assertEquals(
        "{\"order\": 42, \"note\": \"café\"}", new String(d.payload(), StandardCharsets.UTF_8));

    var status =
        entity.<StatusReply<DeliveryEntity.Status>>runCommand(DeliveryEntity.GetStatus::new);
    assertTrue(status.reply().isSuccess());
    assertEquals(
        new DeliveryEntity.Status(true, "orders", "msg_golden_1", "acme", at, 30, "accepted"),
        status.reply().getValue());
    var retry =
        entity.<StatusReply<DeliveryEntity.Accepted>>runCommand(
            r -> new DeliveryEntity.Accept(RecordGoldenJournals.delivery(), r));
    assertEquals(
        new DeliveryEntity.Accepted("orders", "msg_golden_1", true, at), retry.reply().getValue());
    assertTrue(retry.events().isEmpty(), "a duplicate persists nothing");
  }
}
