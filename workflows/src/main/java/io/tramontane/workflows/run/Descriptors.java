package io.tramontane.workflows.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The runtime expression arguments that describe the run (dsl.md "Runtime expression arguments"):
 * {@code $workflow} (id, definition, raw input, startedAt), {@code $runtime} (name, version,
 * metadata) and each task's {@code $task} (name, reference, definition, raw input, raw output,
 * startedAt). Start times come from {@link Interpreter.Effects#startedAt} — recorded in the run's
 * journal, so a replay sees the same ones; they are recorded only when the definition (for {@code
 * $workflow}) or the task (for {@code $task}) refers to the descriptor at all.
 */
final class Descriptors {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final ObjectNode RUNTIME = runtime();

  private final ObjectNode workflow = F.objectNode();
  private final Interpreter.Effects effects;

  /** Whether a task definition mentions {@code $task}, by identity (tasks run many times). */
  private final Map<JsonNode, Boolean> mentions =
      Collections.synchronizedMap(new IdentityHashMap<>());

  Descriptors(JsonNode definition, JsonNode rawInput, Interpreter.Effects effects) {
    this.effects = effects;
    workflow.put("id", effects.runId());
    workflow.set("definition", definition);
    workflow.set("input", rawInput == null ? F.nullNode() : rawInput);
    if (definition.toString().contains("$workflow")) {
      workflow.set("startedAt", dateTime(effects.startedAt("")));
    }
  }

  /** {@code $workflow}. */
  JsonNode workflow() {
    return workflow;
  }

  /** {@code $runtime}. */
  static JsonNode runtimeDescriptor() {
    return RUNTIME;
  }

  /** {@code $task} of the task {@code name} at {@code reference}, on its raw input. */
  ObjectNode task(String name, String reference, JsonNode definition, JsonNode rawInput) {
    ObjectNode task = F.objectNode().put("name", name).put("reference", reference);
    task.set("definition", definition);
    task.set("input", rawInput == null ? F.nullNode() : rawInput);
    if (mentions.computeIfAbsent(definition, d -> d.toString().contains("$task"))) {
      task.set("startedAt", dateTime(effects.startedAt(reference)));
    }
    return task;
  }

  /** dsl.md "DateTime Descriptor". */
  static ObjectNode dateTime(Instant at) {
    ObjectNode d = F.objectNode().put("iso8601", at.toString());
    d.putObject("epoch").put("seconds", at.getEpochSecond()).put("milliseconds", at.toEpochMilli());
    return d;
  }

  private static ObjectNode runtime() {
    String version = Interpreter.class.getPackage().getImplementationVersion();
    ObjectNode r = F.objectNode().put("name", "Tramontane");
    r.put("version", version == null ? "development" : version);
    r.putObject("metadata");
    return r;
  }
}
