package io.tramontane.connectors;

import io.tramontane.core.TramontaneConfig;
import io.tramontane.testkit.GoldenJournal;
import io.tramontane.testkit.TestConfigs;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;

/**
 * Writes the golden journal of {@link ConnectorSyncEntity} from today's code. Not a test and never
 * run by the build: run it by hand only for a NEW fixture; an existing fixture stands for journals
 * already on disks and is never re-recorded.
 */
final class RecordGoldenJournals {

  static final Instant AT = Instant.parse("2026-03-02T06:00:00Z");

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "connectors/common/src/test/resources/golden");
    ActorTestKit kit =
        ActorTestKit.create("Record", TestConfigs.local(TramontaneConfig.load(Map.of())));
    try {
      GoldenJournal.record(
          kit.system(),
          "ConnectorSyncEntity",
          "ConnectorSync|docs",
          List.of(
              new ConnectorSyncEntity.PassStarted(AT),
              new ConnectorSyncEntity.Progressed(SerializationTest.CHANGES),
              new ConnectorSyncEntity.PassCompleted("page-3", AT.plusSeconds(5)),
              new ConnectorSyncEntity.SyncPaused(AT.plusSeconds(60)),
              new ConnectorSyncEntity.SyncResumed(AT.plusSeconds(120)),
              new ConnectorSyncEntity.PassStarted(AT.plusSeconds(121)),
              new ConnectorSyncEntity.PassFailed(
                  "the folder /srv/x does not exist", AT.plusSeconds(122))),
          dir.resolve("connector-sync.json"));
    } finally {
      kit.shutdownTestKit();
    }
  }
}
