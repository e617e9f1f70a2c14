package io.tramontane.workflows.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.HashMap;
import java.util.Map;

/**
 * The interpreter's choices: which {@code switch} case holds, whether a {@code catch} handles an
 * error, and which reusable component ({@code use.errors}, {@code use.retries}) a name refers to.
 */
final class Conditions {

  private Conditions() {}

  /** The first case whose {@code when} holds (a case without {@code when} is the default). */
  static String choose(ArrayNode cases, JsonNode input, Map<String, JsonNode> vars) {
    String fallback = null;
    for (JsonNode c : cases) {
      JsonNode body = c.fields().next().getValue();
      if (!body.has("when")) {
        fallback = body.path("then").asText("continue");
        continue;
      }
      if (Expressions.test(body.get("when"), input, vars)) {
        return body.path("then").asText("continue");
      }
    }
    return fallback;
  }

  /**
   * A reusable component by name ({@code raise.error}, {@code catch.retry}: a string names one in
   * {@code use.<kind>}), or {@code value} itself. Validate refuses unknown names.
   */
  static JsonNode named(JsonNode workflow, JsonNode value, String kind, String ref) {
    if (value == null || !value.isTextual() || Expressions.isExpression(value)) {
      return value;
    }
    JsonNode found = workflow.path("use").path(kind).get(value.asText());
    if (found == null) {
      throw WorkflowError.runtime(
          500, "Unknown name", "'" + value.asText() + "' is not defined in use." + kind, ref);
    }
    return found;
  }

  static boolean catches(
      JsonNode handler, WorkflowError e, JsonNode input, Map<String, JsonNode> vars) {
    JsonNode with = handler.path("errors").path("with");
    if (with.has("type") && !with.get("type").asText().equals(e.type())) {
      return false;
    }
    if (with.has("status") && with.get("status").asInt() != e.status()) {
      return false;
    }
    Map<String, JsonNode> v = new HashMap<>(vars);
    v.put(handler.path("as").asText("error"), e.toJson());
    if (handler.has("when") && !Expressions.test(handler.get("when"), input, v)) {
      return false;
    }
    return !(handler.has("exceptWhen") && Expressions.test(handler.get("exceptWhen"), input, v));
  }
}
