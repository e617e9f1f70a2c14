package io.tramontane.workflows.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Executes the control flow and data flow of a Serverless Workflow 1.0 definition: {@code do},
 * {@code set}, {@code switch}, {@code for}, {@code fork} (branches in order; {@code compete} takes
 * the first), {@code try}/{@code catch} with {@code retry}, {@code raise}, task {@code if}, {@code
 * input.from}, {@code output.as}, {@code export.as} and {@code then} (continue / exit / end / a
 * task name). Side effects — {@code call}, {@code emit}, {@code wait}, {@code listen} — go through
 * {@link Effects}, which the durable run entity implements (persisting each before and after), so
 * this class holds no state between calls and never does I/O itself.
 */
public final class Interpreter {

  /** The side effects of a run, keyed by task reference and attempt (idempotency). */
  public interface Effects {
    /** {@code call}: http, agent, retrieve … Failures are {@link WorkflowError}s. */
    JsonNode call(String reference, String function, JsonNode with, int attempt);

    /** The run's id ({@code $workflow.id}). */
    default String runId() {
      return "local";
    }

    /** {@code emit}: publish an event. */
    void emit(String reference, JsonNode event);

    /**
     * {@code emit}: publishes the event and returns it as emitted, a CloudEvent (the task's
     * output). This default publishes through {@link #emit} at the current time.
     */
    default JsonNode emitted(String reference, JsonNode event) {
      emit(reference, event);
      return EmittedEvent.of(event.path("with"), null, reference, java.time.Instant.now());
    }

    /**
     * When the task at {@code reference} (the workflow: "") started, for {@code startedAt}: the
     * durable run records it, so a replay sees the same time. This default is the clock's now.
     */
    default java.time.Instant startedAt(String reference) {
      return java.time.Instant.now();
    }

    /** {@code wait}: a durable timer (ISO 8601 duration or the DSL's duration object). */
    void await(String reference, JsonNode duration);

    /**
     * {@code listen}: wait for events matching the strategy; returns the consumed events
     * (CloudEvents envelopes, in arrival order). {@code read} is how an {@code until} expression
     * sees them.
     */
    JsonNode listen(String reference, JsonNode to, String read);

    /**
     * Enters the timeout of the task at {@code reference}: until the returned scope is closed, an
     * effect that would block past the (durable) deadline fails with a timeout error instead.
     */
    Scope timeout(String reference, JsonNode duration);

    /** Before a retry attempt: wait as the retry policy says (delay × backoff, jitter). */
    void backoff(String reference, JsonNode retry, int attempt);

    /**
     * {@code fork}: runs the branches and returns their outputs in branch order, or — when {@code
     * compete} — the output of the first branch to complete. This default runs them one after the
     * other (the first branch wins a competition); the durable runtime runs them concurrently.
     */
    default JsonNode fork(
        String reference, List<java.util.function.Supplier<JsonNode>> branches, boolean compete) {
      ArrayNode outputs = JsonNodeFactory.instance.arrayNode();
      for (var branch : branches) {
        JsonNode out = branch.get();
        if (compete) {
          return out;
        }
        outputs.add(out);
      }
      return outputs;
    }
  }

  /** A timeout's extent. */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  /** Where a run ended: its output and final context. */
  public record Result(JsonNode output, JsonNode context) {}

  private static final int MAX_TRANSITIONS = 10_000;
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final JsonNode workflow;
  private final Effects effects;
  private volatile JsonNode context = F.objectNode();
  private Descriptors descriptors;
  private final java.util.concurrent.atomic.AtomicInteger transitions =
      new java.util.concurrent.atomic.AtomicInteger();

  private Interpreter(JsonNode workflow, Effects effects) {
    this.workflow = workflow;
    this.effects = effects;
  }

  /** Runs {@code workflow} (the definition's tree) on {@code input}. */
  public static Result run(JsonNode workflow, JsonNode input, Effects effects) {
    Interpreter i = new Interpreter(workflow, effects);
    return i.run(input);
  }

  private static final class End extends RuntimeException {
    final JsonNode output;

    End(JsonNode output) {
      super(null, null, false, false);
      this.output = output;
    }
  }

  private Result run(JsonNode rawInput) {
    descriptors = new Descriptors(workflow, rawInput, effects);
    DataSchemas.check(workflow.path("input").get("schema"), rawInput, "workflow input", "/");
    Map<String, JsonNode> vars = vars(Map.of(), null, rawInput);
    JsonNode input = rawInput;
    JsonNode from = workflow.path("input").get("from");
    if (from != null) {
      input = expression(() -> Expressions.transform(from, rawInput, vars), "/input/from");
    }
    JsonNode output;
    try (Scope timeout = timeout(workflow.get("timeout"), "the workflow", input, vars, "/")) {
      output = list((ArrayNode) workflow.get("do"), "/do", input, Map.of());
    } catch (End end) {
      output = end.output;
    }
    JsonNode as = workflow.path("output").get("as");
    if (as != null) {
      JsonNode last = output;
      output =
          expression(
              () -> Expressions.transform(as, last, vars(Map.of(), null, last)), "/output/as");
    }
    DataSchemas.check(workflow.path("output").get("schema"), output, "workflow output", "/");
    return new Result(output, context);
  }

