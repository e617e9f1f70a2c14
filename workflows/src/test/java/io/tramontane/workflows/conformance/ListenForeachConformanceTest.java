package io.tramontane.workflows.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tramontane.workflows.definition.Problem;
import io.tramontane.workflows.definition.WorkflowDefinitions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A listen's {@code foreach} (dsl-reference.md "Listen" and "Subscription Iterator"): each consumed
 * event, in the order consumed, runs {@code foreach.do} with the {@code item} / {@code at}
 * variables bound (default {@code item} / {@code index}); "a listen task produces a sequentially
 * ordered array of all the events it has consumed, and potentially transformed using {@code
 * foreach.output.as}"; {@code foreach.export} customizes the workflow context. Durable: an
 * iteration's effects are not repeated when the run resumes after a crash.
 */
class ListenForeachConformanceTest {

  private static final WorkflowDefinitions DEFINITIONS = new WorkflowDefinitions();
  private static final String HEADER =
      """
      document: {dsl: '1.0.3', namespace: conformance, name: listen-foreach, version: '1.0.0'}
      """;

  private static List<Problem> validate(String yaml) {
    return DEFINITIONS.validate("listen.yaml", yaml.getBytes(StandardCharsets.UTF_8));
  }

  private static JsonNode json(String text) throws Exception {
    return DurableRun.YAML.readTree(text);
  }

  // "Subscription Iterator": item / at name the variables; do runs per consumed event (its data,
  // listen.read's default), in the order consumed; the task's output is the items' outputs.
  @Test
  void eachConsumedEventRunsTheIteratorTasksInOrder() throws Exception {
    String yaml =
        HEADER
            + """
            do:
              - collect:
                  listen:
                    to:
                      all:
                        - with: {type: reading.a}
                        - with: {type: reading.b}
                  foreach:
                    item: reading
                    at: n
                    do:
                      - tag:
                          set: {v: '${ .v }', same: '${ $reading.v }', position: '${ $n }'}
            """;
    assertEquals(List.of(), validate(yaml));
    DurableRun run =
        new DurableRun()
            .event("e1", "reading.b", "{\"v\": 1}")
            .event("e2", "reading.a", "{\"v\": 2}");
    assertEquals(
        json(
            "[{\"v\": 1, \"same\": 1, \"position\": 0}, {\"v\": 2, \"same\": 2, \"position\": 1}]"),
        run.run(yaml, "{}"));
  }

  // "Subscription Iterator": item and at default to 'item' and 'index'; output.as transforms each
  // item's output; export.as sets the workflow context from it (the next task reads $context).
  @Test
  void itemOutputIsTransformedAndExportSetsTheContext() throws Exception {
    String yaml =
        HEADER
            + """
            do:
              - collect:
                  listen:
                    to:
                      all:
                        - with: {type: reading.a}
                        - with: {type: reading.b}
                    read: envelope
                  foreach:
                    do:
                      - double:
                          set: {v: '${ $item.data.v * 2 }', i: '${ $index }', id: '${ .id }'}
                    output:
                      as: '${ .v + .i }'
                    export:
                      as: '${ $context + {last: .} }'
              - report:
                  set: {items: '${ . }', context: '${ $context }'}
            """;
    assertEquals(List.of(), validate(yaml));
    DurableRun run =
        new DurableRun()
            .event("e1", "reading.a", "{\"v\": 5}")
            .event("e2", "reading.b", "{\"v\": 7}");
    assertEquals(json("{\"items\": [10, 15], \"context\": {\"last\": 15}}"), run.run(yaml, "{}"));
  }

  // "Listen": without foreach, the output stays the consumed events' data.
  @Test
  void withoutForeachTheOutputIsTheConsumedEvents() throws Exception {
    String yaml =
        HEADER
            + """
            do:
              - one:
                  listen: {to: {one: {with: {type: reading.a}}}}
            """;
    DurableRun run = new DurableRun().event("e1", "reading.a", "{\"v\": 5}");
    assertEquals(json("[{\"v\": 5}]"), run.run(yaml, "{}"));
  }

