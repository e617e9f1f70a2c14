package io.tramontane.workflows.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Durable execution by replay: the {@link Interpreter} is deterministic between side effects, so a
 * run is resumed by running it again from the start while every side effect already recorded in the
 * run's journal returns its recorded outcome instead of happening again. Each effect has a key
 * {@code <task reference>#<occurrence>} (the occurrence counts loops and retries), which also
 * serves as the idempotency key a live call carries: an effect that ran but whose outcome was not
 * recorded before a crash runs again with the same key.
 */
public final class Replay implements Interpreter.Effects {

  /** The run's record of effect outcomes; {@link #record} returns once the outcome is durable. */
  public interface Journal {
    Optional<JsonNode> recorded(String key);

    void record(String key, JsonNode outcome);
  }

  /** The live side of each effect. Keys are stable across crashes: use them for idempotency. */
  public interface Live {
    JsonNode call(String key, String function, JsonNode with);

    void emit(String key, JsonNode event);

    JsonNode listen(String key, JsonNode to);

    /** Blocks until {@code instant} (a durable timer's due time). */
    void sleepUntil(Instant instant);
  }

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final Journal journal;
  private final Live live;
  private final Clock clock;
  private final Map<String, Integer> occurrences = new HashMap<>();

  public Replay(Journal journal, Live live, Clock clock) {
    this.journal = journal;
    this.live = live;
    this.clock = clock;
  }

  private String key(String reference) {
    return reference + "#" + occurrences.merge(reference, 1, Integer::sum);
  }

  @Override
  public JsonNode call(String reference, String function, JsonNode with, int attempt) {
    String key = key(reference);
    Optional<JsonNode> done = journal.recorded(key);
    if (done.isPresent()) {
      return unwrap(done.get(), reference);
    }
    JsonNode outcome;
    try {
      outcome = F.objectNode().set("result", live.call(key, function, with));
    } catch (WorkflowError e) {
      outcome = F.objectNode().set("error", e.toJson());
    }
    journal.record(key, outcome);
    return unwrap(outcome, reference);
  }

  private static JsonNode unwrap(JsonNode outcome, String reference) {
    if (outcome.has("error")) {
      throw WorkflowError.from(outcome.get("error"), reference);
    }
    return outcome.get("result");
  }

  @Override
  public void emit(String reference, JsonNode event) {
    String key = key(reference);
    if (journal.recorded(key).isEmpty()) {
      live.emit(key, event);
      journal.record(key, F.objectNode().put("emitted", true));
    }
  }

  @Override
  public JsonNode listen(String reference, JsonNode to) {
    String key = key(reference);
    Optional<JsonNode> done = journal.recorded(key);
    if (done.isPresent()) {
      return done.get();
    }
    JsonNode events = live.listen(key, to);
    journal.record(key, events);
    return events;
  }

  @Override
  public void await(String reference, JsonNode duration) {
    timer(key(reference), durationOf(duration, reference));
  }

  @Override
  public void backoff(String reference, JsonNode retry, int attempt) {
    Duration base = retry.has("delay") ? durationOf(retry.get("delay"), reference) : Duration.ZERO;
    Duration delay =
        retry.path("backoff").has("exponential")
            ? base.multipliedBy(1L << Math.min(20, attempt - 1))
            : retry.path("backoff").has("linear") ? base.multipliedBy(attempt) : base;
    timer(key(reference + "/retry"), delay);
  }

  /**
   * A durable timer: its due time is recorded first, so after a restart the run sleeps only what is
   * left; its firing is recorded, so a replay does not sleep at all.
   */
  private void timer(String key, Duration duration) {
    if (journal.recorded(key).isPresent()) {
      return;
    }
    String dueKey = key + "/due";
    Instant due =
        journal
            .recorded(dueKey)
            .map(n -> Instant.parse(n.asText()))
            .orElseGet(
                () -> {
                  Instant at = clock.instant().plus(duration);
                  journal.record(dueKey, F.textNode(at.toString()));
                  return at;
                });
    live.sleepUntil(due);
    journal.record(key, F.objectNode().put("fired", due.toString()));
  }

  /** ISO 8601 ({@code PT30S}) or the DSL's object ({@code {minutes: 5}}). */
  static Duration durationOf(JsonNode d, String reference) {
    if (d.isTextual()) {
      try {
        return Duration.parse(d.asText());
      } catch (RuntimeException e) {
        throw new WorkflowError(
            WorkflowError.RUNTIME,
            400,
            "Bad duration",
            "'" + d.asText() + "' is not ISO 8601",
            reference);
      }
    }
    return Duration.ofDays(d.path("days").asLong())
        .plusHours(d.path("hours").asLong())
        .plusMinutes(d.path("minutes").asLong())
        .plusSeconds(d.path("seconds").asLong())
        .plusMillis(d.path("milliseconds").asLong());
  }
}
