package io.tramontane.workflows.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class WorkflowDefinitionsTest {

  private static final Path EXAMPLES = Path.of("..", "examples", "workflows");

  private static final String HEADER =
      """
      document:
        dsl: '1.0.0'
        namespace: test
        name: sample
        version: '1.0.0'
      """;

  private final WorkflowDefinitions definitions = new WorkflowDefinitions();

  static Stream<Path> examples() throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(EXAMPLES)) {
      files = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertTrue(files.size() >= 3, "examples/workflows has the example workflows");
    return files.stream();
  }

  @ParameterizedTest
  @MethodSource("examples")
  void everyExampleIsValid(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    assertEquals(List.of(), definitions.validate(file.toString(), bytes));
    WorkflowDefinition d = definitions.parse(file.toString(), bytes);
    assertNotNull(d.workflow(), "the SDK model");
    assertEquals(d.name(), d.workflow().getDocument().getName());
    assertEquals(64, d.hash().length());
    assertTrue(d.taskCount() >= 2);
  }

  @Test
  void parsedDefinitionCarriesDocumentAndHash() {
    byte[] yaml = bytes(HEADER + "do:\n  - greet:\n      set:\n        hello: world\n");
    WorkflowDefinition d = definitions.parse("hello.yaml", yaml);
    assertEquals("test", d.namespace());
    assertEquals("sample", d.name());
    assertEquals("1.0.0", d.version());
    assertEquals("hello.yaml", d.source());
    assertEquals(1, d.taskCount());
    assertEquals("world", d.tree().at("/do/0/greet/set/hello").asText());
    byte[] changed = bytes(HEADER + "do:\n  - greet:\n      set:\n        hello: there\n");
    assertFalse(d.hash().equals(definitions.parse("hello.yaml", changed).hash()));
  }

  @Test
  void syntaxErrorIsLocated() {
    String yaml = HEADER + "do:\n  - greet:\n      set: {hello: [world}\n";
    Problem p = only(yaml);
    assertEquals(8, p.line(), p.toString());
    assertTrue(p.column() > 1, p.toString());
    assertTrue(p.message().contains("YAML syntax"), p.toString());
  }

  @Test
  void unknownKeyIsLocatedAtTheKey() {
    String yaml = HEADER + "do:\n  - greet:\n      set:\n        hello: world\n      thn: end\n";
    Problem p = only(yaml);
    assertEquals(10, p.line(), p.toString());
    assertEquals(7, p.column(), p.toString());
    assertTrue(p.message().contains("unknown key 'thn'"), p.toString());
    assertTrue(p.hint().contains("then"), p.toString());
  }

  @Test
  void unknownTopLevelKeyIsRejectedBySchema() {
    String yaml = HEADER + "descripton: typo\ndo:\n  - greet:\n      set: {a: 1}\n";
    Problem p = only(yaml);
    assertEquals(6, p.line(), p.toString());
    assertTrue(p.message().contains("descripton"), p.toString());
  }

  @Test
  void aliasBombIsRefusedFast() {
    StringBuilder yaml = new StringBuilder(HEADER);
    yaml.append("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 30; i++) {
      yaml.append("a").append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 10; j++) {
        yaml.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
      }
      yaml.append("]\n");
    }
    yaml.append("do:\n  - greet:\n      set: {a: 1}\n");
    long start = System.nanoTime();
    Problem p = only(yaml.toString());
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(p.message().contains("aliases"), p.toString());
    // an expansion would take minutes or exhaust memory; the bound does not measure the machine
    assertTrue(millis < 30_000, "refused in " + millis + " ms");
  }

  @Test
  void fewAliasesThatExpandHugelyAreRefused() {
    StringBuilder yaml = new StringBuilder(HEADER);
    yaml.append("a0: &a0 [x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 10; i++) {
      yaml.append("a").append(i).append(": &a").append(i);
      yaml.append(" [*a").append(i - 1).append(", *a").append(i - 1).append(", *a");
      yaml.append(i - 1).append(", *a").append(i - 1).append("]\n");
    }
    long start = System.nanoTime();
    Problem p = only(yaml.toString());
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(p.message().contains("expands"), p.toString());
    // an expansion would take minutes or exhaust memory; the bound does not measure the machine
    assertTrue(millis < 30_000, "refused in " + millis + " ms");
  }

  @Test
  void aLongStringAliasedManyTimesIsRefused() {
    // A scalar alias is not an alias to a collection: 100 KB behind 4 levels of 10 aliases would
    // expand to ~1 GB of text with only 40 aliases and 10,000 values.
    StringBuilder yaml = new StringBuilder(HEADER);
    yaml.append("s0: &s0 ").append("x".repeat(100_000)).append('\n');
    for (int i = 1; i <= 4; i++) {
      yaml.append("s").append(i).append(": &s").append(i).append(" [");
      for (int j = 0; j < 10; j++) {
        yaml.append(j == 0 ? "" : ", ").append("*s").append(i - 1);
      }
      yaml.append("]\n");
    }
    yaml.append("do:\n  - greet:\n      set: {a: 1}\n");
    long start = System.nanoTime();
    Problem p = only(yaml.toString());
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(p.message().contains("expands to more than"), p.toString());
    assertTrue(p.hint().contains("max-definition-bytes"), p.toString());
    assertTrue(p.line() > 1, "located at the alias that crosses the limit: " + p);
    // an expansion would take minutes or exhaust memory; the bound does not measure the machine
    assertTrue(millis < 30_000, "refused in " + millis + " ms");
  }

  @Test
  void aliasesWithinTheLimitAreExpanded() {
    String yaml =
        HEADER
            + "do:\n  - one:\n      set: &greeting {hello: world}\n"
            + "  - two:\n      set: *greeting\n";
    WorkflowDefinition d = definitions.parse("aliases.yaml", bytes(yaml));
    assertEquals("world", d.tree().at("/do/1/two/set/hello").asText());
  }

  @Test
  void oversizedFileIsRefusedBeforeParsing() {
    byte[] big = new byte[2 * 1024 * 1024];
    java.util.Arrays.fill(big, (byte) '#');
    Problem p = only(big);
    assertEquals(1, p.line());
    assertTrue(p.message().contains("2.0 MiB"), p.toString());
    assertTrue(p.hint().contains("max-definition-bytes"), p.toString());
  }

  @Test
  void javaTagIsRefused() {
    String yaml = HEADER + "do:\n  - boom:\n      set:\n        x: !!java.lang.Runtime {}\n";
    Problem p = only(yaml);
    assertEquals(9, p.line(), p.toString());
    assertTrue(p.message().contains("java.lang.Runtime"), p.toString());
  }

  @Test
  void customTagIsRefused() {
    String yaml = HEADER + "do:\n  - boom:\n      set:\n        x: !secret abc\n";
    Problem p = only(yaml);
    assertEquals(9, p.line(), p.toString());
    assertTrue(p.message().contains("tag"), p.toString());
  }

  @Test
  void duplicateKeyIsLocated() {
    String yaml = HEADER + "do:\n  - greet:\n      set: {a: 1}\n      set: {a: 2}\n";
    Problem p = only(yaml);
    assertEquals(9, p.line(), p.toString());
    assertTrue(p.message().contains("duplicate key 'set'"), p.toString());
  }

  @Test
  void deepNestingIsRefused() {
    String yaml =
        HEADER + "do:\n  - deep:\n      set:\n        x: " + "[".repeat(200) + "]".repeat(200);
    Problem p = only(yaml);
    assertTrue(p.message().contains("nested deeper"), p.toString());
  }

  @Test
  void runShellIsUnsupportedWithLocationAndHint() {
    String yaml =
        HEADER
            + "do:\n  - greet:\n      set: {a: 1}\n  - shell:\n      run:\n"
            + "        shell:\n          command: rm -rf /\n";
    Problem p = only(yaml);
    assertEquals(11, p.line(), p.toString());
    assertEquals(9, p.column(), p.toString());
    assertTrue(
        p.message().contains("run: shell") && p.message().contains("not supported"), p.toString());
    assertTrue(p.hint().contains("run: workflow"), p.toString());
  }

  @Test
  void grpcAndUnknownFunctionsAreUnsupported() {
    String yaml =
        HEADER
            + "do:\n  - a:\n      call: grpc\n      with:\n        proto: {endpoint: 'file:///x.proto'}\n"
            + "        service: {name: S, host: h}\n        method: m\n"
            + "  - b:\n      call: sendMail\n";
    List<Problem> problems = definitions.validate("calls.yaml", bytes(yaml));
    assertEquals(2, problems.size(), problems.toString());
    assertTrue(problems.get(0).message().contains("call: grpc is not supported"));
    assertEquals(8, problems.get(0).line());
    assertTrue(problems.get(1).message().contains("unknown function 'sendMail'"));
    assertEquals(14, problems.get(1).line());
  }

  @Test
  void useFunctionsIsUnsupported() {
    String yaml =
        HEADER
            + "use:\n  functions:\n    f:\n      call: http\n      with: {method: get, endpoint:"
            + " 'https://x.example'}\ndo:\n  - a:\n      call: f\n";
    List<Problem> problems = definitions.validate("use.yaml", bytes(yaml));
    assertEquals(2, problems.size(), problems.toString());
    assertEquals(7, problems.get(0).line());
    assertTrue(problems.get(0).message().contains("use.functions"));
  }

  @Test
  void badGotoTargetIsLocated() {
    String yaml =
        HEADER + "do:\n  - a:\n      set: {x: 1}\n      then: c\n  - b:\n      set: {y: 2}\n";
    Problem p = only(yaml);
    assertEquals(9, p.line(), p.toString());
    assertEquals(13, p.column(), p.toString());
    assertTrue(p.message().contains("'c' is not a task"), p.toString());
    assertTrue(p.hint().contains("[a, b]"), p.toString());
  }

  @Test
  void gotoCannotLeaveItsList() {
    String yaml =
        HEADER
            + "do:\n  - outer:\n      do:\n        - inner:\n            set: {x: 1}\n"
            + "            then: after\n  - after:\n      set: {y: 2}\n";
    Problem p = only(yaml);
    assertEquals(11, p.line(), p.toString());
  }

  @Test
  void duplicateTaskNamesAreLocated() {
    String yaml = HEADER + "do:\n  - a:\n      set: {x: 1}\n  - a:\n      set: {y: 2}\n";
    Problem p = only(yaml);
    assertEquals(9, p.line(), p.toString());
    assertEquals(5, p.column(), p.toString());
    assertTrue(p.message().contains("'a' is used twice"), p.toString());
  }

  @Test
  void badJqExpressionIsLocated() {
    String yaml = HEADER + "do:\n  - a:\n      set:\n        x: ${ .items | map(.price }\n";
    Problem p = only(yaml);
    assertEquals(9, p.line(), p.toString());
    assertEquals(12, p.column(), p.toString());
    assertTrue(p.message().contains("jq"), p.toString());
  }

  @Test
  void bareIfIsRefusedInStrictMode() {
    String yaml = HEADER + "do:\n  - a:\n      if: .x ==\n      set: {x: 1}\n";
    Problem p = only(yaml);
    assertEquals("8:11", p.line() + ":" + p.column(), p.toString());
    assertEquals("write it as ${ .x == }", p.hint(), p.toString());
  }

  @Test
  void keysNamedLikeExpressionFieldsInsideValuesAreData() {
    String yaml = HEADER + "do:\n  - a:\n      set: {if: maybe, when: later, while: 'it lasts'}\n";
    assertEquals(List.of(), definitions.validate("data.yaml", bytes(yaml)));
  }

  @Test
  void httpEndpointMustBeAUriOrExpression() {
    String yaml =
        HEADER
            + "do:\n  - a:\n      call: http\n      with:\n        method: get\n"
            + "        endpoint: erp.example.com/orders\n";
    Problem p = only(yaml);
    assertEquals(11, p.line(), p.toString());
    assertEquals(19, p.column(), p.toString());
    assertTrue(p.message().contains("endpoint"), p.toString());
    String expression =
        HEADER
            + "do:\n  - a:\n      call: http\n      with:\n        method: get\n"
            + "        endpoint: ${ .url }\n";
    assertEquals(List.of(), definitions.validate("ok.yaml", bytes(expression)));
  }

  @Test
  void waitDurationMustBeValid() {
    String yaml = HEADER + "do:\n  - a:\n      wait: 5 minutes\n";
    Problem p = only(yaml);
    assertEquals(8, p.line(), p.toString());
    assertTrue(p.hint().contains("PT30S"), p.toString());
    String inline = HEADER + "do:\n  - a:\n      wait: {minutes: 5}\n";
    assertEquals(List.of(), definitions.validate("ok.yaml", bytes(inline)));
  }

  @Test
  void agentCallNeedsItsArguments() {
    String yaml = HEADER + "do:\n  - a:\n      call: agent\n      with:\n        agnt: handbook\n";
    List<Problem> problems = definitions.validate("agent.yaml", bytes(yaml));
    assertTrue(
        problems.stream().anyMatch(p -> p.message().contains("needs 'with.agent'")),
        problems.toString());
    assertTrue(
        problems.stream().anyMatch(p -> p.message().contains("no argument 'agnt'")),
        problems.toString());
  }

  @Test
  void parseThrowsWithEveryProblemOnItsOwnLine() {
    String yaml =
        HEADER + "do:\n  - a:\n      set: {x: 1}\n      then: nowhere\n  - a:\n      wait: soon\n";
    WorkflowDefinitionException e =
        assertThrows(
            WorkflowDefinitionException.class, () -> definitions.parse("two.yaml", bytes(yaml)));
    assertFalse(e.retriable());
    String[] lines = e.getMessage().split("\n");
    assertEquals(3, lines.length, e.getMessage());
    for (String line : lines) {
      assertTrue(line.matches("two\\.yaml:\\d+:\\d+: .+ — .+"), line);
    }
  }

  @Test
  void nestedUnsupportedTaskIsFound() {
    String yaml =
        HEADER
            + "do:\n  - race:\n      fork:\n        compete: true\n        branches:\n"
            + "          - guarded:\n              try:\n                - build:\n"
            + "                    run:\n                      shell: {command: make}\n"
            + "              catch:\n                retry: {limit: {attempt: {count: 2}}}\n";
    Problem p = only(yaml);
    assertEquals(15, p.line(), p.toString());
    assertEquals(23, p.column(), p.toString());
  }

  @Test
  void schemaErrorInsideATaskIsReportedOnceAtTheKey() {
    String yaml =
        HEADER
            + "do:\n  - a:\n      call: http\n      with:\n        method: get\n"
            + "        endpoint: https://x.example/a\n        headerz: {x: y}\n";
    Problem p = only(yaml);
    assertEquals(12, p.line(), p.toString());
    assertEquals(9, p.column(), p.toString());
    assertTrue(p.message().contains("unknown key 'headerz'"), p.toString());
  }

  @Test
  void wrongTypeInsideATaskIsLocated() {
    String yaml = HEADER + "do:\n  - a:\n      fork:\n        branches: 5\n";
    Problem p = only(yaml);
    assertEquals(9, p.line(), p.toString());
    assertEquals(19, p.column(), p.toString());
  }

  @Test
  void switchCaseTargetsAreChecked() {
    String yaml =
        HEADER
            + "do:\n  - pick:\n      switch:\n        - big:\n            when: ${ .n > 10 }\n"
            + "            then: hnadleBig\n  - handleBig:\n      set: {big: true}\n";
    Problem p = only(yaml);
    assertEquals(11, p.line(), p.toString());
    assertTrue(p.message().contains("'hnadleBig'"), p.toString());
  }

  @Test
  void missingDocumentIsReported() {
    Problem p = only("do:\n  - a:\n      set: {x: 1}\n");
    assertEquals(1, p.line(), p.toString());
    assertTrue(p.message().contains("'document' is required"), p.toString());
  }

  @Test
  void settingsComeFromReferenceConf() {
    assertEquals(
        WorkflowSettings.DEFAULTS,
        WorkflowSettings.fromConfig(com.typesafe.config.ConfigFactory.load()));
  }

  @Test
  void smallerSizeLimitFromSettingsApplies() {
    WorkflowDefinitions strict = new WorkflowDefinitions(new WorkflowSettings(64, 50));
    byte[] yaml = bytes(HEADER + "do:\n  - greet:\n      set:\n        hello: world\n");
    List<Problem> problems = strict.validate("small.yaml", yaml);
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).message().contains("over the limit of 64 bytes"));
  }

  @Test
  void namedRetryAndTimeoutMustBeDefined() {
    String yaml =
        HEADER
            + "use:\n  retries:\n    patient: {delay: {seconds: 5}, limit: {attempt: {count: 3}}}\n"
            + "do:\n  - a:\n      try:\n        - b:\n            set: {x: 1}\n"
            + "      catch:\n        retry: patience\n      timeout: quick\n"
            + "  - c:\n      try:\n        - d:\n            set: {x: 1}\n"
            + "      catch:\n        retry: patient\n";
    List<Problem> problems = definitions.validate("named.yaml", bytes(yaml));
    assertEquals(2, problems.size(), problems.toString());
    assertTrue(
        problems.get(0).message().contains("'patience' is not defined"), problems.toString());
    assertEquals(15, problems.get(0).line());
    assertTrue(problems.get(1).message().contains("'quick' is not defined"), problems.toString());
  }

  private static final String NOISE = " :-[]{}&*!|>'\"#\n\tx";

  /** Damaged copies of the examples: validate reports problems and never throws. */
  @Test
  void damagedDefinitionsNeverThrow() throws IOException {
    long seed = System.nanoTime();
    java.util.Random random = new java.util.Random(seed);
    List<Path> files = examples().toList();
    for (int round = 0; round < 300; round++) {
      byte[] original = Files.readAllBytes(files.get(random.nextInt(files.size())));
      byte[] damaged = java.util.Arrays.copyOf(original, 1 + random.nextInt(original.length));
      for (int flips = random.nextInt(4); flips > 0; flips--) {
        damaged[random.nextInt(damaged.length)] =
            (byte) NOISE.charAt(random.nextInt(NOISE.length()));
      }
      try {
        List<Problem> problems = definitions.validate("damaged.yaml", damaged);
        for (Problem p : problems) {
          assertTrue(p.line() >= 1 && p.column() >= 1, p.toString());
        }
      } catch (RuntimeException e) {
        throw new AssertionError("seed " + seed + ", round " + round + ": " + e, e);
      }
    }
  }

  @Test
  void unknownScheduleFormIsRejected() {
    String yaml =
        HEADER + "schedule:\n  at: '2026-12-24T18:00:00Z'\ndo:\n  - a:\n      set: {x: 1}\n";
    Problem p = only(yaml);
    assertEquals(7, p.line(), p.toString());
    assertEquals(3, p.column(), p.toString());
    assertTrue(p.message().contains("unknown key 'at'"), p.toString());
  }

  @Test
  void aWorkflowCannotNameThePrincipalsItReadsAs() {
    // Principals come from credentials: a run acts for no user and reads public documents only.
    for (String call : List.of("retrieve", "agent")) {
      String with =
          call.equals("retrieve")
              ? "{collection: kb, query: pay, principals: ['group:hr']}"
              : "{agent: kb, message: pay, principals: ['group:hr']}";
      String yaml = HEADER + "do:\n  - ask:\n      call: " + call + "\n      with: " + with + "\n";
      Problem p = only(yaml);
      assertTrue(p.message().contains("has no argument 'principals'"), p.toString());
    }
  }

  private Problem only(String yaml) {
    return only(bytes(yaml));
  }

  private Problem only(byte[] yaml) {
    List<Problem> problems = definitions.validate("test.yaml", yaml);
    assertEquals(1, problems.size(), problems.toString());
    return problems.get(0);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
