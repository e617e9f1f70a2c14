package io.tramontane.workflows.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tramontane.workflows.definition.ScheduleSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Tick arithmetic: every from its anchor, cron in its zone, previous / latest / between. */
class TicksTest {

  static final Instant T0 = Instant.parse("2026-03-02T06:00:00Z");

  static Instant t(String s) {
    return Instant.parse(s);
  }

  @Test
  void everyTicksFromItsAnchor() {
    Ticks ticks = new Ticks(ScheduleSpec.every(Duration.ofMinutes(15)), ZoneOffset.UTC, T0);
    assertEquals(Optional.of(t("2026-03-02T06:15:00Z")), ticks.next(T0));
    assertEquals(Optional.of(t("2026-03-02T06:30:00Z")), ticks.next(t("2026-03-02T06:15:00Z")));
    assertEquals(Optional.of(t("2026-03-02T06:15:00Z")), ticks.next(T0.minusSeconds(3600)));
    assertEquals(Optional.empty(), ticks.previous(t("2026-03-02T06:15:00Z")), "none before");
    assertEquals(
        Optional.of(t("2026-03-02T06:15:00Z")), ticks.previous(t("2026-03-02T06:15:00.001Z")));
    assertEquals(Optional.empty(), ticks.latest(t("2026-03-02T06:14:59Z")));
    assertEquals(Optional.of(t("2026-03-02T06:15:00Z")), ticks.latest(t("2026-03-02T06:15:00Z")));
    assertEquals(Optional.of(t("2026-03-02T07:00:00Z")), ticks.latest(t("2026-03-02T07:10:00Z")));
    assertEquals(
        List.of(t("2026-03-02T06:45:00Z"), t("2026-03-02T07:00:00Z")),
        ticks.between(t("2026-03-02T06:30:00Z"), t("2026-03-02T07:00:00Z"), 100));
    assertEquals(
        List.of(t("2026-03-02T07:00:00Z")), ticks.between(T0, t("2026-03-02T07:00:00Z"), 1));
  }

  @Test
  void cronTicksInItsZoneAcrossDaylightSaving() {
    ZoneId paris = ZoneId.of("Europe/Paris");
    Ticks ticks = new Ticks(ScheduleSpec.cron("0 6 * * *"), paris, t("2026-03-27T00:00:00Z"));
    // 06:00 in Paris is 05:00Z in winter (CET) and 04:00Z from 29 March (CEST).
    assertEquals(
        List.of(
            t("2026-03-27T05:00:00Z"),
            t("2026-03-28T05:00:00Z"),
            t("2026-03-29T04:00:00Z"),
            t("2026-03-30T04:00:00Z")),
        ticks.between(t("2026-03-27T00:00:00Z"), t("2026-03-30T04:00:00Z"), 100));
    assertEquals(Optional.of(t("2026-03-28T05:00:00Z")), ticks.latest(t("2026-03-29T03:59:59Z")));
    assertEquals(Optional.of(t("2026-03-29T04:00:00Z")), ticks.latest(t("2026-03-29T04:00:00Z")));
    assertEquals(Optional.empty(), ticks.previous(t("2026-03-27T05:00:00Z")), "after the anchor");
  }

  @Test
  void weekdayCronSkipsTheWeekend() {
    Ticks ticks = new Ticks(ScheduleSpec.cron("0 6 * * 1-5"), ZoneOffset.UTC, T0);
    // 2026-03-06 is a Friday.
    assertEquals(Optional.of(t("2026-03-09T06:00:00Z")), ticks.next(t("2026-03-06T06:00:00Z")));
  }

  @Test
  void runNamesCarryTheTickToTheSecond() {
    assertEquals("tick-20260302T060000Z", Ticks.runName(T0));
    assertEquals("tick-20260302T060001Z", Ticks.runName(t("2026-03-02T06:00:01.900Z")));
  }
}
