package io.tramontane.workflows.definition;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fields that hold a runtime expression and nothing else (dsl.md "Runtime Expressions"): task
 * {@code if}, {@code input.from}, {@code output.as}, {@code export.as} (as strings), {@code switch}
 * {@code when}, {@code for.in}, {@code while}, {@code catch.when} / {@code exceptWhen}, a listen's
 * {@code until} and a correlation's {@code from}, and the workflow's {@code input.from} / {@code
 * output.as}. In {@code strict} mode — the DSL's default and the only mode Tramontane runs ({@link
 * ProfileDocument}) — they are written inside {@code ${ }}; a bare string is refused here, where
 * the runtime would refuse it too (an expression error), at the value, with its {@code ${ }}
 * spelling as the hint. The {@code ${ }} strings themselves are compiled by {@link ProfileValues}.
 */
final class ProfileExpressions {

  private final Locations where;
  private final List<Problem> problems;
  private final Set<String> claimed;

  ProfileExpressions(Locations where, List<Problem> problems, Set<String> claimed) {
    this.where = where;
    this.problems = problems;
    this.claimed = claimed;
  }

  /** The workflow's {@code input.from} and {@code output.as}. */
  void workflow(JsonNode root) {
    required("/input/from", "the workflow's input.from", root.path("input").get("from"));
    required("/output/as", "the workflow's output.as", root.path("output").get("as"));
  }

  /** A task's expression fields, by its {@code type}. */
  void task(String pointer, String name, String type, JsonNode task) {
    String label = "task '" + name + "': ";
    required(pointer + "/if", label + "if", task.get("if"));
    required(pointer + "/input/from", label + "input.from", task.path("input").get("from"));
    required(pointer + "/output/as", label + "output.as", task.path("output").get("as"));
    required(pointer + "/export/as", label + "export.as", task.path("export").get("as"));
    switch (type) {
      case "switch" -> {
        JsonNode cases = task.path("switch");
        for (int i = 0; i < cases.size(); i++) {
          JsonNode c = cases.get(i);
          if (c.isObject() && c.size() == 1) {
            String caseName = c.fieldNames().next();
            required(
                pointer + "/switch/" + i + "/" + Locations.escape(caseName) + "/when",
                label + "case '" + caseName + "' when",
                c.get(caseName).get("when"));
          }
        }
      }
      case "for" -> {
        required(pointer + "/for/in", label + "for.in", task.path("for").get("in"));
        required(pointer + "/while", label + "while", task.get("while"));
      }
      case "try" -> {
        JsonNode handler = task.path("catch");
        required(pointer + "/catch/when", label + "catch.when", handler.get("when"));
        required(
            pointer + "/catch/exceptWhen", label + "catch.exceptWhen", handler.get("exceptWhen"));
        retry(pointer + "/catch/retry", handler.get("retry"));
      }
      case "listen" -> {
        strategy(pointer + "/listen/to", label + "listen", task.path("listen").get("to"), true);
        JsonNode each = task.path("foreach");
        required(
            pointer + "/foreach/output/as",
            label + "foreach.output.as",
            each.path("output").get("as"));
        required(
            pointer + "/foreach/export/as",
            label + "foreach.export.as",
            each.path("export").get("as"));
      }
      default -> {
        // the other task types hold literal values, with ${ } expressions inside
      }
    }
  }

  /**
   * A retry policy (inline, or each of {@code use.retries}): its {@code when} / {@code exceptWhen}
   * are not evaluated by the runtime, nor its {@code limit.duration} / {@code
   * limit.attempt.duration} enforced, so they are refused rather than ignored.
   */
  void retry(String pointer, JsonNode retry) {
    if (retry == null || !retry.isObject()) {
      return;
    }
    for (String key : List.of("when", "exceptWhen")) {
      if (retry.has(key)) {
        claimed.add(pointer + "/" + key);
        problems.add(
            where.atKey(
                pointer + "/" + key,
                "a retry policy's '" + key + "' is not supported: it would not be evaluated",
                "choose the errors that are caught, and so retried, with catch.when or"
                    + " catch.exceptWhen"));
      }
    }
    JsonNode limit = retry.path("limit");
    for (String key : List.of("duration", "attempt/duration")) {
      if (!limit.at("/" + key).isMissingNode()) {
        String at = pointer + "/limit/" + key;
        claimed.add(at);
        problems.add(
            where.atKey(
                at,
                "a retry policy's 'limit."
                    + key.replace('/', '.')
                    + "' is not supported: it"
                    + " would not be enforced",
                "limit the attempts with limit.attempt.count, and bound the time with a timeout"
                    + " on the try task"));
      }
    }
  }

  /**
   * An event consumption strategy ({@code listen.to}, {@code schedule.on}): every filter's {@code
   * correlate.*.from}, and its {@code until} when {@code until} (schedule.on refuses one).
   */
  void strategy(String pointer, String label, JsonNode strategy, boolean until) {
    if (strategy == null || !strategy.isObject()) {
      return;
    }
    filter(pointer + "/one", label, strategy.get("one"));
    for (String many : List.of("any", "all")) {
      JsonNode filters = strategy.path(many);
      for (int i = 0; i < filters.size(); i++) {
        filter(pointer + "/" + many + "/" + i, label, filters.get(i));
      }
    }
    if (!until) {
      return;
    }
    JsonNode closing = strategy.get("until");
    if (closing != null && closing.isObject()) {
      strategy(pointer + "/until", label, closing, true);
    } else {
      required(pointer + "/until", label + " until", closing);
    }
  }

  private void filter(String pointer, String label, JsonNode filter) {
    if (filter == null) {
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = filter.path("correlate").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> c = it.next();
      required(
          pointer + "/correlate/" + Locations.escape(c.getKey()) + "/from",
          label + " correlate." + c.getKey() + ".from",
          c.getValue().get("from"));
    }
  }

  private void required(String pointer, String what, JsonNode value) {
    if (value == null || !value.isTextual() || Profile.isExpression(value.asText())) {
      return;
    }
    String text = value.asText().strip();
    claimed.add(pointer);
    problems.add(
        where.at(
            pointer,
            what
                + " '"
                + text
                + "' is a runtime expression written without ${ }: in strict mode, the DSL's"
                + " default evaluate.mode, expressions are written inside ${ }",
            "write it as ${ " + text + " }"));
  }
}
