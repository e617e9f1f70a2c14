package io.tramontane.workflows.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A {@code listen} task's two ends: what it waits for (its strategy, with each correlation's {@code
 * expect} resolved when the task starts) and what it gives its output (the consumed events, read as
 * the task says).
 */
final class Listens {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private Listens() {}

  /** Runs a task list (the interpreter's). */
  interface Tasks {
    JsonNode run(ArrayNode tasks, String base, JsonNode input, Map<String, JsonNode> extra);
  }

  /** The expression variables of a task (the interpreter's). */
  interface Vars {
    Map<String, JsonNode> of(Map<String, JsonNode> extra, String reference, JsonNode input);
  }

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
   * A listen's {@code foreach} (dsl-reference.md "Listen", "Subscription Iterator"): each consumed
   * item, in the order consumed, runs {@code foreach.do} with the item as its input and the {@code
   * item} / {@code at} variables (default {@code item} / {@code index}) bound; the item's output is
   * what {@code do} returns, transformed by {@code foreach.output.as}, and {@code
   * foreach.export.as} sets the workflow context from it. The listen's output is the array of the
   * items' outputs. The iterations' effects are keyed by occurrence under {@code <ref>/foreach/do},
   * like a {@code for}'s, so a replay repeats none of them.
   */
  static JsonNode each(
      JsonNode spec,
      String ref,
      JsonNode items,
      Map<String, JsonNode> extra,
      Tasks tasks,
      Vars vars,
      Consumer<JsonNode> export) {
    ArrayNode out = F.arrayNode();
    if (items == null || !items.isArray()) {
      return out;
    }
    for (int n = 0; n < items.size(); n++) {
      Map<String, JsonNode> inner = new HashMap<>(extra);
      inner.put(spec.path("item").asText("item"), items.get(n));
      inner.put(spec.path("at").asText("index"), F.numberNode(n));
      JsonNode output =
          spec.has("do")
              ? tasks.run((ArrayNode) spec.get("do"), ref + "/foreach/do", items.get(n), inner)
              : items.get(n);
      if (spec.path("output").has("as")) {
        Map<String, JsonNode> v = vars.of(inner, ref, items.get(n));
        v.put("output", output);
        output = Expressions.transform(spec.path("output").get("as"), output, v);
      }
      if (spec.path("export").has("as")) {
        Map<String, JsonNode> v = vars.of(inner, ref, items.get(n));
        v.put("output", output);
        export.accept(Expressions.transform(spec.path("export").get("as"), output, v));
      }
      out.add(output);
    }
    return out;
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
