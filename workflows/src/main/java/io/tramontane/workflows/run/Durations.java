package io.tramontane.workflows.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * Durations written as runtime expressions (dsl-reference.md "Duration", DSL 1.0.3: "a runtime
 * expression that is evaluated to an ISO 8601 string"): evaluated by the interpreter against the
 * task's transformed input before the effect that uses them ({@code wait}, {@code timeout.after}, a
 * retry's {@code delay} and {@code jitter}), so {@link Replay} only ever sees a literal. A timer
 * records its due time the first time, so a replay keeps the first evaluation's time.
 */
final class Durations {

  private Durations() {}

  /**
   * {@code value} itself when it is literal (ISO 8601 or {@code {minutes: 5}}), else the ISO 8601
   * string its expression evaluates to; anything else is an expression error naming the task.
   */
  static JsonNode resolve(
      JsonNode value,
      String what,
      String task,
      JsonNode input,
      Map<String, JsonNode> vars,
      String ref) {
    if (!Expressions.isExpression(value)) {
      return value;
    }
    JsonNode d;
    try {
      d = Expressions.evaluate(value.asText(), input, vars);
    } catch (Expressions.ExpressionException e) {
      throw new WorkflowError(
          WorkflowError.EXPRESSION, 400, "Expression failed", e.getMessage(), ref);
    }
    if (d.isTextual() && isIsoDuration(d.asText())) {
      return d;
    }
    throw new WorkflowError(
        WorkflowError.EXPRESSION,
        400,
        "Bad duration",
        "task '"
            + task
            + "': "
            + what
            + " '"
            + value.asText().strip()
            + "' evaluated to "
            + d
            + ", not an ISO 8601 duration of days to seconds such as \"PT30S\" or \"P1DT2H\""
            + " (no years, months or weeks, nothing negative)",
        ref);
  }

  /** A retry policy with its {@code delay} and {@code jitter.from}/{@code to} resolved. */
  static JsonNode retry(
      JsonNode retry, String task, JsonNode input, Map<String, JsonNode> vars, String ref) {
    if (retry == null || !retry.isObject()) {
      return retry;
    }
    ObjectNode out = retry.deepCopy();
    if (retry.has("delay")) {
      out.set("delay", resolve(retry.get("delay"), "retry delay", task, input, vars, ref));
    }
    if (retry.get("jitter") instanceof ObjectNode jitter) {
      ObjectNode j = jitter.deepCopy();
      for (String end : List.of("from", "to")) {
        if (jitter.has(end)) {
          j.set(end, resolve(jitter.get(end), "retry jitter." + end, task, input, vars, ref));
        }
      }
      out.set("jitter", j);
    }
    return out;
  }

  private static boolean isIsoDuration(String text) {
    try {
      return !Duration.parse(text.strip()).isNegative();
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  /** A timeout's {@code after}: inline {@code {after: …}}, or that of the use.timeouts it names. */
  static JsonNode timeoutAfter(JsonNode workflow, JsonNode timeout, String ref) {
    JsonNode spec =
        timeout.isTextual()
            ? workflow.path("use").path("timeouts").path(timeout.asText())
            : timeout;
    JsonNode after = spec.get("after");
    if (after == null) {
      throw WorkflowError.runtime(
          500,
          "Unknown timeout",
          "timeout '" + timeout.asText() + "' is not defined in use.timeouts",
          ref);
    }
    return after;
  }
}
