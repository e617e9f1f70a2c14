package io.tramontane.workflows.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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

    /** A journal kept in {@code outcomes} (an offline run, a test): gone with the process. */
    static Journal inMemory(Map<String, JsonNode> outcomes) {
      return new Journal() {
        @Override
        public Optional<JsonNode> recorded(String key) {
          return Optional.ofNullable(outcomes.get(key));
        }

        @Override
        public void record(String key, JsonNode outcome) {
          outcomes.put(key, outcome);
        }
      };
    }
  }

  /** The live side of each effect. Keys are stable across crashes: use them for idempotency. */
  public interface Live {
    JsonNode call(String key, String function, JsonNode with);

    /**
     * A call that may block until {@code deadline} (the innermost open timeout's due time, or
     * null): one that gives up at the deadline throws a {@link WorkflowError#TIMEOUT} error, which
     * becomes the timeout of the task that set it.
     */
    default JsonNode call(String key, String function, JsonNode with, Instant deadline) {
      return call(key, function, with);
    }

    void emit(String key, JsonNode event);

    /**
     * Waits for the strategy's events until {@code deadline} (null: none); the consumed events, or
     * null at the deadline. {@code view} is how an {@code until} expression sees consumed events.
     */
    JsonNode listen(
        String key, JsonNode to, Instant deadline, java.util.function.UnaryOperator<JsonNode> view);

    /** Blocks until {@code instant} (a durable timer's due time). */
    void sleepUntil(Instant instant);
  }

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final Journal journal;
  private final Live live;
  private final Clock clock;
  private final String runId;
  private final Map<String, Integer> occurrences = new java.util.concurrent.ConcurrentHashMap<>();

  /** Open timeouts of the calling thread (fork branches inherit a copy), innermost last. */
  private final InheritableThreadLocal<java.util.Deque<Deadline>> deadlineStack =
      new InheritableThreadLocal<>() {
        @Override
        protected java.util.Deque<Deadline> initialValue() {
          return new java.util.concurrent.ConcurrentLinkedDeque<>();
        }

        @Override
        protected java.util.Deque<Deadline> childValue(java.util.Deque<Deadline> parent) {
          return new java.util.concurrent.ConcurrentLinkedDeque<>(parent);
        }
      };

  private record Deadline(String reference, Instant due, Duration after) {}

  public Replay(Journal journal, Live live, Clock clock) {
    this(journal, live, clock, null);
  }

  /**
   * A replay of the run {@code runId} ({@code <tenant>/<workflow>/<run>}: {@code $workflow.id}).
   */
  public Replay(Journal journal, Live live, Clock clock, String runId) {
    this.journal = journal;
    this.live = live;
    this.clock = clock;
    this.runId = runId;
  }

  @Override
  public String runId() {
    return runId == null ? Interpreter.Effects.super.runId() : runId;
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
    Deadline deadline = earliest();
    if (deadline != null && !clock.instant().isBefore(deadline.due())) {
      journal.record(key, F.objectNode().set("error", timedOut(deadline).toJson()));
      throw timedOut(deadline);
    }
    JsonNode outcome;
    try {
      outcome =
          F.objectNode()
              .set(
                  "result",
                  live.call(key, function, with, deadline == null ? null : deadline.due()));
    } catch (WorkflowError e) {
      boolean late =
          deadline != null
              && WorkflowError.TIMEOUT.equals(e.type())
              && !clock.instant().isBefore(deadline.due());
      outcome = F.objectNode().set("error", (late ? timedOut(deadline) : e).toJson());
    }
    journal.record(key, outcome);
    return unwrap(outcome, reference);
  }

  /** A recorded error, again; a timeout keeps the reference of the task that timed out. */
  private static WorkflowError recordedError(JsonNode error, String reference) {
    boolean timeout = WorkflowError.TIMEOUT.equals(error.path("type").asText());
    return WorkflowError.from(
        error, timeout ? error.path("instance").asText(reference) : reference);
  }

  private static JsonNode unwrap(JsonNode outcome, String reference) {
    if (outcome.has("error")) {
      throw recordedError(outcome.get("error"), reference);
    }
    return outcome.get("result");
  }

  @Override
  public void emit(String reference, JsonNode event) {
    emitted(reference, event);
  }

  /**
   * Publishes the event once (its CloudEvent, {@link EmittedEvent}, as {@code with}) and records
   * it, so a replay returns the same event (same time) without publishing again.
   */
  @Override
  public JsonNode emitted(String reference, JsonNode event) {
    String key = key(reference);
    Optional<JsonNode> done = journal.recorded(key);
    if (done.isPresent()) {
      JsonNode recorded = done.get().get("event");
      // recorded before events were kept: the same event but for its time
      return recorded != null ? recorded : EmittedEvent.of(event.path("with"), runId, key, null);
    }
    JsonNode emitted = EmittedEvent.of(event.path("with"), runId, key, clock.instant());
    live.emit(key, F.objectNode().set("with", emitted));
    journal.record(key, F.objectNode().put("emitted", true).set("event", emitted));
    return emitted;
  }

  /** A start time, recorded the first time and read back ever after. */
  @Override
  public Instant startedAt(String reference) {
    return due(key(reference + "/startedAt"), Duration.ZERO);
  }

  @Override
  public JsonNode listen(String reference, JsonNode to, String read) {
    String key = key(reference);
    Optional<JsonNode> done = journal.recorded(key);
    if (done.isPresent()) {
      return unwrapEvents(done.get(), reference);
    }
    Deadline deadline = earliest();
    JsonNode events =
        live.listen(
            key,
            to,
            deadline == null ? null : deadline.due(),
            consumed -> Listens.read(consumed, read));
    JsonNode outcome =
        events == null ? F.objectNode().set("error", timedOut(deadline).toJson()) : events;
    journal.record(key, outcome);
    return unwrapEvents(outcome, reference);
  }

  private static JsonNode unwrapEvents(JsonNode outcome, String reference) {
    if (outcome.isObject() && outcome.has("error")) {
      throw recordedError(outcome.get("error"), reference);
    }
    return outcome;
  }

  @Override
  public Interpreter.Scope timeout(String reference, JsonNode duration) {
    Duration after = durationOf(duration, reference);
    Instant due = due(key(reference + "/timeout") + "/due", after);
    Deadline d = new Deadline(reference, due, after);
    java.util.Deque<Deadline> deadlines = deadlineStack.get();
    deadlines.addLast(d);
    return () -> deadlines.remove(d);
  }

  private Deadline earliest() {
    Deadline best = null;
    for (Deadline d : deadlineStack.get()) {
      if (best == null || d.due().isBefore(best.due())) {
        best = d;
      }
    }
    return best;
  }

  private static WorkflowError timedOut(Deadline d) {
    return new WorkflowError(
        WorkflowError.TIMEOUT,
        408,
        "Timeout",
        "the task did not complete within " + d.after() + " (due " + d.due() + ")",
        d.reference());
  }

  /**
   * Branches run concurrently, each on its own virtual thread (their effects have distinct keys). A
   * competition records its winner's output ({@code <ref>/compete#n}), so a replay returns the same
   * winner; the losers are interrupted at their next blocking point (a listen, a timer, a call in
   * flight). Without competition every branch must complete; the first failure interrupts the
   * others and fails the fork.
   */
  @Override
  public JsonNode fork(
      String reference,
      java.util.List<java.util.function.Supplier<JsonNode>> branches,
      boolean compete) {
    String key = compete ? key(reference + "/compete") : null;
    if (compete) {
      Optional<JsonNode> done = journal.recorded(key);
      if (done.isPresent()) {
        return unwrap(done.get(), reference);
      }
    }
    int n = branches.size();
    JsonNode[] outputs = new JsonNode[n];
    java.util.concurrent.CompletableFuture<Integer> first =
        new java.util.concurrent.CompletableFuture<>();
    java.util.concurrent.atomic.AtomicInteger remaining =
        new java.util.concurrent.atomic.AtomicInteger(n);
    java.util.List<Thread> threads = new java.util.ArrayList<>();
    for (int b = 0; b < n; b++) {
      int branch = b;
      threads.add(
          Thread.ofVirtual()
              .name(Thread.currentThread().getName() + "-branch-" + b)
              .start(
                  () -> {
                    try {
                      outputs[branch] = branches.get(branch).get();
                      if (compete) {
                        first.complete(branch);
                      } else if (remaining.decrementAndGet() == 0) {
                        first.complete(-1);
                      }
                    } catch (RuntimeException e) {
                      if (compete && remaining.decrementAndGet() > 0) {
                        return; // another branch may still win
                      }
                      first.completeExceptionally(e);
                    }
                  }));
    }
    int winner;
    try {
      winner = first.get();
    } catch (InterruptedException e) {
      threads.forEach(Thread::interrupt);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("stopped during a fork", e);
    } catch (java.util.concurrent.ExecutionException e) {
      threads.forEach(Thread::interrupt);
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException(e.getCause());
    }
    if (compete) {
      for (int b = 0; b < n; b++) {
        if (b != winner) {
          threads.get(b).interrupt();
        }
      }
      journal.record(key, F.objectNode().put("winner", winner).set("result", outputs[winner]));
      return outputs[winner];
    }
    var all = F.arrayNode();
    for (JsonNode o : outputs) {
      all.add(o);
    }
    return all;
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
    JsonNode jitter = retry.get("jitter");
    if (jitter != null) {
      // a random extra in [from, to]; the timer records its due time, so a replay keeps it
      long from = durationOf(jitter.path("from"), reference).toMillis();
      long to = Math.max(from, durationOf(jitter.path("to"), reference).toMillis());
      delay =
          delay.plusMillis(
              from + java.util.concurrent.ThreadLocalRandom.current().nextLong(to - from + 1));
    }
    timer(key(reference + "/retry"), delay);
  }

  /**
   * A durable timer: its due time is recorded first, so after a restart the run sleeps only what is
   * left; its firing is recorded, so a replay does not sleep at all.
   */
  private void timer(String key, Duration duration) {
    Optional<JsonNode> fired = journal.recorded(key);
    if (fired.isPresent()) {
      if (fired.get().has("error")) {
        throw recordedError(fired.get().get("error"), key);
      }
      return;
    }
    Instant due = due(key + "/due", duration);
    Deadline deadline = earliest();
    if (deadline != null && deadline.due().isBefore(due)) {
      live.sleepUntil(deadline.due());
      journal.record(key, F.objectNode().set("error", timedOut(deadline).toJson()));
      throw timedOut(deadline);
    }
    live.sleepUntil(due);
    journal.record(key, F.objectNode().put("fired", due.toString()));
  }

  /** A due time, recorded the first time (now + {@code after}) and read back ever after. */
  private Instant due(String dueKey, Duration after) {
    return journal
        .recorded(dueKey)
        .map(n -> Instant.parse(n.asText()))
        .orElseGet(
            () -> {
              Instant at = clock.instant().plus(after);
              journal.record(dueKey, F.textNode(at.toString()));
              return at;
            });
  }

  /** ISO 8601 ({@code PT30S}) or the DSL's object ({@code {minutes: 5}}). */
  static Duration durationOf(JsonNode d, String reference) {
    if (d.isTextual()) {
      try {
        return Duration.parse(d.asText());
      } catch (RuntimeException e) {
        throw WorkflowError.runtime(
            400, "Bad duration", "'" + d.asText() + "' is not ISO 8601", reference);
      }
    }
    return Duration.ofDays(d.path("days").asLong())
        .plusHours(d.path("hours").asLong())
        .plusMinutes(d.path("minutes").asLong())
        .plusSeconds(d.path("seconds").asLong())
        .plusMillis(d.path("milliseconds").asLong());
  }
}
