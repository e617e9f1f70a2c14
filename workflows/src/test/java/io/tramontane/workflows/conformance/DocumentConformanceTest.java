package io.tramontane.workflows.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tramontane.workflows.definition.Problem;
import io.tramontane.workflows.definition.WorkflowDefinitions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The document-level settings of DSL 1.0.x: {@code document.dsl} (dsl-reference.md "Document") and
 * {@code evaluate} (dsl-reference.md "Evaluate"): what the runtime implements validates and runs,
 * anything else is refused at its place.
 */
class DocumentConformanceTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final WorkflowDefinitions DEFINITIONS = new WorkflowDefinitions();
  private static final String TASKS =
      """
      do:
        - pick:
            set: {got: '${ .v }'}
      """;

  private static String document(String dsl) {
    return "document:\n  dsl: '" + dsl + "'\n  namespace: t\n  name: doc\n  version: '1.0.0'\n";
  }

  private static List<Problem> validate(String yaml) {
    return DEFINITIONS.validate("doc.yaml", yaml.getBytes(StandardCharsets.UTF_8));
  }

  private static Problem only(String yaml) {
    List<Problem> problems = validate(yaml);
    assertEquals(1, problems.size(), problems.toString());
    return problems.getFirst();
  }

  // dsl-reference.md "Document" (dsl): the DSL version the workflow is written in. The bundled
  // schema is DSL 1.0.1; the patch releases 1.0.2 and 1.0.3 only add constructs, refused below.
  @ParameterizedTest
  @ValueSource(strings = {"1.0.0", "1.0.1", "1.0.2", "1.0.3"})
  void theImplementedDslVersionsValidateAndRun(String dsl) throws Exception {
    String yaml = document(dsl) + TASKS;
    assertEquals(List.of(), validate(yaml));
    assertEquals(YAML.readTree("{\"got\": 3}"), ExpressionConformanceTest.run(yaml, "{\"v\": 3}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"2.0.0", "1.1.0", "1.0.4", "0.9.0", "1.0.0-alpha5"})
  void anotherDslVersionIsRefusedAtDocumentDsl(String dsl) {
    Problem p = only(document(dsl) + TASKS);
    assertEquals("2:8", p.line() + ":" + p.column(), p.toString());
    assertTrue(p.message().contains("'" + dsl + "'"), p.toString());
    assertTrue(p.message().contains("1.0.0 to 1.0.3"), p.toString());
    assertEquals("write dsl: '1.0.3'", p.hint(), p.toString());
  }

  // dsl-reference.md "Set" (DSL 1.0.2): set may be one runtime expression; its value is the
  // task's output.
  @Test
  void setAsOneExpressionRuns() throws Exception {
    String yaml = document("1.0.3") + "do:\n  - s:\n      set: '${ {got: .v} }'\n";
    assertEquals(List.of(), validate(yaml));
    assertEquals(YAML.readTree("{\"got\": 3}"), ExpressionConformanceTest.run(yaml, "{\"v\": 3}"));
  }

  // What 1.0.2 and 1.0.3 add outside the profile is refused at validate, at its key: the a2a and
  // mcp calls.
  @ParameterizedTest
  @ValueSource(
      strings = {
        "  - a:\n      call: a2a\n      with:\n        method: message/send\n",
        "  - m:\n      call: mcp\n      with:\n        method: tools/call\n",
      })
  void whatLaterPatchReleasesAddIsRefused(String task) {
    List<Problem> problems = validate(document("1.0.3") + "do:\n" + task);
    assertTrue(!problems.isEmpty(), task);
    assertTrue(problems.stream().allMatch(p -> p.line() >= 7), problems.toString());
  }

  // Issue 17 item 10: call: mcp stays refused, with its reason, until the platform has an MCP
  // client.
  @Test
  void mcpCallIsRefusedWithItsReason() {
    Problem p =
        only(
            document("1.0.3") + "do:\n  - m:\n      call: mcp\n      with: {method: tools/call}\n");
    assertEquals("8:13", p.line() + ":" + p.column(), p.toString());
    assertTrue(p.message().contains("no MCP client"), p.toString());
  }

  // dsl-reference.md "Evaluate": language jq and mode strict are the defaults; written out they
  // change nothing.
  @Test
  void evaluateWithJqAndStrictValidatesAndRuns() throws Exception {
    String yaml = document("1.0.0") + "evaluate:\n  language: jq\n  mode: strict\n" + TASKS;
    assertEquals(List.of(), validate(yaml));
    assertEquals(YAML.readTree("{\"got\": 3}"), ExpressionConformanceTest.run(yaml, "{\"v\": 3}"));
    DEFINITIONS.parse("doc.yaml", yaml.getBytes(StandardCharsets.UTF_8));
  }

  // dsl-reference.md "Evaluate" (mode loose): "evaluates any value provided. If the evaluation
  // fails, it results in a string" — every string of a definition, through jackson-jq's dialect;
  // not implemented, so refused.
  @Test
  void looseModeIsRefusedAtTheMode() {
    Problem p = only(document("1.0.0") + "evaluate:\n  mode: loose\n" + TASKS);
    assertEquals("7:9", p.line() + ":" + p.column(), p.toString());
    assertTrue(p.message().contains("evaluate.mode 'loose' is not supported"), p.toString());
    assertTrue(p.hint().contains("${ … }"), p.toString());
  }

  // dsl-reference.md "Evaluate" (language): runtimes must support jq; others are optional.
  @Test
  void anotherExpressionLanguageIsRefusedAtTheLanguage() {
    Problem p = only(document("1.0.0") + "evaluate:\n  language: javascript\n" + TASKS);
    assertEquals("7:13", p.line() + ":" + p.column(), p.toString());
    assertTrue(p.message().contains("evaluate.language 'javascript'"), p.toString());
    assertTrue(p.hint().contains("jq"), p.toString());
  }

  @Test
  void anUnknownEvaluateKeyIsRefusedAtTheKey() {
    Problem p = only(document("1.0.0") + "evaluate:\n  strictness: high\n" + TASKS);
    assertEquals("7:3", p.line() + ":" + p.column(), p.toString());
    assertTrue(p.message().contains("'strictness'"), p.toString());
  }
}
