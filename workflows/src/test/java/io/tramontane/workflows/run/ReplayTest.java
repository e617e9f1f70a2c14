package io.tramontane.workflows.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Resuming by replay: a run "crashes" after a side effect happened but before its outcome was
 * recorded; run again on the same journal, recorded effects are not repeated, the interrupted one
 * runs again under the same key, and the output is the same as an uninterrupted run.
 */
class ReplayTest {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();

  static final String WORKFLOW =
      """
      document: {dsl: '1.0.0', namespace: t, name: pay, version: '1.0.0'}
      do:
        - each:
            for: {each: invoice, in: '${ .invoices }'}
            do:
              - pay:
                  call: http
                  with: {method: post, endpoint: 'https://ledger/pay', body: '${ $invoice }'}
                  output: {as: '${ {paid: (($input.paid // 0) + 1)} }'}
        - pause:
            wait: {minutes: 5}
        - notify:
            emit: {event: {with: {type: paid}}}
            output: {as: '${ $input }'} # the emitted event is the task's output; keep the count
      """;

  static final class Crash extends RuntimeException {}

  static final class MemoryJournal implements Replay.Journal {
    final Map<String, JsonNode> entries = new LinkedHashMap<>();

    @Override
    public Optional<JsonNode> recorded(String key) {
      return Optional.ofNullable(entries.get(key));
    }

    @Override
    public void record(String key, JsonNode outcome) {
      entries.put(key, outcome);
    }
  }

  /** The ledger: applies each key once; can crash the run right after applying the n-th call. */
  static class Ledger implements Replay.Live {
    final List<String> keys = new ArrayList<>();
    final Map<String, Integer> applied = new LinkedHashMap<>();
    final List<Instant> sleeps = new ArrayList<>();
    final List<String> emitted = new ArrayList<>();
    int crashAfterCall = -1;

    @Override
    public JsonNode call(String key, String function, JsonNode with) {
      keys.add(key);
      applied.merge(key, 1, (a, b) -> a);
      if (keys.size() == crashAfterCall) {
        throw new Crash();
      }
      return JSON.createObjectNode().put("status", 201);
    }

    @Override
    public void emit(String key, JsonNode event) {
      emitted.add(key);
    }

    @Override
    public JsonNode listen(
        String key,
        JsonNode to,
        Instant deadline,
        java.util.function.UnaryOperator<JsonNode> view) {
      return JSON.createObjectNode();
    }

