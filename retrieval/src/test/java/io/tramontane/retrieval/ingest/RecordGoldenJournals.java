package io.tramontane.retrieval.ingest;

import io.tramontane.core.TramontaneConfig;
import io.tramontane.testkit.GoldenJournal;
import io.tramontane.testkit.TestConfigs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;

/**
 * Writes the golden journal of {@link DocumentEntity} from today's code. Not a test and never run
 * by the build: run it by hand only for a NEW fixture; an existing fixture stands for journals
 * already on disks and is never re-recorded.
 */
final class RecordGoldenJournals {

  static final String ENTITY_ID = DocumentEntity.entityId("acme", "kb", "hr/Salaires 2027 — é.pdf");

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "retrieval/src/test/resources/golden");
    ActorTestKit kit =
        ActorTestKit.create("Record", TestConfigs.local(TramontaneConfig.load(Map.of())));
    try {
      GoldenJournal.record(
          kit.system(),
          "DocumentEntity",
          DocumentEntity.ENTITY_KEY.name() + "|" + ENTITY_ID,
          List.of(
              SerializationTest.indexed(),
              new DocumentEntity.DocumentFailed(
                  "acme",
                  "kb",
                  "hr/Salaires 2027 — é.pdf",
                  "b2",
                  "the file is not a valid PDF",
                  new SourceCheckpoint("sharepoint:hr", "https://graph/delta?token=def")),
              SerializationTest.indexed()),
          dir.resolve("document.json"));
    } finally {
      kit.shutdownTestKit();
    }
  }
}
