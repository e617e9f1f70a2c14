package io.tramontane.workflows.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The DSL's control and data flow, run on a recording {@link Interpreter.Effects}. */
class InterpreterTest {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode yaml(String s) throws Exception {
    return YAML.readTree(s);
  }

  /** Records calls; a function named "flaky" fails its first {@code failures} attempts. */
  static final class Recorder implements Interpreter.Effects {
    final List<String> calls = new ArrayList<>();
    final List<String> backoffs = new ArrayList<>();
    int failures;

    @Override
    public JsonNode call(String reference, String function, JsonNode with, int attempt) {
      calls.add(reference + " " + function + " " + with);
      if (function.equals("flaky") && failures-- > 0) {
        throw new WorkflowError(
            WorkflowError.COMMUNICATION, 503, "Unavailable", "try later", reference);
      }
      return JSON.createObjectNode().put("called", function).set("with", with);
    }

    @Override
    public void emit(String reference, JsonNode event) {
      calls.add(reference + " emit " + event);
    }

    @Override
    public void await(String reference, JsonNode duration) {
      calls.add(reference + " wait " + duration);
    }

    @Override
    public JsonNode listen(String reference, JsonNode to, String read) {
      calls.add(reference + " listen " + to);
      return JSON.createArrayNode()
          .add(
              JSON.createObjectNode()
                  .put("id", "e1")
                  .put("type", "approval")
                  .set("data", JSON.createObjectNode().put("approved", true)));
    }

    @Override
    public Interpreter.Scope timeout(String reference, JsonNode duration) {
      calls.add(reference + " timeout " + duration);
      return () -> calls.add(reference + " timeout closed");
    }

    @Override
    public void backoff(String reference, JsonNode retry, int attempt) {
      backoffs.add(reference + " after attempt " + attempt);
    }
  }

  @Test
  void dataFlowsThroughInputFromOutputAsAndExportAs() throws Exception {
    JsonNode wf =
        yaml(
            """
            document: {dsl: '1.0.0', namespace: t, name: flow, version: '1.0.0'}
            input: {from: '${ .order }'}
            do:
              - price:
                  set: {total: '${ .qty * .unit }', customer: '${ .customer }'}
                  export: {as: '${ {customer: .customer} }'}
              - tax:
                  input: {from: '${ .total }'}
                  set: {gross: '${ . * 1.2 }', who: '${ $context.customer }'}
                  output: {as: '${ .gross }'}
            output: {as: '${ {gross: .} }'}
            """);
    var r =
        Interpreter.run(
            wf,
            JSON.readTree("{\"order\": {\"qty\": 3, \"unit\": 10, \"customer\": \"acme\"}}"),
            new Recorder());
    assertEquals(36.0, r.output().get("gross").asDouble(), 1e-9);
    assertEquals("acme", r.context().get("customer").asText());
  }

  @Test
  void switchThenGotoExitAndEnd() throws Exception {
    JsonNode wf =
        yaml(
            """
            document: {dsl: '1.0.0', namespace: t, name: sw, version: '1.0.0'}
            do:
              - route:
                  switch:
                    - big: {when: '${ .amount > 1000 }', then: review}
                    - small: {then: approve}
              - review:
                  set: {status: review, amount: '${ .amount }'}
                  then: end
              - approve:
                  set: {status: approved}
              - never:
                  set: {status: unreachable}
                  if: '${ false }'
            """);
    Recorder rec = new Recorder();
    assertEquals(
        "review",
        Interpreter.run(wf, JSON.readTree("{\"amount\": 5000}"), rec)
            .output()
            .get("status")
            .asText());
    assertEquals(
        "approved",
        Interpreter.run(wf, JSON.readTree("{\"amount\": 5}"), rec).output().get("status").asText());
  }

