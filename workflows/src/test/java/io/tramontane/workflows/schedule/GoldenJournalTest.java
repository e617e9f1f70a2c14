package io.tramontane.workflows.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tramontane.core.TramontaneConfig;
import io.tramontane.core.persistence.PersistenceSettings;
import io.tramontane.testkit.GoldenJournalExtension;
import io.tramontane.workflows.definition.ScheduleSpec;
import io.tramontane.workflows.run.WorkflowRunEntity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.Done;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A schedule's journal recorded by an earlier version (set every 15 min, one tick fired, confirmed
 * and ended, replaced by a cron, removed; src/test/resources/golden, by {@link
 * RecordGoldenJournals}) replays through today's serializer and entity to the same schedule:
 * removed, remembering its last run and when it ended; set again, it owes no tick from before and
 * starts nothing on recovery.
 */
class GoldenJournalTest {

  @RegisterExtension
  static final GoldenJournalExtension golden =
      new GoldenJournalExtension(TramontaneConfig.load(Map.of()));

  static final Instant AT = RecordGoldenJournals.AT;

  /** Records starts; every run reads as ended. */
  static final class Recorder implements Runs {
    final List<String> started = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<?> start(
        String tenant,
        String workflow,
        String runName,
        String definitionVersion,
        String definition,
        String input) {
      started.add(runName);
      return CompletableFuture.completedFuture(Done.done());
    }

    @Override
    public CompletionStage<WorkflowRunEntity.Status> status(
        String tenant, String workflow, String runName) {
      return CompletableFuture.completedFuture(WorkflowRunEntity.Status.COMPLETED);
    }
  }

  @Test
  void aRecordedScheduleRecoversRemovedWithItsLastRun() {
    var events = golden.replay("/golden/schedule.json");
    assertEquals(6, events.size());
    assertEquals(
        ScheduleSpec.every(Duration.ofMinutes(15)),
        assertInstanceOf(ScheduleEntity.ScheduleSet.class, events.get(0)).spec());

    Recorder runs = new Recorder();
    // 06:50 on the Monday the journal was recorded: the cron (06:00 on weekdays) is not due.
    Instant now = AT.plus(Duration.ofMinutes(50));
    var settings =
        new ScheduleSettings(
            ZoneOffset.UTC,
            ScheduleSettings.Missed.ALL,
            100,
            Duration.ofSeconds(10),
            Duration.ofMillis(10),
            Duration.ofMillis(10));
    var runtime =
        new ScheduleEntity.Runtime(
            runs,
            settings,
            Clock.fixed(now, ZoneOffset.UTC),
            PersistenceSettings.fromConfig(golden.system().settings().config()));
    var entity =
        golden.<ScheduleEntity.Command, ScheduleEntity.Event, ScheduleEntity.State>recover(
            ScheduleEntity.create("acme/nightly", runtime), "/golden/schedule.json");

    String last = "tick-20260302T061500Z";
    var removed =
        new ScheduleEntity.State(
            null,
            "v2",
            "{\"do\":[]}",
            null,
            AT.plusSeconds(900),
            last,
            AT.plusSeconds(902),
            List.of());
    assertEquals(removed, entity.getState());
    var got = entity.<StatusReply<ScheduleEntity.State>>runCommand(ScheduleEntity.Get::new);
    assertEquals(removed, got.reply().getValue(), "what the schedule reads as");

    // Set again: it counts from now (no tick owed from before it was removed), and remembers its
    // last run.
    var cron = ScheduleSpec.cron("0 6 * * 1-5");
    var set =
        entity.<StatusReply<Done>>runCommand(
            r -> new ScheduleEntity.Ensure(cron, "v3", "{\"do\":[]}", r));
    assertTrue(set.reply().isSuccess(), set.reply().toString());
    assertEquals(
        List.of(new ScheduleEntity.ScheduleSet(cron, "v3", "{\"do\":[]}", now)), set.events());
    var again = entity.<StatusReply<ScheduleEntity.State>>runCommand(ScheduleEntity.Get::new);
    assertEquals(
        new ScheduleEntity.State(
            cron,
            "v3",
            "{\"do\":[]}",
            now,
            AT.plusSeconds(900),
            last,
            AT.plusSeconds(902),
            List.of()),
        again.reply().getValue());
    assertEquals(List.of(), runs.started, "nothing started: no tick is due");
  }
}
