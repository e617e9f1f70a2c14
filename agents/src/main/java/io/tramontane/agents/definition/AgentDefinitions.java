package io.tramontane.agents.definition;

import com.fasterxml.jackson.databind.JsonNode;
import io.tramontane.core.Sha256;
import io.tramontane.core.yaml.YamlException;
import io.tramontane.core.yaml.YamlLocations;
import io.tramontane.core.yaml.YamlReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Loads agent definitions from YAML, refusing anything doubtful with {@code file:line:column}: a
 * syntax error, an unknown key (a typo must not silently drop a limit), a tool that is not
 * registered, a model that is not configured, an alias bomb, a file over 256 KiB.
 *
 * <pre>
 * name: handbook
 * description: Answers questions about the staff handbook, with citations.
 * model: default
 * instructions: |
 *   Answer from the handbook only. Cite the passages you use.
 * tools: [retrieve]
 * collections: [handbook]
 * approval: []                # tools whose calls wait for a person
 * without-approval: []        # tools that need approval by default (mail.send …) but not here
 * limits: {max-steps: 6, max-tool-calls: 4, max-tokens: 20000, timeout: 90s}
 * </pre>
 */
public final class AgentDefinitions {

  public static final int MAX_BYTES = 256 * 1024;
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  private static final Set<String> KEYS =
      Set.of(
          "name",
          "description",
          "model",
          "instructions",
          "tools",
          "collections",
          "approval",
          "without-approval",
          "limits",
          "output-schema");
  private static final Set<String> LIMIT_KEYS =
      Set.of("max-steps", "max-tool-calls", "max-tokens", "timeout");

  private final Predicate<String> toolExists;
  private final Predicate<String> modelExists;
  private final Predicate<String> approvalByDefault;

  /**
   * @param toolExists whether a tool name is registered
   * @param modelExists whether a model name is configured
   */
  public AgentDefinitions(Predicate<String> toolExists, Predicate<String> modelExists) {
    this(toolExists, modelExists, tool -> false);
  }

  /**
   * @param approvalByDefault whether a tool's calls wait for approval unless a definition lists it
   *     under {@code without-approval} (tools that act for a person, such as sending mail)
   */
  public AgentDefinitions(
      Predicate<String> toolExists,
      Predicate<String> modelExists,
      Predicate<String> approvalByDefault) {
    this.toolExists = toolExists;
    this.modelExists = modelExists;
    this.approvalByDefault = approvalByDefault;
  }