  // Durable: the listen's consumed events and each iteration's effects are recorded; after a crash
  // in the second iteration's call the run resumes, the listen is not repeated and only the
  // interrupted call runs again, under its own key.
  @Test
  void aRunInterruptedInAnIterationResumesWithoutRepeatingRecordedEffects() throws Exception {
    String yaml =
        HEADER
            + """
            do:
              - collect:
                  listen:
                    to:
                      all:
                        - with: {type: order.a}
                        - with: {type: order.b}
                  foreach:
                    item: order
                    do:
                      - book:
                          call: http
                          with: {method: post, endpoint: 'https://ledger.example/book', body: '${ $order }'}
                          output: {as: '${ .body.id }'}
                      - notify:
                          emit: {event: {with: {source: 'https://ledger.example', type: booked, data: '${ . }'}}}
                          output: {as: '${ .data }'}
            """;
    assertEquals(List.of(), validate(yaml));
    DurableRun run =
        new DurableRun()
            .event("e1", "order.a", "{\"id\": 1}")
            .event("e2", "order.b", "{\"id\": 2}");
    run.crashAtCall = 2;
    assertThrows(DurableRun.Crash.class, () -> run.run(yaml, "{}"));
    run.crashAtCall = -1;
    assertEquals(json("[1, 2]"), run.run(yaml, "{}"));
    assertEquals(List.of("/do/0/collect#1"), run.listens, "the listen ran once");
    String book = "/do/0/collect/foreach/do/0/book";
    assertEquals(List.of(book + "#1", book + "#2", book + "#2"), run.calls);
    String notify = "/do/0/collect/foreach/do/1/notify";
    assertEquals(List.of(notify + "#1", notify + "#2"), run.emitted, "each item notified once");
  }

  // Validate: foreach's tasks are checked like any task list (run: shell is outside the profile).
  @Test
  void theIteratorTasksAreCheckedAtValidate() {
    List<Problem> problems =
        validate(
            HEADER
                + """
                do:
                  - collect:
                      listen: {to: {one: {with: {type: a}}}}
                      foreach:
                        do:
                          - script:
                              run: {shell: {command: 'echo hi'}}
                """);
    assertEquals(1, problems.size(), problems.toString());
    Problem p = problems.getFirst();
    assertEquals("8:21", p.line() + ":" + p.column(), p.toString());
    assertTrue(p.message().contains("run: shell"), p.toString());
  }

  // dsl.md "Runtime Expressions" (strict): foreach.output.as written without ${ } is refused.
  @Test
  void aBareIteratorOutputExpressionIsRefused() {
    List<Problem> problems =
        validate(
            HEADER
                + """
                do:
                  - collect:
                      listen: {to: {one: {with: {type: a}}}}
                      foreach:
                        output: {as: .v}
                """);
    assertEquals(1, problems.size(), problems.toString());
    Problem p = problems.getFirst();
    assertEquals("6:22", p.line() + ":" + p.column(), p.toString());
    assertEquals("write it as ${ .v }", p.hint(), p.toString());
  }

  // "Listen" with any + until consumes events one by one and foreach is due as each arrives (and
  // until may read the iterations' results); this runtime iterates only once a listen has consumed
  // its events, so the combination is refused at its key rather than run differently.
  @Test
  void foreachWithUntilIsRefusedAtItsKey() {
    List<Problem> problems =
        validate(
            HEADER
                + """
                do:
                  - collect:
                      listen:
                        to:
                          any: [{with: {type: a}}]
                          until: '${ length >= 3 }'
                      foreach:
                        do:
                          - tag: {set: {seen: true}}
                """);
    assertEquals(1, problems.size(), problems.toString());
    Problem p = problems.getFirst();
    assertEquals("8:7", p.line() + ":" + p.column(), p.toString());
    assertTrue(p.message().contains("'foreach' with 'until' is not supported"), p.toString());
    assertTrue(p.hint().contains("for task"), p.toString());
  }
}
