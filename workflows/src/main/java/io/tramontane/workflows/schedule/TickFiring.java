package io.tramontane.workflows.schedule;

import io.tramontane.workflows.definition.ScheduleSpec;
import io.tramontane.workflows.run.WorkflowRunEntity;
import io.tramontane.workflows.schedule.ScheduleEntity.Event;
import io.tramontane.workflows.schedule.ScheduleEntity.State;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a schedule wakes, and which ticks it fires then: {@code every} and {@code cron} fire the due
 * ticks by the missed-tick policy; {@code after} fires the next run once the previous one ended.
 * Owns the schedule's timers, which never wait longer than {@code max-timer}.
 */
final class TickFiring {

  private static final Logger LOG = LoggerFactory.getLogger(ScheduleEntity.class);
  private static final String WAKE = "wake";
  private static final String RETRY = "retry";
  private static final Duration RETRY_START = Duration.ofSeconds(5);

  private final String id;
  private final EffectFactories<Event, State> effect;
  private final TimerScheduler<ScheduleEntity.Command> timers;
  private final ActorRef<ScheduleEntity.Command> self;
  private final ScheduleSettings settings;
  private final Clock clock;
  private final ScheduleRuns runs;
  private Instant skippedUpTo;

  TickFiring(
      String id,
      EffectFactories<Event, State> effect,
      TimerScheduler<ScheduleEntity.Command> timers,
      ActorRef<ScheduleEntity.Command> self,
      ScheduleEntity.Runtime runtime,
      ScheduleRuns runs) {
    this.id = id;
    this.effect = effect;
    this.timers = timers;
    this.self = self;
    this.settings = runtime.settings();
    this.clock = runtime.clock();
    this.runs = runs;
  }

  /** Wake now: read the clock, fire what is due, set the next timer. */
  void wake() {
    self.tell(ScheduleEntity.Wake.INSTANCE);
  }

  /** A new spec: ticks skipped under the old one no longer count. */
  void respecified() {
    skippedUpTo = null;
  }

  /** The schedule was removed: no more wakes. */
  void stop() {
    timers.cancel(WAKE);
  }

  /** A start failed: wake again a little later to retry it. */
  ReplyEffect<Event, State> retry(ScheduleEntity.StartFailed c) {
    Duration retry = min(RETRY_START, settings.maxTimer());
    LOG.warn(
        "Schedule {}: starting run {} failed ({}); retrying in {}",
        id,
        c.runName(),
        c.reason(),
        retry);
    timers.startSingleTimer(RETRY, ScheduleEntity.Wake.INSTANCE, retry);
    return effect.noReply();
  }

  /** ({@code after}) the awaited run ended: the next one is due {@code after} from now. */
  ReplyEffect<Event, State> observed(State s, ScheduleEntity.Observed o) {
    if (!o.runName().equals(s.lastRun()) || s.lastEnded() != null) {
      return effect.noReply();
    }
    if (o.failure() == null && o.status() != WorkflowRunEntity.Status.RUNNING) {
      if (o.status() == WorkflowRunEntity.Status.NEW) {
        LOG.warn("Schedule {}: run {} does not exist; counting it as ended", id, o.runName());
      }
      return effect
          .persist(new ScheduleEntity.RunEnded(o.runName(), clock.instant()))
          .thenRun(st -> wake())
          .thenNoReply();
    }
    if (o.failure() != null) {
      LOG.debug("Schedule {}: cannot read run {} yet: {}", id, o.runName(), o.failure());
    }
    timers.startSingleTimer(WAKE, ScheduleEntity.Wake.INSTANCE, settings.afterPoll());
    return effect.noReply();
  }

  /** {@code every} and {@code cron}: fire the due ticks by the missed-tick policy. */
  ReplyEffect<Event, State> timed(State s, Instant now) {
    Ticks ticks;
    try {
      ticks = new Ticks(s.spec(), settings.zone(), s.since());
    } catch (IllegalArgumentException e) {
      LOG.error("Schedule {}: {} cannot be evaluated ({}); it fires no runs", id, s.spec(), e);
      return effect.noReply();
    }
    Instant from = latest(latest(s.since(), s.lastTick()), skippedUpTo);
    Optional<Instant> due = ticks.latest(now).filter(t -> t.isAfter(from));
    if (due.isEmpty()) {
      arm(ticks.next(latest(from, now)), now);
      return effect.noReply();
    }
    Instant last = due.get();
    boolean missedEarlier = ticks.previous(last).filter(p -> p.isAfter(from)).isPresent();
    boolean late = now.isAfter(last.plus(settings.grace()));
    List<Instant> fire =
        switch (settings.missed()) {
          case LATEST -> List.of(last);
          case SKIP -> late ? List.of() : List.of(last);
          case ALL -> ticks.between(from, last, settings.maxCatchUp());
        };
    if (missedEarlier || late) {
      LOG.info(
          "Schedule {}: ticks after {} were missed (the latest due is {}, {} late);"
              + " missed = {}: firing {} run(s)",
          id,
          from,
          last,
          Duration.between(last, now),
          settings.missed().name().toLowerCase(Locale.ROOT),
          fire.size());
    }
    if (fire.isEmpty()) {
      skippedUpTo = last;
      arm(ticks.next(now), now);
      return effect.noReply();
    }
    List<Event> events = new ArrayList<>();
    for (Instant t : fire) {
      events.add(new ScheduleEntity.TickFired(t, Ticks.runName(t)));
    }
    return effect
        .persist(events)
        .thenRun(
            st -> {
              runs.reissue(st);
              Instant after = clock.instant();
              arm(ticks.next(latest(st.lastTick(), after)), after);
            })
        .thenNoReply();
  }

  /**
   * {@code after}: the first run at once, then each run {@code after} the previous one ended. There
   * is at most one pending start, so a start missed during downtime is made at recovery whatever
   * the missed-tick policy.
   */
  ReplyEffect<Event, State> after(State s, Instant now) {
    Instant tick;
    if (s.lastRun() == null) {
      tick = s.since();
    } else if (s.unstarted().stream().anyMatch(f -> f.runName().equals(s.lastRun()))) {
      return effect.noReply(); // its start is under way (or retried)
    } else if (s.lastEnded() == null) {
      runs.poll(s.lastRun());
      return effect.noReply();
    } else {
      Instant due = s.lastEnded().plus(s.spec().interval());
      if (due.isAfter(now)) {
        arm(Optional.of(due), now);
        return effect.noReply();
      }
      tick = due.truncatedTo(ChronoUnit.SECONDS);
    }
    return effect
        .persist(new ScheduleEntity.TickFired(tick, Ticks.runName(tick)))
        .thenRun(runs::reissue)
        .thenNoReply();
  }

  private void arm(Optional<Instant> next, Instant now) {
    if (next.isEmpty()) {
      timers.cancel(WAKE);
      LOG.warn("Schedule {}: no later tick; it fires no more runs", id);
      return;
    }
    Duration delay = min(Duration.between(now, next.get()), settings.maxTimer());
    timers.startSingleTimer(
        WAKE, ScheduleEntity.Wake.INSTANCE, delay.isNegative() ? Duration.ZERO : delay);
  }

  private static Instant latest(Instant a, Instant b) {
    return a == null ? b : b == null || a.isAfter(b) ? a : b;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Whether {@code s} is an {@code after} schedule. */
  static boolean isAfter(State s) {
    return s.spec() != null && s.spec().kind() == ScheduleSpec.Kind.AFTER;
  }
}
