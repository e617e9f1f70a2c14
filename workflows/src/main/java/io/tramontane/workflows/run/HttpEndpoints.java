package io.tramontane.workflows.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tramontane.workflows.definition.UriTemplate;

/**
 * The endpoint of a {@code call: http} as written (a string or {@code endpoint.uri}, not a runtime
 * expression) is a URI template (dsl-reference.md "URI Template"), expanded from the task's input
 * before the call; the expanded URL then goes through the outbound-HTTP policy like any other. An
 * object or array variable is the DSL's expression error (400).
 */
final class HttpEndpoints {

  private HttpEndpoints() {}

  /**
   * {@code with} (already resolved) with the endpoint expanded, when {@code task} is an http call.
   */
  static JsonNode expand(JsonNode task, JsonNode with, JsonNode input, String ref) {
    if (!"http".equals(task.path("call").asText()) || !with.isObject()) {
      return with;
    }
    JsonNode written = task.path("with").path("endpoint");
    ObjectNode out = ((ObjectNode) with).deepCopy();
    if (literal(written)) {
      out.put("endpoint", expand(written.asText(), input, ref));
    } else if (literal(written.path("uri")) && out.path("endpoint").isObject()) {
      ((ObjectNode) out.get("endpoint"))
          .put("uri", expand(written.get("uri").asText(), input, ref));
    }
    return out;
  }

  private static boolean literal(JsonNode endpoint) {
    return endpoint.isTextual() && !Expressions.isExpression(endpoint);
  }

  private static String expand(String template, JsonNode input, String ref) {
    try {
      return UriTemplate.parse(template).expand(input);
    } catch (UriTemplate.TemplateException e) {
      throw new WorkflowError(
          WorkflowError.EXPRESSION,
          400,
          "Bad URI template",
          "endpoint '" + template + "': " + e.getMessage(),
          ref);
    }
  }
}
