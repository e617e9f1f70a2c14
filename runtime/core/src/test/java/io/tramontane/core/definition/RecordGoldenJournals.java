package io.tramontane.core.definition;

import io.tramontane.core.TramontaneConfig;
import io.tramontane.testkit.GoldenJournal;
import io.tramontane.testkit.TestConfigs;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;

/**
 * Writes the golden journal of {@link DefinitionEntity} (a stored agent definition) from today's
 * code. Not a test and never run by the build: run it by hand only for a NEW fixture; an existing
 * fixture stands for journals already on disks and is never re-recorded.
 */
final class RecordGoldenJournals {

  static final Instant AT = Instant.parse("2026-03-02T06:00:00Z");
  static final String V1 = "name: helper\ninstructions: Answer briefly.\n";
  static final String V2 = "name: helper\ninstructions: Answer briefly, in French.\n";

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "runtime/core/src/test/resources/golden");
    ActorTestKit kit =
        ActorTestKit.create("Record", TestConfigs.local(TramontaneConfig.load(Map.of())));
    try {
      GoldenJournal.record(
          kit.system(),
          "DefinitionEntity (AgentDefinition)",
          "AgentDefinition|acme/helper",
          List.of(
              new DefinitionEntity.DefinitionDeployed("h1", "PUT /agents/helper", V1, AT),
              new DefinitionEntity.DefinitionDeployed("h2", "helper.yaml", V2, AT.plusSeconds(60)),
              new DefinitionEntity.DefinitionRemoved(AT.plusSeconds(120)),
              new DefinitionEntity.DefinitionDeployed("h1", "PUT /agents/helper", V1, AT)),
          dir.resolve("definition.json"));
    } finally {
      kit.shutdownTestKit();
    }
  }
}
