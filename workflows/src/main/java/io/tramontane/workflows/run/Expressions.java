package io.tramontane.workflows.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.thisptr.jackson.jq.BuiltinFunctionLoader;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;

/**
 * Runtime expressions of the Serverless Workflow DSL: jq (jackson-jq, jq 1.6 dialect) inside {@code
 * ${ … }}, evaluated against a node with the DSL's variables ({@code $input}, {@code $output},
 * {@code $context}, {@code $workflow}, {@code $task}, loop variables). Compiled queries are cached.
 */
public final class Expressions {

  private static final Scope ROOT = Scope.newEmptyScope();
  private static final Map<String, JsonQuery> COMPILED = new ConcurrentHashMap<>();
  private static final int MAX_CACHED = 4096;

  static {
    BuiltinFunctionLoader.getInstance().loadFunctions(Versions.JQ_1_6, ROOT);
  }

  private Expressions() {}

  /** True for a string that is a runtime expression: {@code ${ … }}. */
  public static boolean isExpression(JsonNode node) {
    return node != null && node.isTextual() && isExpression(node.asText());
  }

  public static boolean isExpression(String s) {
    String t = s.strip();
    return t.startsWith("${") && t.endsWith("}");
  }

  private static String body(String expression) {
    String t = expression.strip();
    return t.substring(2, t.length() - 1).strip();
  }

  /**
   * Compiles {@code ${ … }} (or a bare jq program); a syntax error is an {@link
   * ExpressionException}.
   */
  public static JsonQuery compile(String expression) {
    String program = isExpression(expression) ? body(expression) : expression;
    JsonQuery q = COMPILED.get(program);
    if (q != null) {
      return q;
    }
    try {
      q = JsonQuery.compile(program, Versions.JQ_1_6);
    } catch (JsonQueryException e) {
      throw new ExpressionException(
          "'" + expression + "' is not a valid jq expression: " + e.getMessage());
    }
    if (COMPILED.size() < MAX_CACHED) {
      COMPILED.putIfAbsent(program, q);
    }
    return q;
  }

  /**
   * The most a value an expression gives may weigh: characters of its strings and names, plus one
   * per node, counted as the value is walked (shared parts counted each time they appear). A run's
   * data stays well below the node's memory, whatever a loop does with it.
   */
  static final long MAX_VALUE_WEIGHT = 4L << 20;

  /** Evaluates one expression; the first result, or null when it yields nothing. */
  public static JsonNode evaluate(String expression, JsonNode input, Map<String, JsonNode> vars) {
    if (Thread.currentThread().isInterrupted()) {
      // the run was cancelled or its entity stopped: go no further (a loop of expressions would
      // otherwise run on)
      throw new IllegalStateException("the run's thread was stopped");
    }
    Scope scope = Scope.newChildScope(ROOT);
    vars.forEach(scope::setValue);
    List<JsonNode> out = new ArrayList<>(1);
    try {
      compile(expression)
          .apply(
              scope,
              input == null ? JsonNodeFactory.instance.nullNode() : input,
              v -> {
                if (out.isEmpty()) {
                  out.add(v);
                }
              });
    } catch (JsonQueryException e) {
      throw new ExpressionException("evaluating '" + expression + "' failed: " + e.getMessage());
    }
    JsonNode result = out.isEmpty() ? JsonNodeFactory.instance.nullNode() : out.getFirst();
    if (weight(result, MAX_VALUE_WEIGHT) > MAX_VALUE_WEIGHT) {
      throw new ExpressionException(
          "evaluating '"
              + expression
              + "' gave a value over "
              + MAX_VALUE_WEIGHT
              + " characters and nodes; keep large data outside the run (a document, a"
              + " collection) and pass references");
    }
    return result;
  }

  /**
   * The weight of {@code value} (see {@link #MAX_VALUE_WEIGHT}), walked no further than {@code
   * cap}.
   */
  static long weight(JsonNode value, long cap) {
    long w = 0;
    java.util.ArrayDeque<JsonNode> todo = new java.util.ArrayDeque<>();
    todo.push(value);
    while (!todo.isEmpty() && w <= cap) {
      JsonNode n = todo.pop();
      w += 1 + (n.isTextual() ? n.textValue().length() : 0);
      if (n.isObject()) {
        for (var e : n.properties()) {
          w += e.getKey().length();
          todo.push(e.getValue());
        }
      } else if (n.isArray()) {
        n.forEach(todo::push);
      }
    }
    return w;
  }

  /**
   * Resolves a value that may contain expressions: an expression string is evaluated, objects and
   * arrays are resolved member by member, anything else is itself.
   */
  public static JsonNode resolve(JsonNode value, JsonNode input, Map<String, JsonNode> vars) {
    if (value == null) {
      return JsonNodeFactory.instance.nullNode();
    }
    if (isExpression(value)) {
      return evaluate(value.asText(), input, vars);
    }
    if (value.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        out.set(e.getKey(), resolve(e.getValue(), input, vars));
      }
      return out;
    }
    if (value.isArray()) {
      var out = JsonNodeFactory.instance.arrayNode();
      value.forEach(v -> out.add(resolve(v, input, vars)));
      return out;
    }
    return value;
  }

  /**
   * A field that holds a runtime expression and nothing else ({@code if}, {@code when}, {@code
   * for.in}, {@code input.from}, {@code output.as} …): in the DSL's {@code strict} evaluation mode
   * (the default, the only one Tramontane runs) a string must be written inside {@code ${ }} — a
   * bare one is an expression error, never a plain string. Objects (literal values with expressions
   * inside) pass.
   */
  public static JsonNode strict(JsonNode value) {
    if (value != null && value.isTextual() && !isExpression(value.asText())) {
      String text = value.asText().strip();
      throw new ExpressionException(
          "'"
              + text
              + "' is not a runtime expression: in strict mode (the DSL's default) expressions are"
              + " written inside ${ }; write it as ${ "
              + text
              + " }");
    }
    return value;
  }

  /** {@link #resolve} of a field that holds a runtime expression ({@link #strict}). */
  public static JsonNode transform(JsonNode value, JsonNode input, Map<String, JsonNode> vars) {
    return resolve(strict(value), input, vars);
  }

  /**
   * A boolean condition ({@code if}, {@code when}, {@code while}, {@code until}): a runtime
   * expression ({@link #strict}) with a truthy result.
   */
  public static boolean test(JsonNode condition, JsonNode input, Map<String, JsonNode> vars) {
    JsonNode v = resolve(strict(condition), input, vars);
    return !(v == null || v.isNull() || (v.isBoolean() && !v.asBoolean()));
  }

  /** An expression failed to compile or evaluate. */
  public static final class ExpressionException extends RuntimeException {
    public ExpressionException(String message) {
      super(message);
    }
  }
}
