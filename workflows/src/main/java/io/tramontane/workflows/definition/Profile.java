package io.tramontane.workflows.definition;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;

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
      Set.of("document", "input", "use", "do", "timeout", "output", "schedule");
  private static final Set<String> FLOW = Set.of("continue", "exit", "end");
  private static final Set<String> UNSUPPORTED_USE = Set.of("functions", "catalogs", "extensions");
  private static final Set<String> HTTP_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
  private static final Set<String> AGENT_ARGS = Set.of("agent", "message", "session");
  private static final Set<String> RETRIEVE_ARGS = Set.of("collection", "query", "k");

  /** Fields holding a runtime expression even when written without {@code ${ }}. */
  private static final Set<String> BARE_EXPRESSIONS = Set.of("if", "when", "while");

  private final Locations where;
  private final List<Problem> problems = new ArrayList<>();
  private final Set<String> claimed = new LinkedHashSet<>();
  private final Map<String, String> tasks = new LinkedHashMap<>();
  private Set<String> retries = Set.of();
  private Set<String> timeouts = Set.of();

  private Profile(Locations where) {
    this.where = where;
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
      p.use(root.get("use"));
      p.schedule(root.get("schedule"));
      p.scheduleOn(root.path("schedule").get("on"));
      p.timeout("/timeout", root.get("timeout"));
      p.taskList("/do", root.get("do"));
    }
    p.expressions("", root);
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
    duration("/schedule/every", schedule.get("every"));
    duration("/schedule/after", schedule.get("after"));
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
    switch (type) {
      case "run" -> {
        claimed.add(pointer);
        problems.add(
            where.atKey(
                pointer + "/run",
                "task '" + name + "': 'run' (shell, script, container, workflow) is not supported",
                "call a service with call: http, or an agent with call: agent"));
      }
      case "call" -> call(pointer, name, task);
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
        if (retry != null && retry.isObject()) {
          duration(pointer + "/catch/retry/delay", retry.get("delay"));
          duration(pointer + "/catch/retry/limit/duration", retry.path("limit").get("duration"));
        }
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
      case "wait" -> duration(pointer + "/wait", task.get("wait"));
      default -> {
        // emit, listen, raise, set: the schema covers their shape.
      }
    }
    then(pointer + "/then", task.get("then"), siblings);
    timeout(pointer + "/timeout", task.get("timeout"));
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
      duration(pointer + "/after", timeout.get("after"));
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

  private void call(String pointer, String name, JsonNode task) {
    JsonNode call = task.get("call");
    if (call == null || !call.isTextual()) {
      return;
    }
    String function = call.asText();
    JsonNode with = task.get("with");
    tasks.put(pointer, DslSchema.callBranch(function));
    switch (function) {
      case "http" -> http(pointer + "/with", with);
      case "agent" ->
          arguments(pointer, name, "agent", with, AGENT_ARGS, List.of("agent", "message"));
      case "retrieve" ->
          arguments(pointer, name, "retrieve", with, RETRIEVE_ARGS, List.of("collection", "query"));
      case "grpc", "openapi", "asyncapi", "a2a" -> {
        claimed.add(pointer);
        problems.add(
            where.at(
                pointer + "/call",
                "task '" + name + "': call: " + function + " is not supported",
                "use call: http against the service's HTTP endpoint"));
      }
      default -> {
        claimed.add(pointer);
        problems.add(
            where.at(
                pointer + "/call",
                "task '" + name + "': unknown function '" + function + "'",
                "supported calls are http, agent and retrieve (use.functions is not supported)"));
      }
    }
  }

  private void arguments(
      String pointer,
      String name,
      String function,
      JsonNode with,
      Set<String> known,
      List<String> required) {
    if (with == null || !with.isObject()) {
      claimed.add(pointer);
      problems.add(
          where.at(
              pointer + "/call",
              "task '" + name + "': call: " + function + " needs 'with' " + required,
              "add with: {" + String.join(": …, ", required) + ": …}"));
      return;
    }
    for (String r : required) {
      if (!with.has(r)) {
        claimed.add(pointer);
        problems.add(
            where.at(
                pointer + "/with",
                "task '" + name + "': call: " + function + " needs 'with." + r + "'",
                "add " + r + " under with"));
      }
    }
    for (Iterator<String> it = with.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) {
        claimed.add(pointer);
        problems.add(
            where.atKey(
                pointer + "/with/" + Locations.escape(key),
                "task '" + name + "': call: " + function + " has no argument '" + key + "'",
                "known arguments: " + known.stream().sorted().toList()));
      }
    }
  }

  private void http(String pointer, JsonNode with) {
    if (with == null || !with.isObject()) {
      return;
    }
    JsonNode method = with.get("method");
    if (method != null
        && method.isTextual()
        && !HTTP_METHODS.contains(method.asText().toUpperCase(Locale.ROOT))) {
      problems.add(
          where.at(
              pointer + "/method",
              "HTTP method '" + method.asText() + "' is not supported",
              "use one of " + HTTP_METHODS.stream().sorted().toList()));
    }
    JsonNode endpoint = with.get("endpoint");
    String endpointPointer = pointer + "/endpoint";
    if (endpoint != null && endpoint.isObject()) {
      endpoint = endpoint.get("uri");
      endpointPointer += "/uri";
    }
    if (endpoint == null || !endpoint.isTextual() || isExpression(endpoint.asText())) {
      return;
    }
    String text = endpoint.asText();
    String problem = null;
    try {
      URI uri = new URI(text.replace("{", "%7B").replace("}", "%7D"));
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        problem = "endpoint '" + text + "' is not an http or https URI";
      } else if (uri.getHost() == null || uri.getHost().isBlank()) {
        problem = "endpoint '" + text + "' has no host";
      }
    } catch (URISyntaxException e) {
      problem = "endpoint '" + text + "' is not a valid URI: " + e.getReason();
    }
    if (problem != null) {
      claimed.add(endpointPointer);
      problems.add(
          where.at(
              endpointPointer,
              problem,
              "write an absolute URI like https://api.example.com/orders, or an expression ${ … }"));
    }
  }

  private void duration(String pointer, JsonNode value) {
    if (value == null) {
      return;
    }
    if (value.isTextual()) {
      String text = value.asText().strip();
      if (isExpression(text)) {
        return;
      }
      try {
        Duration d = Duration.parse(text);
        if (d.isNegative()) {
          throw new DateTimeParseException("negative", text, 0);
        }
      } catch (DateTimeParseException e) {
        claimed.add(pointer);
        problems.add(
            where.at(
                pointer,
                "'" + text + "' is not a duration",
                "write ISO 8601 like PT30S, PT5M or P1DT2H (no years, months or weeks),"
                    + " or {minutes: 5}"));
      }
      return;
    }
    if (value.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue().isIntegralNumber() && e.getValue().asLong() < 0) {
          claimed.add(pointer);
          problems.add(
              where.at(
                  pointer + "/" + Locations.escape(e.getKey()),
                  "a duration's " + e.getKey() + " must not be negative",
                  "use a whole number of 0 or more"));
        }
      }
    }
  }

  /** Compiles every {@code ${ … }} string (and bare if/when/while expressions) with jackson-jq. */
  private void expressions(String pointer, JsonNode node) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String child = pointer + "/" + Locations.escape(e.getKey());
        if (BARE_EXPRESSIONS.contains(e.getKey())
            && e.getValue().isTextual()
            && !isExpression(e.getValue().asText())) {
          compile(child, e.getValue().asText());
        } else {
          expressions(child, e.getValue());
        }
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        expressions(pointer + "/" + i, node.get(i));
      }
    } else if (node.isTextual() && isExpression(node.asText())) {
      String text = node.asText().strip();
      compile(pointer, text.substring(2, text.length() - 1));
    }
  }

  private void compile(String pointer, String expression) {
    try {
      JsonQuery.compile(expression, Versions.JQ_1_6);
    } catch (JsonQueryException | RuntimeException e) {
      String why = String.valueOf(e.getMessage()).strip();
      if (e.getCause() != null && e.getCause().getMessage() != null) {
        why = e.getCause().getMessage().strip();
      }
      int nl = why.indexOf('\n');
      problems.add(
          where.at(
              pointer,
              "jq expression does not compile: " + (nl < 0 ? why : why.substring(0, nl)),
              "check brackets, quotes and pipes in '" + expression.strip() + "'"));
    }
  }

  static boolean isExpression(String text) {
    String t = text.strip();
    return t.startsWith("${") && t.endsWith("}");
  }
}