  @Test
  void forRunsItsTasksOverAnArrayWithItemAndIndex() throws Exception {
    JsonNode wf =
        yaml(
            """
            document: {dsl: '1.0.0', namespace: t, name: loop, version: '1.0.0'}
            do:
              - each:
                  for: {each: line, in: '${ .lines }', at: i}
                  do:
                    - add:
                        set: {lines: '${ .lines }', sum: '${ (.sum // 0) + $line.amount }', last: '${ $i }'}
            """);
    var out =
        Interpreter.run(
                wf,
                JSON.readTree("{\"lines\": [{\"amount\": 2}, {\"amount\": 5}]}"),
                new Recorder())
            .output();
    assertEquals(7, out.get("sum").asInt());
    assertEquals(1, out.get("last").asInt());
  }

  @Test
  void tryRetriesWithBackoffThenSucceedsAndCatchHandlesExhaustedRetries() throws Exception {
    JsonNode wf =
        yaml(
            """
            document: {dsl: '1.0.0', namespace: t, name: retry, version: '1.0.0'}
            do:
              - guarded:
                  try:
                    - post:
                        call: flaky
                        with: {n: '${ .n }'}
                  catch:
                    errors: {with: {status: 503}}
                    as: failure
                    retry: {delay: {seconds: 1}, backoff: {exponential: {}}, limit: {attempt: {count: 2}}}
                    do:
                      - fallback:
                          set: {fallback: true, why: '${ $failure.title }'}
            """);
    Recorder twice = new Recorder();
    twice.failures = 2;
    var ok = Interpreter.run(wf, JSON.readTree("{\"n\": 1}"), twice).output();
    assertEquals("flaky", ok.get("called").asText());
    assertEquals(3, twice.calls.size());
    assertEquals(2, twice.backoffs.size());

    Recorder always = new Recorder();
    always.failures = 10;
    var handled = Interpreter.run(wf, JSON.readTree("{\"n\": 1}"), always).output();
    assertTrue(handled.get("fallback").asBoolean());
    assertEquals("Unavailable", handled.get("why").asText());
    assertEquals(3, always.calls.size(), "1 try + 2 retries");
  }

  @Test
  void raiseIsAnRfc7807ErrorWithTheTaskReference() throws Exception {
    JsonNode wf =
        yaml(
            """
            document: {dsl: '1.0.0', namespace: t, name: raise, version: '1.0.0'}
            do:
              - check:
                  if: '${ .amount < 0 }'
                  raise:
                    error:
                      type: https://example.com/errors/negative
                      status: 400
                      title: Negative amount
                      detail: '${ "amount was \\(.amount)" }'
            """);
    WorkflowError e =
        assertThrows(
            WorkflowError.class,
            () -> Interpreter.run(wf, JSON.readTree("{\"amount\": -3}"), new Recorder()));
    assertEquals(400, e.status());
    assertEquals("/do/0/check", e.instance());
    assertEquals("amount was -3", e.detail());
  }

  @Test
  void forkCollectsBranchesOrTakesTheFirstWhenCompeting() throws Exception {
    String tmpl =
        """
        document: {dsl: '1.0.0', namespace: t, name: fork, version: '1.0.0'}
        do:
          - both:
              fork:
                compete: %s
                branches:
                  - a: {set: {from: a}}
                  - b: {call: notify, with: {x: 1}}
        """;
    Recorder rec = new Recorder();
    var all = Interpreter.run(yaml(tmpl.formatted("false")), JSON.readTree("{}"), rec).output();
    assertEquals(2, all.size());
    assertEquals("/do/0/both/fork/branches/1/b notify {\"x\":1}", rec.calls.getFirst());
    var first =
        Interpreter.run(yaml(tmpl.formatted("true")), JSON.readTree("{}"), new Recorder()).output();
    assertEquals("a", first.get("from").asText());
  }

  @Test
  void aThenLoopIsStoppedWithAClearError() throws Exception {
    JsonNode wf =
        yaml(
            """
            document: {dsl: '1.0.0', namespace: t, name: loop, version: '1.0.0'}
            do:
              - again: {set: {}, then: again}
            """);
    WorkflowError e =
        assertThrows(
            WorkflowError.class, () -> Interpreter.run(wf, JSON.readTree("{}"), new Recorder()));
    assertTrue(e.getMessage().contains("Too many transitions"), e.getMessage());
  }
}
