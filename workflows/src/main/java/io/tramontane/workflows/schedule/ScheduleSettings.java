package io.tramontane.workflows.schedule;

import com.typesafe.config.Config;
import io.tramontane.core.ConfigurationException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Locale;

/**
 * {@code tramontane.workflows.schedules}: the zone cron expressions are read in, and what happens
 * to ticks missed while no node was running. A schedule's runs belong to its definition's tenant.
 *
 * @param zone zone of cron expressions
 * @param missed what to do with ticks missed during downtime
 * @param maxCatchUp most missed ticks fired at once under {@link Missed#ALL}
 * @param grace a tick handled later than this after its time was missed (not merely late)
 * @param afterPoll how often an {@code after} schedule checks whether its run has ended
 * @param maxTimer longest single timer; the schedule re-reads the clock at least this often
 */
public record ScheduleSettings(
    ZoneId zone,
    Missed missed,
    int maxCatchUp,
    Duration grace,
    Duration afterPoll,
    Duration maxTimer) {

  /** What a schedule does with ticks that passed while it could not fire them. */
  public enum Missed {
    /** Fire one run, for the most recent missed tick; then continue on schedule. */
    LATEST,
    /**
     * Fire every missed tick, oldest first, at most {@code max-catch-up} (the most recent ones).
     */
    ALL,
    /** Fire none; continue at the next tick to come. */
    SKIP
  }

  public ScheduleSettings {
    if (maxCatchUp < 1) {
      throw new ConfigurationException(
          "tramontane.workflows.schedules.max-catch-up must be 1 or more, not " + maxCatchUp + ".");
    }
    for (Duration d : new Duration[] {grace, afterPoll, maxTimer}) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new ConfigurationException(
            "tramontane.workflows.schedules: grace, after-poll and max-timer must be positive"
                + " durations, e.g. 1m, 1s, 1d.");
      }
    }
  }

  /** Reads {@code tramontane.workflows.schedules}. */
  public static ScheduleSettings fromConfig(Config config) {
    Config c = config.getConfig("tramontane.workflows.schedules");
    if (c.hasPath("tenant")) {
      throw new ConfigurationException(
          "tramontane.workflows.schedules.tenant is no longer read: a schedule runs in its"
              + " definition's tenant. Set tramontane.workflows.tenant (the tenant of the files in"
              + " tramontane.workflows.dir) instead.");
    }
    ZoneId zone;
    try {
      zone = ZoneId.of(c.getString("zone"));
    } catch (DateTimeException e) {
      throw new ConfigurationException(
          "tramontane.workflows.schedules.zone '"
              + c.getString("zone")
              + "' is not a time zone: use UTC, an offset like +02:00 or a region like"
              + " Europe/Paris.");
    }
    Missed missed;
    try {
      missed = Missed.valueOf(c.getString("missed").strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(
          "tramontane.workflows.schedules.missed is '"
              + c.getString("missed")
              + "': use latest, all or skip.");
    }
    return new ScheduleSettings(
        zone,
        missed,
        c.getInt("max-catch-up"),
        c.getDuration("grace"),
        c.getDuration("after-poll"),
        c.getDuration("max-timer"));
  }
}
