package io.tramontane.workflows.definition;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tramontane's profile of the DSL: what the runtime supports, and the checks the JSON schema cannot
 * express (task names unique per list, {@code then} targets, jq expressions that compile, HTTP
 * endpoints, durations). Anything valid in the DSL but not supported is refused here, at validate
 * time, with what to use instead.
 */
final class Profile {

  static final List<String> TYPES =
      List.of(
          "call", "fork", "emit", "for", "listen", "raise", "run", "set", "switch", "try", "wait",
          "do");

  private static final Set<String> BASE =
      Set.of("if", "input", "output", "export", "timeout", "then", "metadata");

  private static final Map<String, Set<String>> TYPE_KEYS =
      Map.ofEntries(
          Map.entry("call", Set.of("call", "with")),
          Map.entry("do", Set.of("do")),
          Map.entry("fork", Set.of("fork")),
          Map.entry("emit", Set.of("emit")),
          Map.entry("for", Set.of("for", "while", "do")),
          Map.entry("listen", Set.of("listen", "foreach")),
          Map.entry("raise", Set.of("raise")),
          Map.entry("run", Set.of("run")),
          Map.entry("set", Set.of("set")),
          Map.entry("switch", Set.of("switch")),
          Map.entry("try", Set.of("try", "catch")),
          Map.entry("wait", Set.of("wait")));

  private static final Set<String> TOP =
      Set.of("document", "input", "use", "do", "timeout", "output", "schedule", "evaluate");
  private static final Set<String> FLOW = Set.of("continue", "exit", "end");
  private static final Set<String> UNSUPPORTED_USE = Set.of("functions", "catalogs", "extensions");

  private final Locations where;
  private final List<Problem> problems = new ArrayList<>();
  private final Set<String> claimed = new LinkedHashSet<>();
  private final Map<String, String> tasks = new LinkedHashMap<>();
  private Set<String> retries = Set.of();
  private Set<String> timeouts = Set.of();

  private final ProfileCalls calls;
  private final ProfileRun runs;
  private final ProfileValues values;
  private final ProfileExpressions expressions;

  private Profile(Locations where) {
    this.where = where;
    this.calls = new ProfileCalls(where, problems, claimed, tasks);
    this.runs = new ProfileRun(where, problems, claimed, tasks);
    this.values = new ProfileValues(where, problems, claimed);
    this.expressions = new ProfileExpressions(where, problems, claimed);
  }

