package io.tramontane.workflows.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tramontane.workflows.definition.Problem;
import io.tramontane.workflows.definition.WorkflowDefinitions;
import io.tramontane.workflows.run.WorkflowError;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Durations (dsl-reference.md "Duration", DSL 1.0.3): "with an ISO 8601 string or with a runtime
 * expression that is evaluated to an ISO 8601 string". An expression is evaluated on the task's
 * (transformed) input, as the task's definition is (dsl.md "Runtime expression arguments": "Task
 * definition — evaluated on the transformed task input"), wherever a duration is: wait, timeout
 * after (inline and in use.timeouts), a retry's delay and jitter. A schedule's duration cannot
 * depend on a run's data and is refused at validate.
 */
class DurationConformanceTest {

  private static final WorkflowDefinitions DEFINITIONS = new WorkflowDefinitions();
  private static final String HEADER =
      """
      document: {dsl: '1.0.3', namespace: conformance, name: durations, version: '1.0.0'}
      """;
  private static final Instant T0 = DurableRun.CLOCK.instant();

  private static List<Problem> validate(String yaml) {
    return DEFINITIONS.validate("durations.yaml", yaml.getBytes(StandardCharsets.UTF_8));
  }

  // "Wait" + "Duration": wait for the duration the expression gives, on the task's input.
  @Test
  void aWaitDurationIsAnExpressionOnTheTaskInput() throws Exception {
    String yaml =
        HEADER
            + """
            do:
              - pause:
                  input: {from: '${ .settings }'}
                  wait: '${ .delay }'
            """;
    assertEquals(List.of(), validate(yaml));
    DurableRun run = new DurableRun();
    run.run(yaml, "{\"settings\": {\"delay\": \"PT2M\"}}");
    assertEquals(List.of(T0.plus(Duration.ofMinutes(2))), run.sleeps);
  }

  // Durable: the due time is recorded the first time; a run resumed later sleeps until it.
  @Test
  void aResumedWaitKeepsTheDueTimeOfTheFirstEvaluation() throws Exception {
    String yaml = HEADER + "do:\n  - pause: {wait: '${ .delay }'}\n";
    DurableRun run = new DurableRun();
    run.crashWhenSleeping = true;
    assertThrows(DurableRun.Crash.class, () -> run.run(yaml, "{\"delay\": \"PT1H\"}"));
    run.crashWhenSleeping = false;
    run.run(yaml, "{\"delay\": \"PT1H\"}", Clock.offset(DurableRun.CLOCK, Duration.ofMinutes(40)));
    assertEquals(List.of(T0.plus(Duration.ofHours(1))), run.sleeps, "due time kept");
  }

  // "Timeout" (after), inline and in use.timeouts: the deadline the expression gives; the wait
  // blocked past it raises the timeout error, which catch handles.
  @Test
  void aTimeoutAfterIsAnExpressionOnTheTaskInput() throws Exception {
    String yaml =
        HEADER
            + """
            use:
              timeouts:
                short: {after: '${ .short }'}
            do:
              - guarded:
                  try:
                    - slow:
                        wait: PT1H
                        timeout: {after: '${ .limit }'}
                    - slower:
                        wait: PT1H
                        timeout: short
                  catch:
                    errors: {with: {type: 'https://serverlessworkflow.io/spec/1.0.0/errors/timeout'}}
                    as: failure
                    do:
                      - note: {set: {timedOut: '${ $failure.instance }'}}
            """;
    assertEquals(List.of(), validate(yaml));
    DurableRun run = new DurableRun();
    assertEquals(
        DurableRun.YAML.readTree("{\"timedOut\": \"/do/0/guarded/try/0/slow\"}"),
        run.run(yaml, "{\"limit\": \"PT1M\", \"short\": \"PT2M\"}"));
    assertEquals(List.of(T0.plus(Duration.ofMinutes(1))), run.sleeps, "slept until the timeout");

    DurableRun named = new DurableRun();
    assertEquals(
        DurableRun.YAML.readTree("{\"timedOut\": \"/do/0/guarded/try/1/slower\"}"),
        named.run(yaml, "{\"limit\": \"PT3H\", \"short\": \"PT2M\"}"));
    assertEquals(
        List.of(T0.plus(Duration.ofHours(1)), T0.plus(Duration.ofMinutes(2))), named.sleeps);
  }

  // "Timeout" on the workflow (dsl-reference.md "Workflow" timeout): its after is evaluated on
  // the workflow's transformed input; a wait blocked past it fails the run with the timeout error.
  @Test
  void aWorkflowTimeoutAfterIsAnExpressionOnTheWorkflowInput() throws Exception {
    String yaml =
        HEADER
            + """
            input: {from: '${ .limits }'}
            timeout: {after: '${ .run }'}
            do:
              - pause: {wait: PT1H}
            """;
    assertEquals(List.of(), validate(yaml));
    DurableRun run = new DurableRun();
    WorkflowError e =
        assertThrows(WorkflowError.class, () -> run.run(yaml, "{\"limits\": {\"run\": \"PT5M\"}}"));
    assertEquals(WorkflowError.TIMEOUT, e.type(), e.getMessage());
    assertEquals(List.of(T0.plus(Duration.ofMinutes(5))), run.sleeps);
  }