    @Override
    public void sleepUntil(Instant instant) {
      sleeps.add(instant);
    }
  }

  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);

  @Test
  void aRunInterruptedAfterACallResumesWithoutRepeatingWhatWasRecorded() throws Exception {
    JsonNode wf = YAML.readTree(WORKFLOW);
    JsonNode input = JSON.readTree("{\"invoices\": [\"INV-1\", \"INV-2\", \"INV-3\"]}");

    MemoryJournal journal = new MemoryJournal();
    Ledger ledger = new Ledger();
    ledger.crashAfterCall = 2; // INV-2 is applied at the ledger, its outcome never recorded
    assertThrows(Crash.class, () -> Interpreter.run(wf, input, new Replay(journal, ledger, CLOCK)));
    assertEquals(1, journal.entries.size());

    ledger.crashAfterCall = -1;
    var result = Interpreter.run(wf, input, new Replay(journal, ledger, CLOCK));
    assertEquals(3, result.output().get("paid").asInt());
    assertEquals(
        List.of(
            "/do/0/each/do/0/pay#1",
            "/do/0/each/do/0/pay#2",
            "/do/0/each/do/0/pay#2",
            "/do/0/each/do/0/pay#3"),
        ledger.keys,
        "only the interrupted call ran again, under its own key");
    assertEquals(3, ledger.applied.size(), "each invoice applied once");
    assertEquals(List.of(Instant.parse("2026-12-01T10:05:00Z")), ledger.sleeps);
    assertEquals(List.of("/do/2/notify#1"), ledger.emitted);

    // A third run (e.g. a rebalance after completion) replays everything, live does nothing.
    Ledger idle = new Ledger();
    var again = Interpreter.run(wf, input, new Replay(journal, idle, CLOCK));
    assertEquals(result.output(), again.output());
    assertTrue(idle.keys.isEmpty() && idle.sleeps.isEmpty() && idle.emitted.isEmpty());
  }

  @Test
  void aTimerInterruptedWhileSleepingKeepsItsDueTime() throws Exception {
    JsonNode wf =
        YAML.readTree(
            """
            document: {dsl: '1.0.0', namespace: t, name: wait, version: '1.0.0'}
            do:
              - pause: {wait: PT1H}
            """);
    MemoryJournal journal = new MemoryJournal();
    Ledger first =
        new Ledger() {
          @Override
          public void sleepUntil(Instant instant) {
            throw new Crash();
          }
        };
    assertThrows(
        Crash.class,
        () -> Interpreter.run(wf, JSON.createObjectNode(), new Replay(journal, first, CLOCK)));
    Clock later = Clock.offset(CLOCK, java.time.Duration.ofMinutes(40));
    Ledger second = new Ledger();
    Interpreter.run(wf, JSON.createObjectNode(), new Replay(journal, second, later));
    assertEquals(List.of(Instant.parse("2026-12-01T11:00:00Z")), second.sleeps, "due time kept");
  }

  @Test
  void aTaskTimeoutCutsAWaitShortWithATimeoutErrorThatACatchCanHandle() throws Exception {
    JsonNode wf =
        YAML.readTree(
            """
            document: {dsl: '1.0.0', namespace: t, name: slow, version: '1.0.0'}
            do:
              - guarded:
                  try:
                    - slow:
                        wait: PT1H
                        timeout: {after: PT1M}
                  catch:
                    errors: {with: {type: 'https://serverlessworkflow.io/spec/1.0.0/errors/timeout'}}
                    as: failure
                    do:
                      - note:
                          set: {timedOut: '${ $failure.instance }', status: '${ $failure.status }'}
            """);
    MemoryJournal journal = new MemoryJournal();
    Ledger ledger = new Ledger();
    var result = Interpreter.run(wf, JSON.createObjectNode(), new Replay(journal, ledger, CLOCK));
    assertEquals("/do/0/guarded/try/0/slow", result.output().get("timedOut").asText());
    assertEquals(408, result.output().get("status").asInt());
    assertEquals(
        List.of(Instant.parse("2026-12-01T10:01:00Z")),
        ledger.sleeps,
        "slept until the timeout's due time, not the wait's");

    // Replayed (e.g. after a crash): the same outcome from the journal, no sleeping.
    Ledger idle = new Ledger();
    var again =
        Interpreter.run(
            wf, JSON.createObjectNode(), new Replay(journal, idle, CLOCK.withZone(ZoneOffset.UTC)));
    assertEquals(result.output(), again.output());
    assertTrue(idle.sleeps.isEmpty());
  }

  @Test
  void aWorkflowTimeoutFailsTheRunWhenAListenWaitsTooLong() throws Exception {
    JsonNode wf =
        YAML.readTree(
            """
            document: {dsl: '1.0.0', namespace: t, name: approval, version: '1.0.0'}
            use:
              timeouts:
                twoDays: {after: P2D}
            timeout: twoDays
            do:
              - approve:
                  listen: {to: {one: {with: {type: approval.granted}}}}
            """);
    MemoryJournal journal = new MemoryJournal();
    List<Instant> deadlines = new ArrayList<>();
    Ledger nobodyApproves =
        new Ledger() {
          @Override
          public JsonNode listen(
              String key,
              JsonNode to,
              Instant deadline,
              java.util.function.UnaryOperator<JsonNode> view) {
            deadlines.add(deadline);
            return null; // the deadline passed with no matching event
          }
        };
    WorkflowError e =
        assertThrows(
            WorkflowError.class,
            () ->
                Interpreter.run(
                    wf, JSON.createObjectNode(), new Replay(journal, nobodyApproves, CLOCK)));
    assertEquals(WorkflowError.TIMEOUT, e.type());
    assertEquals("/", e.toJson().get("instance").asText(), "the workflow's own timeout");
    assertEquals(List.of(Instant.parse("2026-12-03T10:00:00Z")), deadlines);
  }

  @Test
  void aCallWhoseTimeoutHasPassedIsNotMade() throws Exception {
    JsonNode wf =
        YAML.readTree(
            """
            document: {dsl: '1.0.0', namespace: t, name: late, version: '1.0.0'}
            do:
              - steps:
                  timeout: {after: PT10M}
                  do:
                    - pause: {wait: PT5M}
                    - pay:
                        call: http
                        with: {method: post, endpoint: 'https://ledger/pay'}
            """);
    MemoryJournal journal = new MemoryJournal();
    // The clock jumps 20 minutes while the run sleeps (e.g. the node was down).
    Clock[] now = {CLOCK};
    Clock moving =
        new Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now[0].instant();
          }
        };
    Ledger ledger =
        new Ledger() {
          @Override
          public void sleepUntil(Instant instant) {
            super.sleepUntil(instant);
            now[0] = Clock.offset(CLOCK, java.time.Duration.ofMinutes(20));
          }
        };
    WorkflowError e =
        assertThrows(
            WorkflowError.class,
            () ->
                Interpreter.run(wf, JSON.createObjectNode(), new Replay(journal, ledger, moving)));
    assertEquals(WorkflowError.TIMEOUT, e.type());
    assertEquals("/do/0/steps", e.toJson().get("instance").asText());
    assertTrue(ledger.keys.isEmpty(), "the call was not made after its deadline");
  }

  @Test
  void forkBranchesRunConcurrently() throws Exception {
    JsonNode wf =
        YAML.readTree(
            """
            document: {dsl: '1.0.0', namespace: t, name: both, version: '1.0.0'}
            do:
              - both:
                  fork:
                    branches:
                      - left: {call: http, with: {side: left}}
                      - right: {call: http, with: {side: right}}
            """);
    // Each call waits for the other to have started: only concurrent branches get through.
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(2);
    Ledger concurrent =
        new Ledger() {
          @Override
          public JsonNode call(String key, String function, JsonNode with) {
            started.countDown();
            try {
              if (!started.await(5, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new IllegalStateException("the other branch never started");
              }
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
            return with;
          }
        };
    var result =
        Interpreter.run(
            wf,
            JSON.createObjectNode(),
            new Replay(synchronizedJournal(new MemoryJournal()), concurrent, CLOCK));
    assertEquals("[{\"side\":\"left\"},{\"side\":\"right\"}]", result.output().toString());
  }

  @Test
  void aCompetitionIsWonByTheFirstBranchToFinishAndReplaysTheSameWinner() throws Exception {
    JsonNode wf =
        YAML.readTree(
            """
            document: {dsl: '1.0.0', namespace: t, name: race, version: '1.0.0'}
            do:
              - decide:
                  fork:
                    compete: true
                    branches:
                      - slow:
                          do:
                            - pause: {wait: PT1H}
                            - expired: {set: {decision: expired}}
                      - approval:
                          do:
                            - approve: {listen: {to: {one: {with: {type: approved}}}}}
                            - approved: {set: {decision: approved}}
            """);
    MemoryJournal journal = new MemoryJournal();
    java.util.concurrent.CountDownLatch interrupted = new java.util.concurrent.CountDownLatch(1);
    Ledger ledger =
        new Ledger() {
          @Override
          public void sleepUntil(Instant instant) {
            try {
              Thread.sleep(java.time.Duration.ofHours(1));
            } catch (InterruptedException e) {
              interrupted.countDown();
              throw new IllegalStateException("interrupted");
            }
          }

          @Override
          public JsonNode listen(
              String key,
              JsonNode to,
              Instant deadline,
              java.util.function.UnaryOperator<JsonNode> view) {
            return JSON.createArrayNode().add(JSON.createObjectNode().put("id", "e1"));
          }
        };
    var result =
        Interpreter.run(
            wf, JSON.createObjectNode(), new Replay(synchronizedJournal(journal), ledger, CLOCK));
    assertEquals("approved", result.output().get("decision").asText());
    assertTrue(
        interrupted.await(5, java.util.concurrent.TimeUnit.SECONDS),
        "the losing branch was interrupted");

    Ledger idle = new Ledger();
    var again = Interpreter.run(wf, JSON.createObjectNode(), new Replay(journal, idle, CLOCK));
    assertEquals(result.output(), again.output());
    assertTrue(idle.sleeps.isEmpty() && idle.keys.isEmpty(), "the recorded winner is replayed");
  }

  static Replay.Journal synchronizedJournal(MemoryJournal journal) {
    return new Replay.Journal() {
      @Override
      public synchronized Optional<JsonNode> recorded(String key) {
        return journal.recorded(key);
      }

      @Override
      public synchronized void record(String key, JsonNode outcome) {
        journal.record(key, outcome);
      }
    };
  }
}
