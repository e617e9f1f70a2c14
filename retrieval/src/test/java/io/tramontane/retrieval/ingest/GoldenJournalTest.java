package io.tramontane.retrieval.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tramontane.core.TramontaneConfig;
import io.tramontane.core.persistence.PersistenceSettings;
import io.tramontane.testkit.GoldenJournal;
import io.tramontane.testkit.TestConfigs;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A document's journal recorded by an earlier version (indexed, then a broken version failed, then
 * indexed again; src/test/resources/golden, by {@link RecordGoldenJournals}) replays through
 * today's serializer and entity to the same document: indexed, with the content hash it had.
 */
class GoldenJournalTest {

  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit =
        ActorTestKit.create(
            "GoldenJournalTest", TestConfigs.inMemoryJournal(TramontaneConfig.load(Map.of())));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void aRecordedDocumentRecoversIndexedWithItsHash() {
    var events = GoldenJournal.replay(testKit.system(), getClass(), "/golden/document.json");
    var entity =
        EventSourcedBehaviorTestKit
            .<DocumentEntity.Command, DocumentEntity.Event, DocumentEntity.State>create(
                testKit.system(),
                DocumentEntity.create(
                    RecordGoldenJournals.ENTITY_ID,
                    PersistenceSettings.fromConfig(testKit.system().settings().config())),
                EventSourcedBehaviorTestKit.enabledSerializationSettings());
    entity.initialize(events.toArray());
    assertEquals(
        new DocumentEntity.State(
            DocumentEntity.Status.INDEXED,
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            null),
        entity.getState());
    var failed = (DocumentEntity.DocumentFailed) events.get(1);
    assertEquals("the file is not a valid PDF", failed.reason());
    var indexed = (DocumentEntity.DocumentIndexed) events.get(2);
    assertEquals(2, indexed.chunks().size());
    assertEquals(384, indexed.chunks().get(1).vector().length);
  }
}
