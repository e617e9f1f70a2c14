package io.tramontane.core.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tramontane.core.TramontaneConfig;
import io.tramontane.core.persistence.PersistenceSettings;
import io.tramontane.testkit.GoldenJournalExtension;
import java.util.Map;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A stored definition's journal recorded by an earlier version (two versions deployed, removed, the
 * first deployed again; src/test/resources/golden, by {@link RecordGoldenJournals}) replays through
 * today's serializer and entity: the first version is deployed and both stay readable.
 */
class GoldenJournalTest {

  @RegisterExtension
  static final GoldenJournalExtension golden =
      new GoldenJournalExtension(TramontaneConfig.load(Map.of()));

  @Test
  void aRecordedDefinitionRecoversWithItsVersions() {
    var entity =
        golden.<DefinitionEntity.Command, DefinitionEntity.Event, DefinitionEntity.State>recover(
            DefinitionEntity.create(
                EntityTypeKey.create(DefinitionEntity.Command.class, "AgentDefinition"),
                "acme/helper",
                PersistenceSettings.fromConfig(golden.system().settings().config())),
            "/golden/definition.json");
    assertEquals(
        new DefinitionEntity.State(
            "h1",
            Map.of(
                "h1", new DefinitionEntity.Version("PUT /agents/helper", RecordGoldenJournals.V1),
                "h2", new DefinitionEntity.Version("helper.yaml", RecordGoldenJournals.V2))),
        entity.getState());
  }
}