  /** Runs {@code step}; a failing runtime expression is the DSL's expression error (400). */
  private static <T> T expression(java.util.function.Supplier<T> step, String ref) {
    try {
      return step.get();
    } catch (Expressions.ExpressionException e) {
      throw new WorkflowError(
          WorkflowError.EXPRESSION, 400, "Expression failed", e.getMessage(), ref);
    }
  }

  /** The runtime expression arguments; {@code task} is null outside a task. */
  private Map<String, JsonNode> vars(Map<String, JsonNode> extra, JsonNode task, JsonNode input) {
    Map<String, JsonNode> v = new HashMap<>(extra);
    v.put("context", context);
    v.put("input", input == null ? F.nullNode() : input);
    if (task != null) {
      v.put("task", task);
    }
    v.put("workflow", descriptors.workflow());
    v.put("runtime", Descriptors.runtimeDescriptor());
    return v;
  }

  /** Runs a task list; {@code exit} leaves it, {@code end} ends the run, a name jumps to it. */
  private JsonNode list(ArrayNode tasks, String base, JsonNode input, Map<String, JsonNode> extra) {
    JsonNode current = input;
    int i = 0;
    while (i < tasks.size()) {
      if (transitions.incrementAndGet() > MAX_TRANSITIONS) {
        throw WorkflowError.runtime(
            500,
            "Too many transitions",
            "more than " + MAX_TRANSITIONS + " task transitions; is a 'then' looping?",
            base);
      }
      Map.Entry<String, JsonNode> entry = tasks.get(i).fields().next();
      String name = entry.getKey();
      Step step = task(name, entry.getValue(), base + "/" + i + "/" + name, current, extra);
      current = step.output();
      String then = step.then();
      if (then == null || then.equals("continue")) {
        i++;
      } else if (then.equals("exit")) {
        return current;
      } else if (then.equals("end")) {
        throw new End(current);
      } else {
        i = indexOf(tasks, then, base);
      }
    }
    return current;
  }

  private static int indexOf(ArrayNode tasks, String name, String base) {
    for (int j = 0; j < tasks.size(); j++) {
      if (tasks.get(j).has(name)) {
        return j;
      }
    }
    throw WorkflowError.runtime(
        500, "Unknown task", "'then' names '" + name + "', not a task here", base);
  }

  private record Step(JsonNode output, String then) {}

  private Step task(
      String name, JsonNode task, String ref, JsonNode rawInput, Map<String, JsonNode> extra) {
    return expression(() -> step(name, task, ref, rawInput, extra), ref);
  }

  private Step step(
      String name, JsonNode task, String ref, JsonNode rawInput, Map<String, JsonNode> extra) {
    ObjectNode descriptor = descriptors.task(name, ref, task, rawInput);
    Map<String, JsonNode> vars = vars(extra, descriptor, rawInput);
    if (task.has("if") && !Expressions.test(task.get("if"), rawInput, vars)) {
      return new Step(rawInput, null);
    }
    DataSchemas.check(task.path("input").get("schema"), rawInput, "task input", ref);
    JsonNode input = rawInput;
    if (task.path("input").has("from")) {
      input = Expressions.transform(task.path("input").get("from"), rawInput, vars);
      vars.put("input", input);
    }
    String then = task.hasNonNull("then") ? task.get("then").asText() : null;
    JsonNode output;
    try (Scope timeout = timeout(task.get("timeout"), name, input, vars, ref)) {
      if (task.has("set")) {
        output = Expressions.resolve(task.get("set"), input, vars);
      } else if (task.has("switch")) {
        output = input;
        String chosen = Conditions.choose((ArrayNode) task.get("switch"), input, vars);
        then = chosen != null ? chosen : then;
      } else if (task.has("for")) {
        output = loop(task, ref, input, vars, extra);
      } else if (task.has("fork")) {
        output = fork(task.get("fork"), ref, input, extra);
      } else if (task.has("try")) {
        output = attempt(name, task, ref, input, vars, extra);
      } else if (task.has("do")) {
        output = list((ArrayNode) task.get("do"), ref + "/do", input, extra);
      } else if (task.has("raise")) {
        throw WorkflowError.from(
            Expressions.resolve(
                Conditions.named(workflow, task.path("raise").get("error"), "errors", ref),
                input,
                vars),
            ref);
      } else if (task.has("call")) {
        JsonNode with = CallArguments.resolve(workflow, task, input, vars);
        with = HttpEndpoints.expand(task, with, input, ref);
        output = effects.call(ref, task.get("call").asText(), with, 1);
      } else if (task.has("run")) {
        output = WorkflowProcess.run(effects, task.get("run"), ref, input, vars);
      } else if (task.has("emit")) {
        output =
            effects.emitted(ref, Expressions.resolve(task.path("emit").get("event"), input, vars));
      } else if (task.has("wait")) {
        effects.await(ref, Durations.resolve(task.get("wait"), "wait", name, input, vars, ref));
        output = input;
      } else if (task.has("listen")) {
        JsonNode listen = task.get("listen");
        String read = listen.path("read").asText("data");
        output =
            Listens.read(
                effects.listen(ref, Listens.expectations(listen.get("to"), input, vars), read),
                read);
        if (task.has("foreach")) {
          output =
              Listens.each(
                  task.get("foreach"),
                  ref,
                  output,
                  extra,
                  this::list,
                  (inner, r, in) -> vars(inner, descriptor, in),
                  this::export);
        }
      } else {
        throw WorkflowError.runtime(
            500, "Unsupported task", "task '" + name + "' has no known type", ref);
      }
    } catch (Expressions.ExpressionException e) {
      throw new WorkflowError(
          WorkflowError.EXPRESSION, 400, "Expression failed", e.getMessage(), ref);
    }
    descriptor.set("output", output);
    if (task.path("output").has("as")) {
      Map<String, JsonNode> v = vars(extra, descriptor, input);
      v.put("output", output);
      output = Expressions.transform(task.path("output").get("as"), output, v);
    }
    DataSchemas.check(task.path("output").get("schema"), output, "task output", ref);
    if (task.path("export").has("as")) {
      Map<String, JsonNode> v = vars(extra, descriptor, input);
      v.put("output", output);
      context = Expressions.transform(task.path("export").get("as"), output, v);
    }
    DataSchemas.check(task.path("export").get("schema"), context, "exported context", ref);
    return new Step(output, then);
  }

