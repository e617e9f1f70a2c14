package io.tramontane.workflows.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * A call task's {@code with}, resolved (its runtime expressions evaluated on the task input). For
 * {@code call: http}, the endpoint's {@code authentication} (dsl-reference.md "Authentication"),
 * and for {@code call: openapi} the call's own, is the policy it names in {@code
 * use.authentications} when it says {@code use: <name>}; its expressions are evaluated like the
 * rest, except those that read {@code $secrets}: they are left for the call handler, which
 * evaluates them with the platform's secrets when it sends the request, so no secret becomes part
 * of what the run computes or records.
 */
final class CallArguments {

  private CallArguments() {}

  static JsonNode resolve(
      JsonNode workflow, JsonNode task, JsonNode input, Map<String, JsonNode> vars) {
    JsonNode written = task.get("with");
    String function = task.path("call").asText();
    JsonNode holder =
        written == null
            ? null
            : switch (function) {
              case "http" -> written.path("endpoint");
              case "openapi" -> written;
              default -> null;
            };
    JsonNode policy = holder == null ? null : holder.get("authentication");
    if (policy == null || !holder.isObject()) {
      return Expressions.resolve(written, input, vars);
    }
    ObjectNode copy = written.deepCopy();
    ObjectNode copyHolder = function.equals("http") ? (ObjectNode) copy.get("endpoint") : copy;
    copyHolder.remove("authentication");
    JsonNode with = Expressions.resolve(copy, input, vars);
    if (policy.hasNonNull("use") && policy.get("use").isTextual()) {
      policy = workflow.path("use").path("authentications").path(policy.get("use").asText());
    }
    JsonNode target = function.equals("http") ? with.path("endpoint") : with;
    if (target instanceof ObjectNode t) {
      t.set("authentication", keepSecrets(policy, input, vars));
    }
    return with;
  }

  private static JsonNode keepSecrets(JsonNode value, JsonNode input, Map<String, JsonNode> vars) {
    if (value.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      value.properties().forEach(e -> out.set(e.getKey(), keepSecrets(e.getValue(), input, vars)));
      return out;
    }
    if (value.isArray()) {
      var out = JsonNodeFactory.instance.arrayNode();
      value.forEach(v -> out.add(keepSecrets(v, input, vars)));
      return out;
    }
    if (Expressions.isExpression(value) && value.asText().contains("$secrets")) {
      return value;
    }
    return Expressions.resolve(value, input, vars);
  }
}
