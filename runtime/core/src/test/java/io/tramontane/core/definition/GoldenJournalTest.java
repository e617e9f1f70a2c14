package io.tramontane.core.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tramontane.core.TramontaneConfig;
import io.tramontane.core.persistence.PersistenceSettings;
import io.tramontane.testkit.GoldenJournal;
import io.tramontane.testkit.TestConfigs;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A stored definition's journal recorded by an earlier version (two versions deployed, removed, the
 * first deployed again; src/test/resources/golden, by {@link RecordGoldenJournals}) replays through
 * today's serializer and entity: the first version is deployed and both stay readable.
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
  void aRecordedDefinitionRecoversWithItsVersions() {
    var events = GoldenJournal.replay(testKit.system(), getClass(), "/golden/definition.json");
    var entity =
        EventSourcedBehaviorTestKit
            .<DefinitionEntity.Command, DefinitionEntity.Event, DefinitionEntity.State>create(
                testKit.system(),
                DefinitionEntity.create(
                    EntityTypeKey.create(DefinitionEntity.Command.class, "AgentDefinition"),
                    "acme/helper",
                    PersistenceSettings.fromConfig(testKit.system().settings().config())),
                EventSourcedBehaviorTestKit.enabledSerializationSettings());
    entity.initialize(events.toArray());
    assertEquals(
        new DefinitionEntity.State(
            "h1",
            Map.of(
                "h1", new DefinitionEntity.Version("PUT /agents/helper", RecordGoldenJournals.V1),
                "h2", new DefinitionEntity.Version("helper.yaml", RecordGoldenJournals.V2))),
        entity.getState());
  }
}