  /** A task's (or the workflow's) timeout: inline {@code {after: …}} or one of use.timeouts. */
  private Scope timeout(
      JsonNode timeout, String name, JsonNode input, Map<String, JsonNode> vars, String ref) {
    if (timeout == null || timeout.isNull()) {
      return () -> {};
    }
    JsonNode after = Durations.timeoutAfter(workflow, timeout, ref);
    return effects.timeout(ref, Durations.resolve(after, "timeout.after", name, input, vars, ref));
  }

  private void export(JsonNode exported) {
    context = exported;
  }

  private JsonNode loop(
      JsonNode task,
      String ref,
      JsonNode input,
      Map<String, JsonNode> vars,
      Map<String, JsonNode> extra) {
    JsonNode spec = task.get("for");
    String each = spec.path("each").asText("item");
    String at = spec.path("at").asText("index");
    JsonNode items = Expressions.transform(spec.get("in"), input, vars);
    JsonNode current = input;
    if (items == null || !items.isArray()) {
      return current;
    }
    for (int n = 0; n < items.size(); n++) {
      Map<String, JsonNode> inner = new HashMap<>(extra);
      inner.put(each, items.get(n));
      inner.put(at, F.numberNode(n));
      Map<String, JsonNode> v = new HashMap<>(vars);
      v.putAll(inner);
      v.put("input", current);
      if (task.has("while") && !Expressions.test(task.get("while"), current, v)) {
        break;
      }
      current = list((ArrayNode) task.get("do"), ref + "/do", current, inner);
    }
    return current;
  }

  private JsonNode fork(JsonNode spec, String ref, JsonNode input, Map<String, JsonNode> extra) {
    ArrayNode branches = (ArrayNode) spec.get("branches");
    List<java.util.function.Supplier<JsonNode>> run = new java.util.ArrayList<>();
    for (int b = 0; b < branches.size(); b++) {
      Map.Entry<String, JsonNode> e = branches.get(b).fields().next();
      String bref = ref + "/fork/branches/" + b + "/" + e.getKey();
      run.add(() -> task(e.getKey(), e.getValue(), bref, input, extra).output());
    }
    return effects.fork(ref, run, spec.path("compete").asBoolean(false));
  }

  private JsonNode attempt(
      String name,
      JsonNode task,
      String ref,
      JsonNode input,
      Map<String, JsonNode> vars,
      Map<String, JsonNode> extra) {
    JsonNode handler = task.path("catch");
    JsonNode retry = Conditions.named(workflow, handler.get("retry"), "retries", ref);
    int limit = retry == null ? 1 : 1 + retry.path("limit").path("attempt").path("count").asInt(0);
    for (int n = 1; ; n++) {
      try {
        return list((ArrayNode) task.get("try"), ref + "/try", input, extra);
      } catch (WorkflowError e) {
        if (!Conditions.catches(handler, e, input, vars)) {
          throw e;
        }
        if (n < limit) {
          effects.backoff(ref, Durations.retry(retry, name, input, vars, ref), n);
          continue;
        }
        if (!handler.has("do")) {
          return input;
        }
        Map<String, JsonNode> inner = new HashMap<>(extra);
        inner.put(handler.path("as").asText("error"), e.toJson());
        return list((ArrayNode) handler.get("do"), ref + "/catch/do", input, inner);
      }
    }
  }
}
