package io.tramontane.workflows.definition;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The profile's checks of {@code run} tasks (dsl-reference.md "Run"): only {@code run: workflow}
 * runs here, as a durable child run of the same tenant; shell, script and container processes are
 * refused. {@code return} is {@code stdout} (the default: the child's output) or {@code none}.
 */
final class ProfileRun {

  private static final Set<String> WORKFLOW_KEYS = Set.of("namespace", "name", "version", "input");
  private static final Set<String> RETURNS = Set.of("stdout", "none");

  private final Locations where;
  private final List<Problem> problems;
  private final Set<String> claimed;
  private final Map<String, String> tasks;

  ProfileRun(
      Locations where, List<Problem> problems, Set<String> claimed, Map<String, String> tasks) {
    this.where = where;
    this.problems = problems;
    this.claimed = claimed;
    this.tasks = tasks;
  }

  void check(String pointer, String name, JsonNode task) {
    JsonNode run = task.get("run");
    if (run == null || !run.isObject()) {
      return; // the schema says what a run is
    }
    for (Iterator<String> it = run.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      String at = pointer + "/run/" + Locations.escape(key);
      switch (key) {
        case "workflow" -> workflow(at, name, run.get(key));
        case "await" -> {}
        case "return" -> {
          JsonNode r = run.get(key);
          if (r.isTextual() && !RETURNS.contains(r.asText())) {
            refuse(
                at,
                "task '"
                    + name
                    + "': run: workflow returns the child's output; return '"
                    + r.asText()
                    + "' is for processes",
                "leave return out (the child's output), or write return: none");
          }
        }
        case "shell", "script", "container" -> {
          claimed.add(at);
          problems.add(
              where.atKey(
                  at,
                  "task '" + name + "': run: " + key + " is not supported",
                  "run a workflow (run: workflow), or call a service with call: http"));
        }
        default -> {} // the schema names unknown keys
      }
    }
    if (!run.has("workflow")) {
      return;
    }
    tasks.put(pointer, "#/$defs/runTask");
  }

  private void workflow(String pointer, String name, JsonNode workflow) {
    if (workflow == null || !workflow.isObject()) {
      return;
    }
    for (String required : List.of("namespace", "name", "version")) {
      JsonNode v = workflow.get(required);
      if (v == null || !v.isTextual() || v.asText().isBlank()) {
        refuse(
            pointer,
            "task '" + name + "': run: workflow needs '" + required + "'",
            "name the workflow to run: {namespace: …, name: …, version: … or latest}");
        return;
      }
      if (v.asText().contains("${")) {
        refuse(
            pointer + "/" + required,
            "task '" + name + "': the workflow's " + required + " is fixed, not an expression",
            "write the " + required + " literally; pass data to the child with input");
      }
    }
    for (Iterator<String> it = workflow.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!WORKFLOW_KEYS.contains(key)) {
        claimed.add(pointer + "/" + Locations.escape(key));
        problems.add(
            where.atKey(
                pointer + "/" + Locations.escape(key),
                "task '" + name + "': run: workflow has no '" + key + "'",
                "allowed: " + WORKFLOW_KEYS.stream().sorted().toList()));
      }
    }
  }

  private void refuse(String pointer, String message, String hint) {
    claimed.add(pointer);
    problems.add(where.at(pointer, message, hint));
  }
}
