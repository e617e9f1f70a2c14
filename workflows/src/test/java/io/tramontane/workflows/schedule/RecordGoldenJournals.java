package io.tramontane.workflows.schedule;

import io.tramontane.core.TramontaneConfig;
import io.tramontane.testkit.GoldenJournal;
import io.tramontane.testkit.TestConfigs;
import io.tramontane.workflows.definition.ScheduleSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;

/**
 * Writes the golden journal of {@link ScheduleEntity} from today's code. Not a test and never run
 * by the build: run it by hand only for a NEW fixture; an existing fixture stands for journals
 * already on disks and is never re-recorded.
 */
final class RecordGoldenJournals {

  static final Instant AT = Instant.parse("2026-03-02T06:00:00Z");

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "workflows/src/test/resources/golden");
    ActorTestKit kit =
        ActorTestKit.create("Record", TestConfigs.local(TramontaneConfig.load(Map.of())));
    try {
      GoldenJournal.record(
          kit.system(),
          "ScheduleEntity",
          "WorkflowSchedule|acme/nightly",
          List.of(
              new ScheduleEntity.ScheduleSet(
                  ScheduleSpec.every(Duration.ofMinutes(15)), "v1", "{\"do\":[]}", AT),
              new ScheduleEntity.TickFired(AT.plusSeconds(900), "tick-20260302T061500Z"),
              new ScheduleEntity.StartConfirmed("tick-20260302T061500Z"),
              new ScheduleEntity.RunEnded("tick-20260302T061500Z", AT.plusSeconds(902)),
              new ScheduleEntity.ScheduleSet(
                  ScheduleSpec.cron("0 6 * * 1-5"), "v2", "{\"do\":[]}", AT.plusSeconds(1000)),
              new ScheduleEntity.ScheduleRemoved(AT.plusSeconds(2000))),
          dir.resolve("schedule.json"));
    } finally {
      kit.shutdownTestKit();
    }
  }
}
