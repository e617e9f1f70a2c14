package io.tramontane.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.tramontane.core.TramontaneConfig;
import io.tramontane.testkit.GoldenJournal;
import io.tramontane.testkit.TestConfigs;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A connector's sync journal recorded by an earlier version (a pass with progress, paused, resumed,
 * a failed pass; src/test/resources/golden, by {@link RecordGoldenJournals}) still decodes through
 * today's serializer with every recorded field. (The entity itself needs a connector instance; its
 * recovery is covered by ConnectorSyncEntityTest.)
 */
class GoldenJournalTest {

  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit =
        ActorTestKit.create(
            "GoldenJournalTest", TestConfigs.local(TramontaneConfig.load(Map.of())));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void aRecordedSyncDecodesAsRecorded() {
    var events = GoldenJournal.replay(testKit.system(), getClass(), "/golden/connector-sync.json");
    assertEquals(7, events.size());
    var progressed = assertInstanceOf(ConnectorSyncEntity.Progressed.class, events.get(1));
    assertEquals(SerializationTest.CHANGES, progressed.changes());
    var completed = assertInstanceOf(ConnectorSyncEntity.PassCompleted.class, events.get(2));
    assertEquals("page-3", completed.checkpoint());
    var failed = assertInstanceOf(ConnectorSyncEntity.PassFailed.class, events.get(6));
    assertEquals("the folder /srv/x does not exist", failed.reason());
  }
}
