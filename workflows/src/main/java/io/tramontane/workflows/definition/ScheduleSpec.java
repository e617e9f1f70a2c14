package io.tramontane.workflows.definition;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A workflow's timer schedule, from its top-level {@code schedule}: {@code every} (one run per
 * interval), {@code cron} (Unix, five fields) or {@code after} (the next run that long after the
 * previous one ended). {@code schedule.on} starts runs from events and is not a timer: it is not
 * represented here.
 *
 * <p>The record travels in the schedule entity's events, so its constructor does not validate
 * (older events must always read back); {@link #of} and the factories do.
 *
 * @param kind which of every, cron, after
 * @param interval {@code every} or {@code after}; null for cron
 * @param cron the cron expression; null unless {@code kind} is CRON
 */
public record ScheduleSpec(Kind kind, Duration interval, String cron) {

  /** The shortest {@code every} / {@code after}: run names carry the tick to the second. */
  public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

  /** The timer keys of {@code schedule}, of which a definition may use one. */
  static final List<String> TIMERS = List.of("every", "cron", "after");

  public enum Kind {
    EVERY,
    CRON,
    AFTER
  }

  public static ScheduleSpec every(Duration interval) {
    return new ScheduleSpec(Kind.EVERY, atLeastASecond(interval), null);
  }

  public static ScheduleSpec after(Duration interval) {
    return new ScheduleSpec(Kind.AFTER, atLeastASecond(interval), null);
  }

  public static ScheduleSpec cron(String expression) {
    parseCron(expression);
    return new ScheduleSpec(Kind.CRON, null, expression.strip());
  }

  /**
   * The timer schedule of a definition tree (valid definitions only); empty when it has none, or
   * only {@code schedule.on}.
   */
  public static Optional<ScheduleSpec> of(JsonNode definition) {
    JsonNode s = definition.path("schedule");
    if (s.hasNonNull("every")) {
      return Optional.of(every(duration(s.get("every"))));
    }
    if (s.hasNonNull("cron")) {
      return Optional.of(cron(s.get("cron").asText()));
    }
    if (s.hasNonNull("after")) {
      return Optional.of(after(duration(s.get("after"))));
    }
    return Optional.empty();
  }

  /**
   * Parses a Unix cron expression (minute hour day-of-month month day-of-week) that matches at
   * least one date.
   *
   * @throws IllegalArgumentException with what is wrong
   */
  public static Cron parseCron(String expression) {
    Cron cron;
    try {
      cron =
          new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX))
              .parse(expression.strip())
              .validate();
    } catch (IllegalArgumentException e) {
      String why = String.valueOf(e.getMessage()).replace("Failed to parse cron expression. ", "");
      throw new IllegalArgumentException(why, e);
    }
    if (ExecutionTime.forCron(cron)
        .nextExecution(ZonedDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC))
        .isEmpty()) {
      throw new IllegalArgumentException("it matches no date");
    }
    return cron;
  }

  /**
   * A literal duration: ISO 8601 ({@code PT15M}) or {@code {days, hours, minutes, seconds,
   * milliseconds}}.
   *
   * @throws IllegalArgumentException when it is neither (an expression included)
   */
  public static Duration duration(JsonNode value) {
    if (value != null && value.isTextual()) {
      try {
        return Duration.parse(value.asText().strip());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("'" + value.asText() + "' is not a duration", e);
      }
    }
    if (value != null && value.isObject() && !value.isEmpty()) {
      Duration d = Duration.ZERO;
      d = d.plusDays(value.path("days").asLong());
      d = d.plusHours(value.path("hours").asLong());
      d = d.plusMinutes(value.path("minutes").asLong());
      d = d.plusSeconds(value.path("seconds").asLong());
      return d.plusMillis(value.path("milliseconds").asLong());
    }
    throw new IllegalArgumentException(value + " is not a duration");
  }

  private static Duration atLeastASecond(Duration interval) {
    if (interval == null || interval.compareTo(MIN_INTERVAL) < 0) {
      throw new IllegalArgumentException(
          "a schedule interval must be at least 1 second, not " + interval);
    }
    return interval;
  }

  /** The schedule as written: {@code {"every": "PT15M"}}, {@code {"cron": "0 6 * * 1-5"}}. */
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    String key = kind.name().toLowerCase(Locale.ROOT);
    return kind == Kind.CRON ? o.put(key, cron) : o.put(key, interval.toString());
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase(Locale.ROOT)
        + " "
        + (kind == Kind.CRON ? "'" + cron + "'" : interval);
  }

  /**
   * The profile's checks of {@code schedule} beyond the duration syntax (which {@link Profile}
   * checks): one timer at most, literal intervals of a second or more, a cron expression that
   * parses and matches some date.
   */
  static void check(
      JsonNode schedule, Locations where, List<Problem> problems, Set<String> claimed) {
    List<String> timers = new ArrayList<>();
    for (String t : TIMERS) {
      if (schedule.has(t)) {
        timers.add(t);
      }
    }
    if (timers.size() > 1) {
      String second = timers.get(1);
      problems.add(
          where.atKey(
              "/schedule/" + second,
              "schedule has both '" + timers.get(0) + "' and '" + second + "'",
              "use one of every, cron or after; for two timings, deploy two workflows"));
    }
    for (String t : List.of("every", "after")) {
      JsonNode value = schedule.get(t);
      if (value == null) {
        continue;
      }
      String pointer = "/schedule/" + t;
      if (value.isTextual() && Profile.isExpression(value.asText())) {
        claimed.add(pointer);
        problems.add(
            where.at(
                pointer,
                "schedule." + t + " cannot be an expression (there is no input yet)",
                "write a literal duration like PT15M or {minutes: 15}"));
        continue;
      }
      Duration d;
      try {
        d = duration(value);
      } catch (IllegalArgumentException | ArithmeticException e) {
        continue; // not a duration: Profile and the schema say so
      }
      if (d.compareTo(MIN_INTERVAL) < 0) {
        problems.add(
            where.at(
                pointer,
                "schedule." + t + " must be at least 1 second, not " + d,
                "runs are named after their tick to the second; use PT1S or longer"));
      }
    }
    JsonNode cron = schedule.get("cron");
    if (cron != null && cron.isTextual()) {
      try {
        parseCron(cron.asText());
      } catch (IllegalArgumentException e) {
        claimed.add("/schedule/cron");
        problems.add(
            where.at(
                "/schedule/cron",
                "cron expression '" + cron.asText() + "' is not valid: " + e.getMessage(),
                "five fields: minute hour day-of-month month day-of-week, e.g. '0 6 * * 1-5'"
                    + " (06:00 on weekdays, in tramontane.workflows.schedules.zone, UTC by"
                    + " default); no seconds, no '?', 'L', 'W' or '@daily'"));
      }
    }
  }
}
