package io.tramontane.retrieval.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tramontane.core.TramontaneConfig;
import io.tramontane.core.persistence.PersistenceSettings;
import io.tramontane.testkit.GoldenJournalExtension;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A document's journal recorded by an earlier version (indexed, then a broken version failed, then
 * indexed again; src/test/resources/golden, by {@link RecordGoldenJournals}) replays through
 * today's serializer and entity to the same document: indexed, with the content hash it had.
 */
class GoldenJournalTest {

  @RegisterExtension
  static final GoldenJournalExtension golden =
      new GoldenJournalExtension(TramontaneConfig.load(Map.of()));

  @Test
  void aRecordedDocumentRecoversIndexedWithItsHash() {
    var entity =
        golden.<DocumentEntity.Command, DocumentEntity.Event, DocumentEntity.State>recover(
            DocumentEntity.create(
                RecordGoldenJournals.ENTITY_ID,
                PersistenceSettings.fromConfig(golden.system().settings().config())),
            "/golden/document.json");
    assertEquals(
        new DocumentEntity.State(
            DocumentEntity.Status.INDEXED,
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            null),
        entity.getState());
    var events = golden.replay("/golden/document.json");
    var failed = (DocumentEntity.DocumentFailed) events.get(1);
    assertEquals("the file is not a valid PDF", failed.reason());
    var indexed = (DocumentEntity.DocumentIndexed) events.get(2);
    assertEquals(2, indexed.chunks().size());
    assertEquals(384, indexed.chunks().get(1).vector().length);
  }
}
