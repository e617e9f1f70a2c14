package io.tramontane.workflows.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tramontane.workflows.definition.Problem;
import io.tramontane.workflows.definition.WorkflowDefinitions;
import io.tramontane.workflows.run.Inbox;
import io.tramontane.workflows.run.Interpreter;
import io.tramontane.workflows.run.WorkflowError;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runtime expressions as the DSL 1.0.x specification defines them (dsl.md "Runtime Expressions",
 * dsl-reference.md "Evaluate"): in the default {@code strict} mode every expression is written
 * inside {@code ${ }}. For each field that holds a runtime expression, the {@code ${ }} form is
 * validated and run by the real interpreter with its expected output, and the bare form is refused
 * by validate at its line and column with the {@code ${ }} spelling as the hint — and refused by
 * the interpreter too (an expression error, status 400), never taken as a plain string.
 */
class ExpressionConformanceTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final WorkflowDefinitions DEFINITIONS = new WorkflowDefinitions();
  private static final String HEADER =
      """
      document: {dsl: '1.0.0', namespace: conformance, name: expressions, version: '1.0.0'}
      """;

  /**
   * One field: a workflow written with {@code ${ }}, its input and expected output; and the same
   * workflow with the expression bare.
   */
  record Field(String name, String yaml, String input, String output, String expression) {

    String bare() {
      return yaml.replace("'${ " + expression + " }'", expression);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Field> fields() {
    return Stream.of(
        // dsl-reference.md "Task" (if): evaluated on the raw task input; not run → output = input.
        new Field(
            "task if",
            """
            do:
              - skipped:
                  if: '${ .go }'
                  set: {ran: true}
            """,
            "{\"go\": false}",
            "{\"go\": false}",
            ".go"),
        // dsl-reference.md "Switch" (case when): the first case whose condition holds.
        new Field(
            "switch when",
            """
            do:
              - route:
                  switch:
                    - big: {when: '${ .n > 10 }', then: large}
                    - other: {then: small}
              - small:
                  set: {size: small}
                  then: end
              - large:
                  set: {size: large}
            """,
            "{\"n\": 3}",
            "{\"size\": \"small\"}",
            ".n > 10"),
        // dsl-reference.md "For" (for.in): the collection to enumerate.
        new Field(
            "for in",
            """
            do:
              - sum:
                  for: {each: x, in: '${ .xs }'}
                  do:
                    - add:
                        set: {total: '${ .total + $x }'}
            """,
            "{\"xs\": [1, 2, 3], \"total\": 0}",
            "{\"total\": 6}",
            ".xs"),
        // dsl-reference.md "For" (while): the condition for the iteration to continue.
        new Field(
            "for while",
            """
            do:
              - count:
                  for: {each: x, in: '${ [1, 2, 3, 4] }'}
                  while: '${ .n < 2 }'
                  do:
                    - inc:
                        set: {n: '${ .n + 1 }'}
            """,
            "{\"n\": 0}",
            "{\"n\": 2}",
            ".n < 2"),
        // dsl-reference.md "Input" (from), on a task: transforms the raw task input.
        new Field(
            "task input.from",
            """
            do:
              - pick:
                  input: {from: '${ .order }'}
                  set: {id: '${ .id }'}
            """,
            "{\"order\": {\"id\": 7}}",
            "{\"id\": 7}",
            ".order"),
        // dsl-reference.md "Output" (as), on a task: transforms the raw task output.
        new Field(
            "task output.as",
            """
            do:
              - make:
                  set: {a: 1, b: 2}
                  output: {as: '${ .b }'}
            """,
            "{}",
            "2",
            ".b"),
        // dsl-reference.md "Export" (as): the transformed task output becomes $context.
        new Field(
            "task export.as",
            """
            do:
              - remember:
                  set: {id: 5}
                  export: {as: '${ .id }'}
              - recall:
                  set: {from: '${ $context }'}
            """,
            "{}",
            "{\"from\": 5}",
            ".id"),
        // dsl-reference.md "Input" (from), on the workflow: transforms the raw workflow input.
        new Field(
            "workflow input.from",
            """
            input: {from: '${ .payload }'}
            do:
              - keep:
                  set: {got: '${ .v }'}
            """,
            "{\"payload\": {\"v\": 1}}",
            "{\"got\": 1}",
            ".payload"),
        // dsl-reference.md "Output" (as), on the workflow: transforms the last task's output.
        new Field(
            "workflow output.as",
            """
            do:
              - make:
                  set: {a: 1, b: 2}
            output: {as: '${ .a }'}
            """,
            "{}",
            "1",
            ".a"),
        // dsl-reference.md "Catch" (when): whether to catch the filtered error.
        new Field(
            "catch when",
            """
            do:
              - guarded:
                  try:
                    - fail:
                        raise:
                          error: {type: 'https://example.com/oops', status: 418}
                  catch:
                    when: '${ $error.status == 418 }'
                    do:
                      - recover:
                          set: {recovered: true}
            """,
            "{}",
            "{\"recovered\": true}",
            "$error.status == 418"),
        // dsl-reference.md "Catch" (exceptWhen): an error it holds for is not caught.
        new Field(
            "catch exceptWhen",
            """
            do:
              - guarded:
                  try:
                    - fail:
                        raise:
                          error: {type: 'https://example.com/oops', status: 418}
                  catch:
                    exceptWhen: '${ $error.status == 500 }'
                    do:
                      - recover:
                          set: {recovered: true}
            """,
            "{}",
            "{\"recovered\": true}",
            "$error.status == 500"),
        // dsl-reference.md "Event Consumption Strategy" (until): stop listening once it holds,
        // evaluated on the consumed events.
        new Field(
            "listen until",
            """
            do:
              - collect:
                  listen:
                    to:
                      any:
                        - with: {type: reading}
                      until: '${ length >= 2 }'
            """,
            "{}",
            "[{\"v\": 1}, {\"v\": 2}]",
            "length >= 2"),
        // dsl-reference.md "Correlation" (from): extracts the correlation value from the event.
        new Field(
            "listen correlate.from",
            """
            do:
              - approval:
                  listen:
                    to:
                      one:
                        with: {type: reading}
                        correlate:
                          reading: {from: '${ .data.v }', expect: '2'}
            """,
            "{}",
            "[{\"v\": 2}]",
            ".data.v"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fields")
  void theExpressionFormValidatesAndRunsAsTheSpecSays(Field field) throws Exception {
    String yaml = HEADER + field.yaml();
    assertEquals(List.of(), validate(yaml), field.name());
    assertEquals(YAML.readTree(field.output()), run(yaml, field.input()), field.name());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fields")
  void theBareFormIsRefusedByValidateAtItsPlaceWithTheHint(Field field) {
    String yaml = HEADER + field.bare();
    List<Problem> problems = validate(yaml);
    assertEquals(1, problems.size(), problems.toString());
    Problem p = problems.getFirst();
    int at = yaml.indexOf(": " + field.expression()) + 2;
    int line = (int) yaml.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
    int column = at - yaml.lastIndexOf('\n', at - 1);
    assertEquals(line + ":" + column, p.line() + ":" + p.column(), p.toString());
    assertTrue(p.message().contains("${ }"), p.toString());
    assertEquals("write it as ${ " + field.expression() + " }", p.hint(), p.toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fields")
  void theBareFormIsAnExpressionErrorAtRunTimeNotAPlainString(Field field) throws Exception {
    if (field.name().equals("listen correlate.from")) {
      return; // the event filter is the inbox's, run by the run entity; validate refuses it
    }
    WorkflowError e =
        assertThrows(WorkflowError.class, () -> run(HEADER + field.bare(), field.input()));
    assertEquals(WorkflowError.EXPRESSION, e.type(), e.getMessage());
    assertEquals(400, e.status(), e.getMessage());
    assertTrue(e.detail().contains("${ " + field.expression() + " }"), e.getMessage());
  }

  // dsl-reference.md "Retry" (when, exceptWhen): conditions the runtime does not evaluate, so
  // refused at the key rather than ignored — inline and in use.retries.
  @org.junit.jupiter.api.Test
  void aRetryPolicyConditionIsRefusedAtItsKey() {
    String yaml =
        HEADER
            + """
            use:
              retries:
                again:
                  exceptWhen: '${ $error.status == 400 }'
                  limit: {attempt: {count: 2}}
            do:
              - guarded:
                  try:
                    - fail:
                        raise:
                          error: {type: 'https://example.com/oops', status: 503}
                  catch:
                    retry:
                      when: '${ $error.status == 503 }'
                      limit: {attempt: {count: 2}}
            """;
    List<Problem> problems = validate(yaml);
    assertEquals(2, problems.size(), problems.toString());
    assertEquals("5:7", problems.get(0).line() + ":" + problems.get(0).column());
    assertEquals("15:11", problems.get(1).line() + ":" + problems.get(1).column());
    problems.forEach(
        p -> assertTrue(p.hint().contains("catch.when or catch.exceptWhen"), p.toString()));
  }

  private static List<Problem> validate(String yaml) {
    return DEFINITIONS.validate("conformance.yaml", yaml.getBytes(StandardCharsets.UTF_8));
  }

  /** Runs the definition with the real interpreter; listens take events from an inbox. */
  static JsonNode run(String yaml, String input) throws Exception {
    Inbox inbox = new Inbox();
    for (int v = 1; v <= 3; v++) {
      inbox.add(
          YAML.readTree(
              "{\"id\": \"e" + v + "\", \"type\": \"reading\", \"data\": {\"v\": " + v + "}}"));
    }
    return Interpreter.run(YAML.readTree(yaml), YAML.readTree(input), new Effects(inbox)).output();
  }

  /** Effects without side effects: calls echo, listens read the inbox. */
  private record Effects(Inbox inbox) implements Interpreter.Effects {

    @Override
    public JsonNode call(String reference, String function, JsonNode with, int attempt) {
      return with;
    }

    @Override
    public void emit(String reference, JsonNode event) {}

    @Override
    public void await(String reference, JsonNode duration) {}

    @Override
    public JsonNode listen(String reference, JsonNode to, String read) {
      try {
        JsonNode events =
            inbox.await(
                to, Instant.now().plusSeconds(5), Clock.systemUTC(), consumed -> data(consumed));
        return events == null ? YAML.createArrayNode() : events;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    private static JsonNode data(JsonNode events) {
      var out = YAML.createArrayNode();
      events.forEach(e -> out.add(e.path("data")));
      return out;
    }

    @Override
    public Interpreter.Scope timeout(String reference, JsonNode duration) {
      return () -> {};
    }

    @Override
    public void backoff(String reference, JsonNode retry, int attempt) {}
  }
}
