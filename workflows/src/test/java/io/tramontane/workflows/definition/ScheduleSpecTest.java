package io.tramontane.workflows.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code schedule.every / cron / after}: a bad cron expression is refused at validate time at its
 * line and column with a hint; the spec of a valid definition is what the schedule runs.
 */
class ScheduleSpecTest {

  private static final String HEADER =
      """
      document:
        dsl: '1.0.0'
        namespace: test
        name: sample
        version: '1.0.0'
      """;
  private static final String TASKS = "do:\n  - a:\n      set: {x: 1}\n";

  private final WorkflowDefinitions definitions = new WorkflowDefinitions();

  @Test
  void aCronValueOutOfRangeIsLocatedWithAHint() {
    Problem p = only(HEADER + "schedule:\n  cron: '61 6 * * *'\n" + TASKS);
    assertEquals(7, p.line(), p.toString());
    assertEquals(9, p.column(), p.toString());
    assertTrue(p.message().contains("cron expression '61 6 * * *' is not valid"), p.toString());
    assertTrue(p.message().contains("61"), p.toString());
    assertTrue(p.hint().contains("minute hour day-of-month month day-of-week"), p.toString());
    assertTrue(p.toString().startsWith("test.yaml:7:9: "), p.toString());
  }

  @Test
  void aCronWithTheWrongFieldCountOrSyntaxIsRefused() {
    assertTrue(
        only(HEADER + "schedule:\n  cron: '0 6 * *'\n" + TASKS).message().contains("4 parts"));
    assertTrue(
        only(HEADER + "schedule:\n  cron: '0 0 6 * * *'\n" + TASKS)
            .message()
            .contains("is not valid"));
    assertTrue(
        only(HEADER + "schedule:\n  cron: 'every monday'\n" + TASKS)
            .message()
            .contains("is not valid"));
    assertTrue(
        only(HEADER + "schedule:\n  cron: '@daily'\n" + TASKS).message().contains("is not valid"));
  }

  @Test
  void aCronThatNeverMatchesIsRefused() {
    Problem p = only(HEADER + "schedule:\n  cron: '0 0 31 2 *'\n" + TASKS);
    assertTrue(p.message().contains("matches no date"), p.toString());
  }

  @Test
  void oneTimerAtMost() {
    Problem p = only(HEADER + "schedule:\n  every: PT1M\n  cron: '* * * * *'\n" + TASKS);
    assertEquals(8, p.line(), p.toString());
    assertEquals(3, p.column(), p.toString());
    assertTrue(p.message().contains("both 'every' and 'cron'"), p.toString());
  }

  @Test
  void intervalsAreLiteralAndAtLeastASecond() {
    Problem expression = only(HEADER + "schedule:\n  every: '${ .interval }'\n" + TASKS);
    assertTrue(expression.message().contains("cannot be an expression"), expression.toString());
    Problem shortOne = only(HEADER + "schedule:\n  after: {milliseconds: 500}\n" + TASKS);
    assertTrue(shortOne.message().contains("at least 1 second"), shortOne.toString());
    Problem notDuration = only(HEADER + "schedule:\n  every: 5 minutes\n" + TASKS);
    assertTrue(notDuration.message().contains("not a duration"), notDuration.toString());
  }

  @Test
  void aValidDefinitionCarriesItsSpec() throws Exception {
    assertEquals(
        Optional.of(ScheduleSpec.cron("0 6 * * 1-5")),
        parse(HEADER + "schedule:\n  cron: '0 6 * * 1-5'\n" + TASKS).schedule());
    assertEquals(
        Optional.of(ScheduleSpec.every(Duration.ofMinutes(90))),
        parse(HEADER + "schedule:\n  every: {hours: 1, minutes: 30}\n" + TASKS).schedule());
    assertEquals(
        Optional.of(ScheduleSpec.after(Duration.ofSeconds(30))),
        parse(HEADER + "schedule:\n  after: PT30S\n" + TASKS).schedule());
    assertEquals(Optional.empty(), parse(HEADER + TASKS).schedule());
    byte[] orders = Files.readAllBytes(Path.of("..", "examples", "workflows", "sync-orders.yaml"));
    assertEquals(
        Optional.of(ScheduleSpec.every(Duration.ofMinutes(15))),
        definitions.parse("sync-orders.yaml", orders).schedule());
    assertEquals(
        "{\"cron\":\"0 6 * * 1-5\"}", ScheduleSpec.cron("0 6 * * 1-5").toJson().toString());
  }

  @Test
  void factoriesRefuseWhatValidationRefuses() {
    assertThrows(IllegalArgumentException.class, () -> ScheduleSpec.cron("61 * * * *"));
    assertThrows(IllegalArgumentException.class, () -> ScheduleSpec.every(Duration.ofMillis(999)));
  }

  private WorkflowDefinition parse(String yaml) {
    return definitions.parse("test.yaml", yaml.getBytes(StandardCharsets.UTF_8));
  }

  private Problem only(String yaml) {
    List<Problem> problems =
        definitions.validate("test.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    assertEquals(1, problems.size(), problems.toString());
    return problems.get(0);
  }
}