  /** Every {@code *.yaml}/{@code *.yml} in {@code dir}; names must be unique. */
  public Map<String, AgentDefinition> loadDirectory(Path dir) {
    Map<String, AgentDefinition> out = new LinkedHashMap<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files =
          list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new DefinitionException(
          dir + ":1:1: cannot list agent definitions: " + e.getMessage(),
          "check that the directory exists and this node may read it");
    }
    for (Path f : files) {
      AgentDefinition d = load(f);
      AgentDefinition previous = out.putIfAbsent(d.name(), d);
      if (previous != null) {
        throw new DefinitionException(
            f + ":1:1: agent name '" + d.name() + "' is already used by " + previous.source(),
            "give one of the two agents another name");
      }
    }
    return out;
  }

  public AgentDefinition load(Path file) {
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new DefinitionException(
            file + ":1:1: the file is over " + MAX_BYTES / 1024 + " KiB",
            "an agent definition is a short YAML file; move long texts into a collection");
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new DefinitionException(
          file + ":1:1: cannot read: " + e.getMessage(), "check that this node may read the file");
    }
    return parse(file.toString(), bytes);
  }

  /** Parses one definition; {@code source} names it in messages (a path or an upload's name). */
  public AgentDefinition parse(String source, byte[] bytes) {
    return parse(source, bytes, null);
  }

  /**
   * Parses one definition that must be named {@code expectedName} (the name in an upload's path;
   * null: any name); a name that differs is reported at the place of {@code name:}.
   */
  public AgentDefinition parse(String source, byte[] bytes, String expectedName) {
    if (bytes.length > MAX_BYTES) {
      throw new DefinitionException(
          source + ":1:1: the definition is over " + MAX_BYTES / 1024 + " KiB",
          "an agent definition is a short YAML file; move long texts into a collection");
    }
    JsonNode root;
    YamlLocations where = new YamlLocations();
    try {
      root = YamlReader.read(bytes, YAML_LIMITS, where);
    } catch (YamlException e) {
      String at = source + ":" + e.line() + ":" + e.column() + ": ";
      throw e.getMessage().startsWith(SYNTAX)
          ? new DefinitionException(
              at + e.getMessage().substring(SYNTAX.length()) + " (YAML syntax)",
              "check the indentation, the colons and the quoting at this place")
          : new DefinitionException(at + e.getMessage(), e.hint());
    }
    Reader r = new Reader(source, where);
    if (root == null || !root.isObject()) {
      throw new DefinitionException(
          source + ":1:1: an agent definition is a YAML mapping",
          "start with keys such as 'name:' and 'instructions:', one per line");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw r.error("/" + key + KEY, "unknown key '" + key + "'", "known keys: " + sorted(KEYS));
      }
    }
    String name = r.string(root, "name", true);
    if (!NAME.matcher(name).matches()) {
      throw r.error(
          "/name",
          "name '" + name + "' is not a valid agent name",
          "use 1-64 lower-case letters, digits, '-' or '_'");
    }
    if (expectedName != null && !name.equals(expectedName)) {
      throw r.error(
          "/name",
          "name '" + name + "' differs from the path's '" + expectedName + "'",
          "upload it to /agents/"
              + name
              + " or change 'name' to '"
              + expectedName
              + "'; nothing was deployed");
    }
    String model = r.string(root, "model", false);
    model = model == null ? "default" : model;
    if (!modelExists.test(model)) {
      throw r.error(
          "/model",
          "model '" + model + "' is not configured",
          "use 'default' or a model configured under tramontane.agents.models");
    }
    List<String> tools =
        r.strings(
            root,
            "tools",
            t -> toolExists.test(t) ? null : "tool '" + t + "' is not registered",
            "check the spelling against the tools this node registers (agents/README.md lists the built-in ones)");
    List<String> approval =
        r.strings(
            root,
            "approval",
            t ->
                tools.contains(t)
                    ? null
                    : "'" + t + "' needs approval but is not in this agent's tools",
            "add it to 'tools' or remove it from 'approval'");
    List<String> without =
        r.strings(
            root,
            "without-approval",
            t ->
                !tools.contains(t)
                    ? "'" + t + "' is listed without approval but is not in this agent's tools"
                    : approval.contains(t)
                        ? "'" + t + "' is listed both under approval and without-approval"
                        : null,
            "list a tool in 'tools', then in at most one of 'approval' and 'without-approval'");
    Set<String> approved = new LinkedHashSet<>(approval);
    for (String tool : tools) {
      if (approvalByDefault.test(tool) && !without.contains(tool)) {
        approved.add(tool); // acts for a person: a person approves each call unless told not to
      }
    }
    Limits limits = limits(root.get("limits"), r);
    JsonNode schema = root.get("output-schema");
    if (schema != null && !schema.isObject()) {
      throw r.error(
          "/output-schema",
          "output-schema must be a JSON schema object",
          "write a mapping, e.g. output-schema: {type: object, required: [answer]}");
    }
    return new AgentDefinition(
        name,
        r.string(root, "description", false) == null ? "" : r.string(root, "description", false),
        model,
        r.string(root, "instructions", true),
        tools,
        r.strings(root, "collections"),
        approved,
        limits,
        schema == null ? null : schema.toString(),
        source,
        Sha256.hex(bytes));
  }

  private static Limits limits(JsonNode node, Reader r) {
    Limits d = Limits.DEFAULT;
    if (node == null) {
      return d;
    }
    if (!node.isObject()) {
      throw r.error("/limits", "limits must be a mapping", "known limits: " + sorted(LIMIT_KEYS));
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!LIMIT_KEYS.contains(key)) {
        throw r.error(
            "/limits/" + key + KEY,
            "unknown limit '" + key + "'",
            "known limits: " + sorted(LIMIT_KEYS));
      }
    }
    return new Limits(
        r.positive(node, "/limits", "max-steps", d.maxSteps()),
        r.positive(node, "/limits", "max-tool-calls", d.maxToolCalls()),
        r.positive(node, "/limits", "max-tokens", d.maxTokens()),
        r.duration(node, "/limits", "timeout", d.timeout()));
  }

  /** Reads fields and reports problems at their YAML location. */
  private record Reader(String source, YamlLocations where) {

    DefinitionException error(String pointer, String message, String hint) {
      boolean key = pointer.endsWith(KEY);
      int[] l =
          where.find(key ? pointer.substring(0, pointer.length() - KEY.length()) : pointer, key);
      return new DefinitionException(source + ":" + l[0] + ":" + l[1] + ": " + message, hint);
    }

    String string(JsonNode root, String key, boolean required) {
      JsonNode n = root.get(key);
      if (n == null || n.isNull()) {
        if (required) {
          throw new DefinitionException(
              source + ":1:1: '" + key + "' is required",
              "add a top-level line '" + key + ": ...'");
        }
        return null;
      }
      if (!n.isTextual() || n.asText().isBlank()) {
        throw error(
            "/" + key, "'" + key + "' must be a non-empty string", "write it as " + key + ": text");
      }
      return n.asText();
    }

    /**
     * The strings at {@code key}; the first of which {@code problem} says something (null: nothing)
     * is refused with that, at its index.
     */
    List<String> strings(JsonNode root, String key, Function<String, String> problem, String hint) {
      List<String> values = strings(root, key);
      for (int i = 0; i < values.size(); i++) {
        String why = problem.apply(values.get(i));
        if (why != null) {
          throw error("/" + key + "/" + i, why, hint);
        }
      }
      return values;
    }

    List<String> strings(JsonNode root, String key) {
      JsonNode n = root.get(key);
      if (n == null || n.isNull()) {
        return List.of();
      }
      if (!n.isArray()) {
        throw error("/" + key, "'" + key + "' must be a list", "write it as " + key + ": [a, b]");
      }
      List<String> out = new ArrayList<>();
      for (int i = 0; i < n.size(); i++) {
        if (!n.get(i).isTextual()) {
          throw error("/" + key + "/" + i, "'" + key + "' items must be strings", "quote the item");
        }
        out.add(n.get(i).asText());
      }
      return out;
    }

    int positive(JsonNode node, String base, String key, int fallback) {
      JsonNode n = node.get(key);
      if (n == null) {
        return fallback;
      }
      if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 1) {
        throw error(
            base + "/" + key,
            "'" + key + "' must be a positive whole number",
            "e.g. " + key + ": 10");
      }
      return n.asInt();
    }

    Duration duration(JsonNode node, String base, String key, Duration fallback) {
      JsonNode n = node.get(key);
      if (n == null) {
        return fallback;
      }
      String text = n.asText().strip().toLowerCase(java.util.Locale.ROOT);
      try {
        Duration d;
        if (text.matches("\\d+ms")) {
          d = Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
        } else if (text.matches("\\d+s")) {
          d = Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
        } else if (text.matches("\\d+m")) {
          d = Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
        } else {
          d = Duration.parse(text.toUpperCase(java.util.Locale.ROOT));
        }
        if (d.isNegative() || d.isZero()) {
          throw new DateTimeParseException("not positive", text, 0);
        }
        return d;
      } catch (DateTimeParseException | NumberFormatException e) {
        throw error(
            base + "/" + key, "'" + key + "' must be a positive duration", "e.g. 90s, 2m or 500ms");
      }
    }
  }

  /** Suffix of a pointer naming the key itself rather than its value. */
  private static final String KEY = YamlLocations.KEY;

  private static final String SYNTAX = "YAML syntax: ";

  /** What one definition may hold (the platform's YAML reader checks it). */
  private static final YamlReader.Limits YAML_LIMITS =
      new YamlReader.Limits("the definition", MAX_BYTES, null, 20, null, 20, 100_000);

  private static List<String> sorted(Set<String> s) {
    return s.stream().sorted().toList();
  }
}
