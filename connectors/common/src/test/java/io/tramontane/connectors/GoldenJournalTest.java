package io.tramontane.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tramontane.core.TramontaneConfig;
import io.tramontane.core.persistence.PersistenceSettings;
import io.tramontane.testkit.GoldenJournalExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.Done;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A connector's sync journal recorded by an earlier version (a pass with progress, paused, resumed,
 * a failed pass; src/test/resources/golden, by {@link RecordGoldenJournals}) replays through
 * today's serializer and entity to the same sync: failing with the recorded reason, resuming from
 * the last checkpoint, with the recorded counters, manifest and item failures in its status. (The
 * connector is no longer configured here, so recovery starts no pass.)
 */
class GoldenJournalTest {

  @RegisterExtension
  static final GoldenJournalExtension golden =
      new GoldenJournalExtension(TramontaneConfig.load(Map.of()));

  static final Instant AT = RecordGoldenJournals.AT;

  @Test
  void aRecordedSyncRecoversFailingFromItsCheckpoint() {
    var events = golden.replay("/golden/connector-sync.json");
    assertEquals(7, events.size());
    var progressed = assertInstanceOf(ConnectorSyncEntity.Progressed.class, events.get(1));
    assertEquals(SerializationTest.CHANGES, progressed.changes());

    Instant now = AT.plus(Duration.ofHours(1));
    var runtime =
        new ConnectorSyncEntity.Runtime(
            name -> Optional.empty(),
            PersistenceSettings.fromConfig(golden.system().settings().config()),
            Clock.fixed(now, ZoneOffset.UTC));
    var entity =
        golden
            .<ConnectorSyncEntity.Command, ConnectorSyncEntity.Event, ConnectorSyncEntity.State>
                recover(ConnectorSyncEntity.create("docs", runtime), "/golden/connector-sync.json");

    String reason = "the folder /srv/x does not exist";
    assertEquals(
        new ConnectorSyncEntity.State(
            "page-3",
            false,
            AT.plusSeconds(121),
            AT.plusSeconds(5),
            reason,
            1,
            3,
            1,
            1,
            2,
            1500,
            List.of(SerializationTest.FAILURE),
            Map.of("a.txt", "1772431200000000000:12")),
        entity.getState());

    var status =
        entity.<StatusReply<ConnectorStatus>>runCommand(ConnectorSyncEntity.GetStatus::new);
    assertEquals(
        new ConnectorStatus(
            "docs",
            null,
            null,
            "failing",
            AT.plusSeconds(121),
            AT.plusSeconds(5),
            reason,
            Duration.between(AT.plusSeconds(5), now).toSeconds(),
            3,
            1,
            1,
            2,
            1500,
            List.of(SerializationTest.FAILURE)),
        status.reply().getValue(),
        "what GET /connectors/docs shows");
    var sync = entity.<StatusReply<Done>>runCommand(ConnectorSyncEntity.SyncNow::new);
    assertFalse(sync.reply().isSuccess());
    assertTrue(sync.reply().getError().getMessage().contains("not configured"), sync.toString());
    assertEquals(List.of(), sync.events());
  }
}