  /**
   * The profile's problems. {@code claimed} receives pointers the schema should stay quiet on;
   * {@code tasks} receives each supported task's pointer with the schema branch of its kind.
   */
  static List<Problem> check(
      JsonNode root, Locations where, Set<String> claimed, Map<String, String> tasks) {
    Profile p = new Profile(where);
    if (root.isObject()) {
      p.retries = names(root.path("use").path("retries"));
      p.timeouts = names(root.path("use").path("timeouts"));
      for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (!TOP.contains(key)) {
          p.problems.add(
              where.atKey(
                  "/" + Locations.escape(key),
                  "unknown top-level key '" + key + "'",
                  "a workflow has "
                      + TOP.stream().sorted().toList()
                      + "; put descriptions in document.summary"));
        }
      }
      ProfileDocument document = new ProfileDocument(where, p.problems, p.claimed);
      document.dsl(root.path("document").get("dsl"));
      document.evaluate(root.get("evaluate"));
      p.expressions.workflow(root);
      root.path("use")
          .path("retries")
          .fields()
          .forEachRemaining(
              e -> {
                String pointer = "/use/retries/" + Locations.escape(e.getKey());
                p.expressions.retry(pointer, e.getValue());
                p.values.retry(pointer, e.getValue());
              });
      root.path("use")
          .path("timeouts")
          .fields()
          .forEachRemaining(
              e ->
                  p.values.duration(
                      "/use/timeouts/" + Locations.escape(e.getKey()) + "/after",
                      e.getValue().get("after")));
      p.expressions.strategy("/schedule/on", "schedule.on", root.path("schedule").get("on"), false);
      p.use(root.get("use"));
      new ProfileAuthentications(where, p.problems, p.claimed).check(root);
      p.schedule(root.get("schedule"));
      p.scheduleOn(root.path("schedule").get("on"));
      p.timeout("/timeout", root.get("timeout"));
      p.taskList("/do", root.get("do"));
      ProfileData.check(root, where, p.problems);
    }
    p.values.expressions("", root);
    claimed.addAll(p.claimed);
    tasks.putAll(p.tasks);
    return p.problems;
  }

  /** Tasks in a task list and everything nested under them. */
  static int countTasks(JsonNode list) {
    if (list == null || !list.isArray()) {
      return 0;
    }
    int n = 0;
    for (JsonNode item : list) {
      for (Iterator<JsonNode> it = item.elements(); it.hasNext(); ) {
        JsonNode task = it.next();
        n++;
        n += countTasks(task.get("do"));
        n += countTasks(task.path("fork").get("branches"));
        n += countTasks(task.get("try"));
        n += countTasks(task.path("catch").get("do"));
        n += countTasks(task.path("foreach").get("do"));
      }
    }
    return n;
  }

  private void use(JsonNode use) {
    if (use == null || !use.isObject()) {
      return;
    }
    for (Iterator<String> it = use.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (UNSUPPORTED_USE.contains(key)) {
        String pointer = "/use/" + key;
        claimed.add(pointer);
        problems.add(
            where.atKey(
                pointer,
                "'use." + key + "' is not supported by Tramontane",
                "call services directly in the task: call: http, call: agent or call: retrieve"));
      }
    }
  }

  private void schedule(JsonNode schedule) {
    if (schedule == null || !schedule.isObject()) {
      return;
    }
    values.duration("/schedule/every", schedule.get("every"));
    values.duration("/schedule/after", schedule.get("after"));
    ScheduleSpec.check(schedule, where, problems, claimed);
  }

  /**
   * Event triggers: each event that satisfies {@code one} or {@code any} starts a run by itself;
   * waiting for several events is what a {@code listen} task in the workflow does.
   */
  private void scheduleOn(JsonNode on) {
    if (on == null || !on.isObject()) {
      return;
    }
    if (on.has("all")) {
      problems.add(
          where.at(
              "/schedule/on/all",
              "schedule.on with 'all' is not supported: a run starts on one event",
              "start on the first event with 'one' (or 'any') and wait for the others with a"
                  + " listen task"));
    }
    if (on.has("until")) {
      problems.add(
          where.at(
              "/schedule/on/until",
              "schedule.on does not take 'until': each matching event starts one run",
              "remove 'until', or consume further events with a listen task"));
    }
  }

  private void taskList(String pointer, JsonNode list) {
    if (list == null || !list.isArray()) {
      return;
    }
    List<String> names = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode item = list.get(i);
      if (item.isObject() && item.size() == 1) {
        String name = item.fieldNames().next();
        names.add(name);
        if (!seen.add(name)) {
          problems.add(
              where.atKey(
                  pointer + "/" + i + "/" + Locations.escape(name),
                  "task name '" + name + "' is used twice in this list",
                  "give each task in a 'do' list its own name; 'then' refers to tasks by name"));
        }
      }
    }
    for (int i = 0; i < list.size(); i++) {
      JsonNode item = list.get(i);
      if (item.isObject() && item.size() == 1) {
        String name = item.fieldNames().next();
        task(pointer + "/" + i + "/" + Locations.escape(name), name, item.get(name), names);
      }
    }
  }

  private void task(String pointer, String name, JsonNode task, List<String> siblings) {
    if (task == null || !task.isObject()) {
      return;
    }
    String type = null;
    for (String t : TYPES) {
      if (task.has(t)) {
        type = t;
        break;
      }
    }
    if (type == null) {
      claimed.add(pointer);
      problems.add(
          where.at(
              pointer,
              "task '" + name + "' has no task type",
              "add one of: call, do, emit, for, fork, listen, raise, set, switch, try, wait"));
      return;
    }
    Set<String> allowed = new HashSet<>(BASE);
    allowed.addAll(TYPE_KEYS.get(type));
    for (Iterator<String> it = task.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        claimed.add(pointer + "/" + Locations.escape(key));
        problems.add(
            where.atKey(
                pointer + "/" + Locations.escape(key),
                "task '" + name + "' (" + type + "): unknown key '" + key + "'",
                "allowed here: " + allowed.stream().sorted().toList()));
      }
    }
    if (!type.equals("call") && !type.equals("run")) {
      tasks.put(pointer, "#/$defs/" + type + "Task");
    }
    expressions.task(pointer, name, type, task);
    switch (type) {
      case "run" -> runs.check(pointer, name, task);
      case "call" -> calls.check(pointer, name, task);
      case "do", "for" -> taskList(pointer + "/do", task.get("do"));
      case "fork" -> taskList(pointer + "/fork/branches", task.path("fork").get("branches"));
      case "try" -> {
        taskList(pointer + "/try", task.get("try"));
        taskList(pointer + "/catch/do", task.path("catch").get("do"));
        JsonNode retry = task.path("catch").get("retry");
        if (retry != null && retry.isTextual() && !retries.contains(retry.asText())) {
          problems.add(
              where.at(
                  pointer + "/catch/retry",
                  "retry policy '" + retry.asText() + "' is not defined in use.retries",
                  "define it under use.retries, or write it inline: retry: {delay: …, limit: …}"));
        }
        values.retry(pointer + "/catch/retry", retry);
      }
      case "switch" -> {
        JsonNode cases = task.get("switch");
        if (cases != null && cases.isArray()) {
          for (int i = 0; i < cases.size(); i++) {
            JsonNode c = cases.get(i);
            if (c.isObject() && c.size() == 1) {
              String caseName = c.fieldNames().next();
              then(
                  pointer + "/switch/" + i + "/" + Locations.escape(caseName) + "/then",
                  c.get(caseName).get("then"),
                  siblings);
            }
          }
        }
      }
      case "wait" -> values.duration(pointer + "/wait", task.get("wait"));
      case "listen" -> foreach(pointer, name, task);
      default -> {
        // emit, listen, raise, set: the schema covers their shape.
      }
    }
    then(pointer + "/then", task.get("then"), siblings);
    timeout(pointer + "/timeout", task.get("timeout"));
  }

  /**
   * A listen's {@code foreach} (dsl-reference.md "Subscription Iterator"): its tasks are checked
   * like any list. The runtime iterates the events a listen consumed once it has consumed them, so
   * with {@code until} (events consumed one by one, the iterations due as each arrives) it is
   * refused.
   */
  private void foreach(String pointer, String name, JsonNode task) {
    JsonNode foreach = task.get("foreach");
    if (foreach == null) {
      return;
    }
    taskList(pointer + "/foreach/do", foreach.get("do"));
    if (task.path("listen").path("to").has("until")) {
      claimed.add(pointer + "/foreach");
      problems.add(
          where.atKey(
              pointer + "/foreach",
              "task '"
                  + name
                  + "': listen 'foreach' with 'until' is not supported: the iterations would run"
                  + " only once the listen stops, not as each event arrives",
              "listen without foreach and iterate its output in a for task (for: {each: event,"
                  + " in: '${ . }'}), or keep foreach with one, all, or any without until"));
    }
  }

  private static Set<String> names(JsonNode map) {
    Set<String> out = new HashSet<>();
    map.fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** A timeout: inline ({@code after}) or the name of one in {@code use.timeouts}. */
  private void timeout(String pointer, JsonNode timeout) {
    if (timeout == null) {
      return;
    }
    if (timeout.isObject()) {
      values.duration(pointer + "/after", timeout.get("after"));
    } else if (timeout.isTextual() && !timeouts.contains(timeout.asText())) {
      problems.add(
          where.at(
              pointer,
              "timeout '" + timeout.asText() + "' is not defined in use.timeouts",
              "define it under use.timeouts, or write it inline: timeout: {after: PT30S}"));
    }
  }

  private void then(String pointer, JsonNode then, List<String> siblings) {
    if (then == null || !then.isTextual()) {
      return;
    }
    String target = then.asText();
    if (!FLOW.contains(target) && !siblings.contains(target)) {
      problems.add(
          where.at(
              pointer,
              "then: '" + target + "' is not a task in this 'do' list",
              "use continue, exit, end, or one of " + siblings.stream().distinct().toList()));
    }
  }

  static boolean isExpression(String text) {
    String t = text.strip();
    return t.startsWith("${") && t.endsWith("}");
  }
}
