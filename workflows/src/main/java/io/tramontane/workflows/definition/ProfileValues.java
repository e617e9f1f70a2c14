package io.tramontane.workflows.definition;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;

/** The profile's checks of values anywhere in a definition: durations and jq expressions. */
final class ProfileValues {

  private final Locations where;
  private final List<Problem> problems;
  private final Set<String> claimed;

  ProfileValues(Locations where, List<Problem> problems, Set<String> claimed) {
    this.where = where;
    this.problems = problems;
    this.claimed = claimed;
  }

  /** An ISO 8601 duration or {days, hours, …}, never negative; expressions are left to run time. */
  void duration(String pointer, JsonNode value) {
    if (value == null) {
      return;
    }
    if (value.isTextual()) {
      String text = value.asText().strip();
      if (Profile.isExpression(text)) {
        return;
      }
      try {
        Duration d = Duration.parse(text);
        if (d.isNegative()) {
          throw new DateTimeParseException("negative", text, 0);
        }
      } catch (DateTimeParseException e) {
        claimed.add(pointer);
        problems.add(
            where.at(
                pointer,
                "'" + text + "' is not a duration",
                "write ISO 8601 like PT30S, PT5M or P1DT2H (no years, months or weeks),"
                    + " or {minutes: 5}"));
      }
      return;
    }
    if (value.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue().isIntegralNumber() && e.getValue().asLong() < 0) {
          claimed.add(pointer);
          problems.add(
              where.at(
                  pointer + "/" + Locations.escape(e.getKey()),
                  "a duration's " + e.getKey() + " must not be negative",
                  "use a whole number of 0 or more"));
        }
      }
    }
  }

  /** A retry policy's durations: {@code delay} and {@code jitter.from} / {@code to}. */
  void retry(String pointer, JsonNode retry) {
    if (retry == null || !retry.isObject()) {
      return;
    }
    duration(pointer + "/delay", retry.get("delay"));
    duration(pointer + "/jitter/from", retry.path("jitter").get("from"));
    duration(pointer + "/jitter/to", retry.path("jitter").get("to"));
  }

  /**
   * Compiles every {@code ${ … }} string with jackson-jq (a bare string in a field that holds only
   * an expression is refused by {@link ProfileExpressions}).
   */
  void expressions(String pointer, JsonNode node) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        expressions(pointer + "/" + Locations.escape(e.getKey()), e.getValue());
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        expressions(pointer + "/" + i, node.get(i));
      }
    } else if (node.isTextual() && Profile.isExpression(node.asText())) {
      String text = node.asText().strip();
      compile(pointer, text.substring(2, text.length() - 1));
    }
  }

  private void compile(String pointer, String expression) {
    try {
      JsonQuery.compile(expression, Versions.JQ_1_6);
    } catch (JsonQueryException | RuntimeException e) {
      String why = String.valueOf(e.getMessage()).strip();
      if (e.getCause() != null && e.getCause().getMessage() != null) {
        why = e.getCause().getMessage().strip();
      }
      int nl = why.indexOf('\n');
      problems.add(
          where.at(
              pointer,
              "jq expression does not compile: " + (nl < 0 ? why : why.substring(0, nl)),
              "check brackets, quotes and pipes in '" + expression.strip() + "'"));
    }
  }
}
