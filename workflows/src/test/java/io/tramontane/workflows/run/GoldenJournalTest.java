package io.tramontane.workflows.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tramontane.core.TramontaneConfig;
import io.tramontane.core.persistence.PersistenceSettings;
import io.tramontane.testkit.GoldenJournalExtension;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A completed run's journal recorded by an earlier version (src/test/resources/golden, by {@link
 * RecordGoldenJournals}) replays through today's serializer and entity to the same run: completed,
 * with its pinned definition, input, recorded effect and output.
 */
class GoldenJournalTest {

  @RegisterExtension
  static final GoldenJournalExtension golden =
      new GoldenJournalExtension(TramontaneConfig.load(Map.of()));

  @Test
  void aRecordedCompletedRunRecoversCompleted() {
    var runtime =
        new WorkflowRunEntity.Runtime(
            run -> {
              throw new AssertionError("a completed run runs nothing on recovery");
            },
            Clock.systemUTC(),
            PersistenceSettings.fromConfig(golden.system().settings().config()));
    var entity =
        golden.<WorkflowRunEntity.Command, WorkflowRunEntity.Event, WorkflowRunEntity.State>recover(
            WorkflowRunEntity.create("acme/answer/r1", runtime), "/golden/workflow-run.json");
    WorkflowRunEntity.State state = entity.getState();
    assertEquals(WorkflowRunEntity.Status.COMPLETED, state.status());
    assertEquals("v1", state.definitionVersion());
    assertEquals(RecordGoldenJournals.DEFINITION, state.definition());
    assertEquals("{\"question\":\"leave?\"}", state.input());
    assertEquals(Map.of("ask#0", "{\"status\":200,\"body\":\"25 days\"}"), state.effects());
    assertEquals("{\"answer\":\"25 days\"}", state.output());
    assertEquals(null, state.error());
  }
}