  // "Retry" (delay, jitter) inline and in use.retries: the delay before each retry attempt.
  @Test
  void aRetryDelayAndJitterAreExpressions() throws Exception {
    String yaml =
        HEADER
            + """
            use:
              retries:
                patient:
                  delay: '${ .pause }'
                  jitter: {from: '${ .pause }', to: '${ .pause }'}
                  limit: {attempt: {count: 1}}
            do:
              - guarded:
                  try:
                    - fail:
                        raise: {error: {type: 'https://example.com/busy', status: 503}}
                  catch:
                    retry: patient
              - again:
                  try:
                    - fail:
                        raise: {error: {type: 'https://example.com/busy', status: 503}}
                  catch:
                    retry: {delay: '${ .pause }', limit: {attempt: {count: 1}}}
            """;
    assertEquals(List.of(), validate(yaml));
    DurableRun run = new DurableRun();
    run.run(yaml, "{\"pause\": \"PT10S\"}");
    assertEquals(
        List.of(T0.plus(Duration.ofSeconds(20)), T0.plus(Duration.ofSeconds(10))), run.sleeps);
  }

  // "Duration": the expression must give an ISO 8601 string; anything else is an expression error
  // (400) naming the task, never a silent zero.
  @Test
  void anExpressionThatIsNotADurationIsARunErrorNamingTheTask() throws Exception {
    String yaml = HEADER + "do:\n  - pause: {wait: '${ .delay }'}\n";
    assertEquals(List.of(), validate(yaml));
    for (String input : List.of("{\"delay\": 5}", "{\"delay\": \"soon\"}", "{}")) {
      WorkflowError e =
          assertThrows(WorkflowError.class, () -> new DurableRun().run(yaml, input), input);
      assertEquals(WorkflowError.EXPRESSION, e.type(), e.getMessage());
      assertEquals(400, e.status(), e.getMessage());
      assertEquals("/do/0/pause", e.instance(), e.getMessage());
      assertTrue(e.detail().contains("task 'pause'"), e.getMessage());
      assertTrue(e.detail().contains("ISO 8601"), e.getMessage());
    }
  }

  // "Schedule" (every, after): evaluated before any run exists, so an expression is refused.
  @Test
  void aScheduleDurationExpressionIsRefusedAtValidate() {
    List<Problem> problems =
        validate(
            HEADER
                + """
                schedule:
                  every: '${ .interval }'
                do:
                  - tick: {set: {ticked: true}}
                """);
    assertEquals(1, problems.size(), problems.toString());
    Problem p = problems.getFirst();
    assertEquals("3:10", p.line() + ":" + p.column(), p.toString());
    assertTrue(p.message().contains("cannot be an expression"), p.toString());
  }

  // "Duration": a literal that is not ISO 8601 is refused wherever it is — here in use.timeouts
  // and in a retry's jitter, which were not checked before.
  @Test
  void aLiteralThatIsNotADurationIsRefusedInUseTimeoutsAndJitter() {
    List<Problem> problems =
        validate(
            HEADER
                + """
                use:
                  timeouts:
                    short: {after: soon}
                do:
                  - guarded:
                      try:
                        - fail: {raise: {error: {type: 'https://example.com/busy', status: 503}}}
                      catch:
                        retry: {jitter: {from: PT1S, to: later}, limit: {attempt: {count: 1}}}
                      timeout: short
                """);
    assertEquals(2, problems.size(), problems.toString());
    assertEquals("4:20", problems.get(0).line() + ":" + problems.get(0).column());
    assertEquals("10:42", problems.get(1).line() + ":" + problems.get(1).column());
    problems.forEach(p -> assertTrue(p.message().contains("is not a duration"), p.toString()));
  }

  // "Retry Limit" (duration, attempt.duration): limits the runtime does not enforce are refused
  // at their key rather than ignored; the hint names what bounds a retry here.
  @Test
  void aRetryLimitDurationIsRefusedAtItsKey() {
    List<Problem> problems =
        validate(
            HEADER
                + """
                use:
                  retries:
                    patient:
                      limit: {attempt: {count: 3, duration: PT1M}}
                do:
                  - guarded:
                      try:
                        - fail: {raise: {error: {type: 'https://example.com/busy', status: 503}}}
                      catch:
                        retry: {limit: {duration: PT5M}}
                """);
    assertEquals(2, problems.size(), problems.toString());
    assertEquals("5:35", problems.get(0).line() + ":" + problems.get(0).column());
    assertEquals("11:25", problems.get(1).line() + ":" + problems.get(1).column());
    problems.forEach(
        p -> {
          assertTrue(p.message().contains("is not supported"), p.toString());
          assertTrue(p.hint().contains("limit.attempt.count"), p.toString());
        });
  }
}
