package io.tramontane.workflows.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.tramontane.core.TramontaneConfig;
import io.tramontane.testkit.GoldenJournal;
import io.tramontane.testkit.TestConfigs;
import io.tramontane.workflows.definition.ScheduleSpec;
import java.time.Duration;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A schedule's journal recorded by an earlier version (set, one tick fired, confirmed and ended,
 * replaced by a cron, removed; src/test/resources/golden, by {@link RecordGoldenJournals}) still
 * decodes through today's serializer with every recorded field. (The entity itself needs a run
 * starter and a clock; its recovery is covered by ScheduleEntityTest.)
 */
class GoldenJournalTest {

  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit =
        ActorTestKit.create(
            "GoldenJournalTest", TestConfigs.local(TramontaneConfig.load(Map.of())));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void aRecordedScheduleDecodesAsRecorded() {
    var events = GoldenJournal.replay(testKit.system(), getClass(), "/golden/schedule.json");
    assertEquals(6, events.size());
    var set = assertInstanceOf(ScheduleEntity.ScheduleSet.class, events.get(0));
    assertEquals(ScheduleSpec.every(Duration.ofMinutes(15)), set.spec());
    var fired = assertInstanceOf(ScheduleEntity.TickFired.class, events.get(1));
    assertEquals("tick-20260302T061500Z", fired.runName());
    var cron = assertInstanceOf(ScheduleEntity.ScheduleSet.class, events.get(4));
    assertEquals(ScheduleSpec.cron("0 6 * * 1-5"), cron.spec());
    assertInstanceOf(ScheduleEntity.ScheduleRemoved.class, events.get(5));
  }
}
