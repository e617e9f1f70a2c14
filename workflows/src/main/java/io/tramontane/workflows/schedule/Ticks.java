package io.tramontane.workflows.schedule;

import com.cronutils.model.time.ExecutionTime;
import io.tramontane.workflows.definition.ScheduleSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The ticks of an {@code every} or {@code cron} schedule: {@code every} ticks at {@code anchor + k
 * × interval} (k ≥ 1; the anchor is when the schedule was set), {@code cron} at each match in the
 * zone. Pure: the same spec, zone and anchor give the same ticks on every node and after every
 * restart, so a tick's run name is the same wherever it is computed.
 */
final class Ticks {

  private static final DateTimeFormatter NAME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final Instant anchor;
  private final long intervalNanos;
  private final ExecutionTime cron;
  private final ZoneId zone;

  Ticks(ScheduleSpec spec, ZoneId zone, Instant anchor) {
    if (spec.kind() == ScheduleSpec.Kind.AFTER) {
      throw new IllegalArgumentException("an after schedule has no fixed ticks");
    }
    this.anchor = anchor;
    this.zone = zone;
    this.intervalNanos = spec.interval() == null ? 0 : spec.interval().toNanos();
    this.cron =
        spec.kind() == ScheduleSpec.Kind.CRON
            ? ExecutionTime.forCron(ScheduleSpec.parseCron(spec.cron()))
            : null;
  }

  /** The run started for a tick: {@code tick-20260302T060000Z}. */
  static String runName(Instant tick) {
    return "tick-" + NAME.format(tick);
  }

  /** The first tick strictly after {@code t}; empty when a cron never matches again. */
  Optional<Instant> next(Instant t) {
    if (cron != null) {
      return cron.nextExecution(t.atZone(zone)).map(z -> z.toInstant());
    }
    long k = Math.max(1, Math.floorDiv(nanosSinceAnchor(t), intervalNanos) + 1);
    return Optional.of(at(k));
  }

  /** The last tick strictly before {@code t} and after the anchor. */
  Optional<Instant> previous(Instant t) {
    if (cron != null) {
      return cron.lastExecution(t.atZone(zone)).map(z -> z.toInstant()).filter(anchor::isBefore);
    }
    long k = Math.ceilDiv(nanosSinceAnchor(t), intervalNanos) - 1;
    return k >= 1 ? Optional.of(at(k)) : Optional.empty();
  }

  /** The most recent tick at or before {@code now} and after the anchor. */
  Optional<Instant> latest(Instant now) {
    Optional<Instant> p = previous(now);
    Optional<Instant> n = p.isPresent() ? next(p.get()) : next(anchor);
    return n.isPresent() && !n.get().isAfter(now) ? n : p;
  }

  /**
   * The ticks after {@code from} up to and including {@code last}, oldest first; at most {@code
   * limit}, the most recent ones.
   */
  List<Instant> between(Instant from, Instant last, int limit) {
    List<Instant> out = new ArrayList<>();
    Optional<Instant> t = Optional.of(last);
    while (t.isPresent() && t.get().isAfter(from) && out.size() < limit) {
      out.add(t.get());
      t = previous(t.get());
    }
    Collections.reverse(out);
    return out;
  }

  private long nanosSinceAnchor(Instant t) {
    return Duration.between(anchor, t).toNanos();
  }

  private Instant at(long k) {
    return anchor.plusNanos(k * intervalNanos);
  }
}
