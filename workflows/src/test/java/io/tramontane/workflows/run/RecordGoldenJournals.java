package io.tramontane.workflows.run;

import io.tramontane.core.TramontaneConfig;
import io.tramontane.testkit.GoldenJournal;
import io.tramontane.testkit.TestConfigs;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;

/**
 * Writes the golden journal of {@link WorkflowRunEntity} (a completed run) from today's code. Not a
 * test and never run by the build: run it by hand only for a NEW fixture; an existing fixture
 * stands for journals already on disks and is never re-recorded.
 */
final class RecordGoldenJournals {

  static final Instant AT = Instant.parse("2026-03-02T06:00:00Z");
  static final String DEFINITION =
      "{\"document\":{\"dsl\":\"1.0.0\",\"namespace\":\"t\",\"name\":\"answer\",\"version\":\"1.0.0\"},"
          + "\"do\":[{\"ask\":{\"call\":\"http\",\"with\":{\"method\":\"post\",\"endpoint\":\"http://127.0.0.1:9/x\"}}}]}";

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "workflows/src/test/resources/golden");
    ActorTestKit kit =
        ActorTestKit.create("Record", TestConfigs.local(TramontaneConfig.load(Map.of())));
    try {
      GoldenJournal.record(
          kit.system(),
          "WorkflowRunEntity",
          "WorkflowRun|acme/answer/r1",
          List.of(
              new WorkflowRunEntity.RunStarted("v1", DEFINITION, "{\"question\":\"leave?\"}", AT),
              new WorkflowRunEntity.EventReceived("{\"type\":\"io.tramontane.approval.granted\"}"),
              new WorkflowRunEntity.EffectRecorded(
                  "ask#0", "{\"status\":200,\"body\":\"25 days\"}"),
              new WorkflowRunEntity.RunCompleted("{\"answer\":\"25 days\"}")),
          dir.resolve("workflow-run.json"));
    } finally {
      kit.shutdownTestKit();
    }
  }
}
