package io.tramontane.intake;

import io.tramontane.core.TramontaneConfig;
import io.tramontane.testkit.GoldenJournal;
import io.tramontane.testkit.TestConfigs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;

/**
 * Writes the golden journals of this module's entities from today's code. Not a test and never run
 * by the build: run it by hand only for a NEW fixture (a new entity or a new event kind, in a new
 * file); an existing fixture stands for journals already on disks and is never re-recorded.
 */
final class RecordGoldenJournals {

  static final Instant AT = Instant.parse("2026-03-01T09:15:30.123456789Z");

  static Delivery delivery() {
    return new Delivery(
        "orders",
        "msg_golden_1",
        "acme",
        AT,
        Map.of("content-type", "application/json", "webhook-id", "msg_golden_1"),
        "{\"order\": 42, \"note\": \"café\"}".getBytes(StandardCharsets.UTF_8));
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "runtime/intake/src/test/resources/golden");
    ActorTestKit kit =
        ActorTestKit.create("Record", TestConfigs.local(TramontaneConfig.load(Map.of())));
    try {
      GoldenJournal.record(
          kit.system(),
          "DeliveryEntity",
          DeliveryEntity.ENTITY_KEY.name()
              + "|"
              + DeliveryEntity.entityId("orders", "msg_golden_1"),
          List.of(new DeliveryEntity.DeliveryAccepted(delivery())),
          dir.resolve("delivery.json"));
    } finally {
      kit.shutdownTestKit();
    }
  }
}
