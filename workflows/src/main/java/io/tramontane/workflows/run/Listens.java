package io.tramontane.workflows.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@code listen} task's two ends: what it waits for (its strategy, with each correlation's {@code
 * expect} resolved when the task starts) and what it gives its output (the consumed events, read as
 * the task says).
 */
final class Listens {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private Listens() {}

  /**
   * The listen strategy with each correlation's {@code expect} resolved against the task input
   * (filters' {@code with} and {@code from} stay: they are evaluated on the events).
   */
  static JsonNode expectations(JsonNode to, JsonNode input, Map<String, JsonNode> vars) {
    JsonNode copy = to.deepCopy();
    List<JsonNode> filters = new ArrayList<>();
    collectFilters(copy, filters);
    for (JsonNode f : filters) {
      for (JsonNode c : f.path("correlate")) {
        if (c.isObject() && Expressions.isExpression(c.get("expect"))) {
          ((ObjectNode) c).set("expect", Expressions.resolve(c.get("expect"), input, vars));
        }
      }
    }
    return copy;
  }

  private static void collectFilters(JsonNode strategy, List<JsonNode> out) {
    if (strategy.has("one")) {
      out.add(strategy.get("one"));
    }
    strategy.path("any").forEach(out::add);
    strategy.path("all").forEach(out::add);
    if (strategy.path("until").isObject()) {
      collectFilters(strategy.get("until"), out);
    }
  }

  /**
   * Consumed events as the task's {@code read} says: {@code data} (default) their data, {@code
   * envelope} the whole CloudEvents, {@code raw} the data as sent.
   */
  static JsonNode read(JsonNode events, String read) {
    if ("envelope".equals(read) || events == null || !events.isArray()) {
      return events;
    }
    ArrayNode out = F.arrayNode();
    events.forEach(e -> out.add(e.has("data") ? e.get("data") : F.nullNode()));
    return out;
  }
}
