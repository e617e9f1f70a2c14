package io.tramontane.workflows.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * {@code run: workflow} (dsl-reference.md "Run", "Workflow Process"): starts the child run (an
 * effect whose outcome names it), then — unless {@code await: false} — waits for it (a second
 * effect whose outcome is the child's output, or its error). {@code await: false} outputs the
 * task's input; {@code return: none} outputs null. The node's handler of {@link #FUNCTION} does the
 * starting and the waiting.
 */
public final class WorkflowProcess {

  /** The function the effects call ({@code op} start or await); a name no {@code call:} can use. */
  public static final String FUNCTION = "run:workflow";

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private WorkflowProcess() {}

  static JsonNode run(
      Interpreter.Effects effects,
      JsonNode run,
      String ref,
      JsonNode input,
      Map<String, JsonNode> vars) {
    JsonNode workflow = run.get("workflow");
    ObjectNode start = F.objectNode();
    start.put("op", "start");
    start.set("namespace", workflow.get("namespace"));
    start.set("name", workflow.get("name"));
    start.set("version", workflow.get("version"));
    JsonNode childInput =
        workflow.has("input") ? Expressions.resolve(workflow.get("input"), input, vars) : null;
    start.set("input", childInput == null || childInput.isNull() ? F.objectNode() : childInput);
    JsonNode child = effects.call(ref, FUNCTION, start, 1);
    if (!run.path("await").asBoolean(true)) {
      return input;
    }
    ObjectNode await = ((ObjectNode) child.deepCopy()).put("op", "await");
    JsonNode output = effects.call(ref, FUNCTION, await, 1);
    return "none".equals(run.path("return").asText()) ? F.nullNode() : output;
  }
}
