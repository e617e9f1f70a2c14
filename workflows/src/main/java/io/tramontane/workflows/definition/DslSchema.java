package io.tramontane.workflows.definition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Serverless Workflow DSL 1.0 JSON schema, as shipped in the SDK jar ({@code
 * schema/workflow.yaml}), checked with networknt's draft 2020-12 validator.
 *
 * <p>The schema picks a task's kind with a {@code oneOf} over twelve task schemas (and six call
 * schemas), so a single typo in a task fails every branch and a plain validator reports all of
 * them. Here the whole document is validated for everything outside tasks, and each task on its own
 * against the one branch its kind selects ({@code #/$defs/setTask}, {@code
 * #/$defs/callTask/oneOf/2}, …); each error belongs to the innermost task containing it. What is
 * left is reduced to one problem per location and placed at the YAML position of the value.
 */
final class DslSchema {

  private static final String RESOURCE = "schema/workflow.yaml";
  private static final JsonNode DSL = read();
  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  private static final Schema WHOLE = REGISTRY.getSchema(DSL);
  private static final Map<String, Schema> BRANCHES = new ConcurrentHashMap<>();

  private DslSchema() {}

  private static JsonNode read() {
    try (InputStream in = DslSchema.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            RESOURCE + " is missing: serverlessworkflow-types is not on the classpath");
      }
      return new ObjectMapper(new YAMLFactory()).readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The DSL's version of the schema, e.g. {@code 1.0.1}. */
  static String version() {
    String id = DSL.path("$id").asText();
    String[] parts = id.split("/");
    return parts.length >= 2 ? parts[parts.length - 2] : id;
  }

  /** {@code #/$defs/callTask/oneOf/N} of the call schema whose {@code call} is {@code function}. */
  static String callBranch(String function) {
    JsonNode branches = DSL.path("$defs").path("callTask").path("oneOf");
    int custom = -1;
    for (int i = 0; i < branches.size(); i++) {
      JsonNode call = branches.get(i).path("allOf").path(1).path("properties").path("call");
      if (function.equals(call.path("const").asText(null))) {
        return "#/$defs/callTask/oneOf/" + i;
      }
      if (call.has("not")) {
        custom = i;
      }
    }
    return custom < 0 ? "#/$defs/task" : "#/$defs/callTask/oneOf/" + custom;
  }

  private static Schema branch(String ref) {
    return BRANCHES.computeIfAbsent(
        ref,
        r -> {
          ObjectNode root =
              ((ObjectNode) DSL.deepCopy()).without(List.of("properties", "required", "type"));
          // One $id per branch, derived from the branch: the registry caches schemas by $id.
          root.put(
              "$id",
              "https://tramontane.local/schemas/workflow-branch/" + r.replace("#/$defs/", ""));
          root.put("$ref", r);
          root.remove("unevaluatedProperties");
          return REGISTRY.getSchema(root);
        });
  }

  private record Found(String pointer, String target, Error error) {}

  /**
   * Problems with {@code root}. {@code tasks} maps each task's pointer to the schema branch its
   * kind selects; errors at or below a pointer in {@code claimed} are skipped when the claim is
   * inside the error's own task (the profile reported it more precisely).
   */
  static List<Problem> check(
      JsonNode root, Locations where, Map<String, String> tasks, Collection<String> claimed) {
    List<Found> found = new ArrayList<>();
    for (Error e : WHOLE.validate(root)) {
      add(found, "", e, tasks, null);
    }
    tasks.forEach(
        (pointer, ref) -> {
          for (Error e : branch(ref).validate(root.at(pointer))) {
            add(found, pointer, e, tasks, pointer);
          }
        });
    Map<String, Found> best = new LinkedHashMap<>();
    for (Found f : found) {
      if (claimedFor(f.target(), tasks, claimed)
          || hasMoreSpecific(f.target(), found)
          || unevaluatedBecauseOfAnother(f, found)) {
        continue;
      }
      best.merge(f.target(), f, (a, b) -> rank(b.error()) < rank(a.error()) ? b : a);
    }
    List<Problem> out = new ArrayList<>();
    for (Found f : best.values()) {
      Error e = f.error();
      if (f.target().equals(f.pointer())) {
        out.add(where.at(f.target(), sentence(e, f.pointer()), hint(e.getKeyword())));
      } else {
        out.add(
            where.atKey(
                f.target(),
                "unknown key '" + e.getProperty() + "'" + in(f.pointer()),
                "remove it or check its spelling against the Serverless Workflow DSL 1.0"));
      }
    }
    return out;
  }

  /** Adds {@code e} when its innermost task is {@code owner} (null: outside every task). */
  private static void add(
      List<Found> found, String base, Error e, Map<String, String> tasks, String owner) {
    String pointer = base + pointer(e.getInstanceLocation());
    String target = pointer;
    if (isUnknownKey(e)) {
      target = pointer + "/" + Locations.escape(e.getProperty());
    }
    String inner = innermost(target, tasks.keySet());
    if (owner == null ? inner == null : owner.equals(inner)) {
      found.add(new Found(pointer, target, e));
    }
  }

  private static boolean isUnknownKey(Error e) {
    return e.getProperty() != null
        && ("unevaluatedProperties".equals(e.getKeyword())
            || "additionalProperties".equals(e.getKeyword()));
  }

  private static String innermost(String pointer, Collection<String> tasks) {
    String best = null;
    for (String t : tasks) {
      if ((pointer.equals(t) || pointer.startsWith(t + "/"))
          && (best == null || t.length() > best.length())) {
        best = t;
      }
    }
    return best;
  }

  private static boolean claimedFor(
      String target, Map<String, String> tasks, Collection<String> claimed) {
    String task = innermost(target, tasks.keySet());
    for (String c : claimed) {
      boolean covers = target.equals(c) || target.startsWith(c + "/");
      boolean sameTask = task == null || c.equals(task) || c.startsWith(task + "/");
      if (covers && sameTask) {
        return true;
      }
    }
    return false;
  }

  /**
   * In draft 2020-12 a key whose subschema failed counts as unevaluated, so {@code
   * unevaluatedProperties} also names keys that are right but hold a wrong value: such an error is
   * dropped when another error inside the same object explains it.
   */
  private static boolean unevaluatedBecauseOfAnother(Found f, List<Found> found) {
    if (!"unevaluatedProperties".equals(f.error().getKeyword())) {
      return false;
    }
    for (Found other : found) {
      boolean inside = other.pointer().startsWith(f.pointer() + "/");
      boolean sameObject = other.pointer().equals(f.pointer()) && !isUnknownKey(other.error());
      if (other != f && (inside || sameObject) && !other.target().equals(f.target())) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasMoreSpecific(String target, List<Found> found) {
    for (Found other : found) {
      if (other.target().startsWith(target + "/")) {
        return true;
      }
    }
    return false;
  }

  /** Most useful first: a summary of a failed choice, a missing key, a wrong type. */
  private static int rank(Error e) {
    return switch (String.valueOf(e.getKeyword())) {
      case "oneOf", "anyOf" -> 0;
      case "required" -> 1;
      case "type" -> 2;
      default -> 3;
    };
  }

  private static String sentence(Error e, String pointer) {
    String keyword = String.valueOf(e.getKeyword());
    return switch (keyword) {
      case "required" -> "'" + e.getProperty() + "' is required" + in(pointer);
      case "oneOf", "anyOf" ->
          "'" + label(pointer) + "' does not match any form the DSL allows here";
      default -> "'" + label(pointer) + "': " + e.getMessage().replaceFirst("^\\S+: ", "");
    };
  }

  private static String hint(String keyword) {
    return switch (String.valueOf(keyword)) {
      case "required" -> "add it";
      case "type" -> "change the value's type";
      case "pattern" -> "change the value to match the required format";
      default -> "see the Serverless Workflow DSL " + version() + " reference for this element";
    };
  }

  private static String in(String pointer) {
    return pointer.isEmpty() ? "" : " in '" + label(pointer) + "'";
  }

  private static String label(String pointer) {
    return pointer.isEmpty() ? "(document)" : pointer.substring(1).replace('/', '.');
  }

  static String pointer(NodePath location) {
    if (location == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < location.getNameCount(); i++) {
      Object element = location.getElement(i);
      out.append('/')
          .append(element instanceof Integer ? element.toString() : Locations.escape("" + element));
    }
    return out.toString();
  }
}
