package io.tramontane.workflows.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tramontane.core.TramontaneConfig;
import io.tramontane.core.persistence.PersistenceSettings;
import io.tramontane.testkit.GoldenJournal;
import io.tramontane.testkit.TestConfigs;
import java.time.Clock;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A completed run's journal recorded by an earlier version (src/test/resources/golden, by {@link
 * RecordGoldenJournals}) replays through today's serializer and entity to the same run: completed,
 * with its pinned definition, input, recorded effect and output.
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
  void aRecordedCompletedRunRecoversCompleted() {
    var events = GoldenJournal.replay(testKit.system(), getClass(), "/golden/workflow-run.json");
    var runtime =
        new WorkflowRunEntity.Runtime(
            run -> {
              throw new AssertionError("a completed run runs nothing on recovery");
            },
            Clock.systemUTC(),
            PersistenceSettings.fromConfig(testKit.system().settings().config()));
    var entity =
        EventSourcedBehaviorTestKit
            .<WorkflowRunEntity.Command, WorkflowRunEntity.Event, WorkflowRunEntity.State>create(
                testKit.system(),
                WorkflowRunEntity.create("acme/answer/r1", runtime),
                EventSourcedBehaviorTestKit.enabledSerializationSettings());
    entity.initialize(events.toArray());
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
