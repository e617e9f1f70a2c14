package io.tramontane.workflows.definition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads untrusted YAML into a Jackson tree plus a {@link Locations} map (RELIABILITY B1).
 *
 * <p>SnakeYAML only composes the node graph: nothing is ever constructed from a tag, so {@code
 * !!java.lang.Runtime} cannot run code; it is refused anyway, as is every tag outside the YAML core
 * schema. Aliases are resolved here (Jackson's own YAML parser reads {@code *a} as the string "a"),
 * bounded twice: SnakeYAML refuses more than {@code max-aliases} aliases to collections, and the
 * expanded tree may not exceed {@link #MAX_VALUES} values, so a "billion laughs" document is
 * refused after a few milliseconds. Duplicate keys, merge keys ({@code <<}), complex keys and
 * nesting deeper than {@link #MAX_DEPTH} are refused with their location.
 */
final class YamlTree {

  /** Deepest nesting accepted; real workflows stay well under 30. */
  static final int MAX_DEPTH = 64;

  /** Most values (after alias expansion) in one definition. */
  static final int MAX_VALUES = 200_000;

  private static final Set<Tag> CORE =
      Set.of(Tag.MAP, Tag.SEQ, Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.TIMESTAMP);

  /** A definition the YAML layer refuses; nothing after it can be checked. */
  static final class Refused extends RuntimeException {
    final transient Problem problem;

    Refused(Problem problem) {
      super(problem.toString(), null, false, false);
      this.problem = problem;
    }
  }

  private final Locations where;
  private int values;

  private YamlTree(Locations where) {
    this.where = where;
  }

  /** The tree of {@code bytes}; its value locations are recorded in {@code where}. */
  static JsonNode read(byte[] bytes, WorkflowSettings settings, Locations where) {
    if (bytes.length > settings.maxDefinitionBytes()) {
      throw new Refused(tooLarge(where.source(), bytes.length, settings));
    }
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(settings.maxAliases());
    options.setAllowRecursiveKeys(false);
    options.setNestingDepthLimit(MAX_DEPTH);
    options.setCodePointLimit(Math.max(settings.maxDefinitionBytes(), 1));
    options.setAllowDuplicateKeys(false);
    Node node;
    try {
      node =
          new Yaml(options)
              .compose(
                  new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8));
    } catch (MarkedYAMLException e) {
      Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String what = e.getProblem() == null ? "invalid YAML" : e.getProblem().strip();
      if (e.getContext() != null) {
        what = what + " (" + e.getContext().strip() + ")";
      }
      throw new Refused(
          new Problem(
              where.source(),
              m == null ? 1 : m.getLine() + 1,
              m == null ? 1 : m.getColumn() + 1,
              "YAML syntax: " + what,
              "check indentation, quotes and the ':' after each key at this position"));
    } catch (YAMLException e) {
      throw new Refused(refusal(where.source(), e, settings));
    }
    if (node == null) {
      throw new Refused(
          new Problem(
              where.source(),
              1,
              1,
              "the definition is empty",
              "start with 'document:' (dsl, namespace, name, version) and 'do:'"));
    }
    return new YamlTree(where).convert(node, "", 0);
  }

  /** The problem of a definition of {@code size} bytes, over the limit. */
  static Problem tooLarge(String source, long size, WorkflowSettings settings) {
    return new Problem(
        source,
        1,
        1,
        "the definition is "
            + size(size)
            + ", over the limit of "
            + size(settings.maxDefinitionBytes()),
        "split it into smaller workflows, or raise tramontane.workflows.max-definition-bytes");
  }

  private static Problem refusal(String source, YAMLException e, WorkflowSettings settings) {
    String text = String.valueOf(e.getMessage());
    if (text.contains("aliases")) {
      return new Problem(
          source,
          1,
          1,
          "the definition uses more than " + settings.maxAliases() + " YAML aliases",
          "write the repeated parts out, or raise tramontane.workflows.max-aliases");
    }
    if (text.contains("Nesting Depth")) {
      return new Problem(
          source,
          1,
          1,
          "the definition is nested deeper than " + MAX_DEPTH + " levels",
          "flatten it: split deep 'do' lists into separate tasks or workflows");
    }
    if (text.contains("code points")) {
      return new Problem(
          source,
          1,
          1,
          "the definition is too large",
          "split it, or raise tramontane.workflows.max-definition-bytes");
    }
    return new Problem(source, 1, 1, "YAML: " + text, "fix the YAML at the start of the file");
  }

  private JsonNode convert(Node node, String pointer, int depth) {
    Mark start = node.getStartMark();
    where.put(pointer, start.getLine() + 1, start.getColumn() + 1);
    if (++values > MAX_VALUES) {
      throw new Refused(
          where.at(
              pointer,
              "the definition expands to more than " + MAX_VALUES + " values (YAML aliases)",
              "write the repeated parts out instead of nesting aliases"));
    }
    if (depth > MAX_DEPTH) {
      throw new Refused(
          where.at(
              pointer,
              "the definition is nested deeper than " + MAX_DEPTH + " levels",
              "flatten it, and do not make an alias refer to itself"));
    }
    Tag tag = node.getTag();
    if (!CORE.contains(tag)) {
      throw new Refused(
          where.at(
              pointer,
              "the YAML tag '" + tag.getValue() + "' is not allowed",
              "remove the tag; a workflow is plain YAML (maps, lists, strings, numbers, booleans)"));
    }
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (node instanceof MappingNode map) {
      ObjectNode out = f.objectNode();
      for (NodeTuple t : map.getValue()) {
        if (!(t.getKeyNode() instanceof ScalarNode key) || !CORE.contains(key.getTag())) {
          Mark m = t.getKeyNode().getStartMark();
          throw new Refused(
              new Problem(
                  where.source(),
                  m.getLine() + 1,
                  m.getColumn() + 1,
                  "keys must be plain strings",
                  "write the key as a string"));
        }
        String name = key.getValue();
        Mark km = key.getStartMark();
        if (key.getTag().equals(Tag.MERGE) || "<<".equals(name)) {
          throw new Refused(
              new Problem(
                  where.source(),
                  km.getLine() + 1,
                  km.getColumn() + 1,
                  "YAML merge keys ('<<') are not supported",
                  "write the keys out"));
        }
        if (out.has(name)) {
          throw new Refused(
              new Problem(
                  where.source(),
                  km.getLine() + 1,
                  km.getColumn() + 1,
                  "duplicate key '" + name + "'",
                  "remove one of the two; YAML keeps only one and the other would be ignored"));
        }
        String child = pointer + "/" + Locations.escape(name);
        where.put(child + Locations.KEY, km.getLine() + 1, km.getColumn() + 1);
        out.set(name, convert(t.getValueNode(), child, depth + 1));
      }
      return out;
    }
    if (node instanceof SequenceNode seq) {
      ArrayNode out = f.arrayNode();
      int i = 0;
      for (Node item : seq.getValue()) {
        out.add(convert(item, pointer + "/" + i++, depth + 1));
      }
      return out;
    }
    if (node instanceof ScalarNode scalar) {
      return scalar(scalar, f);
    }
    throw new Refused(where.at(pointer, "unsupported YAML node", "use plain YAML"));
  }

  private static JsonNode scalar(ScalarNode scalar, JsonNodeFactory f) {
    String v = scalar.getValue();
    Tag tag = scalar.getTag();
    if (tag.equals(Tag.NULL)) {
      return f.nullNode();
    }
    if (tag.equals(Tag.BOOL)) {
      // Only true/false: YAML 1.1's yes/no/on/off stay strings (the "Norway problem").
      String b = v.toLowerCase(Locale.ROOT);
      return "true".equals(b) || "false".equals(b)
          ? f.booleanNode("true".equals(b))
          : f.textNode(v);
    }
    if (tag.equals(Tag.INT)) {
      String digits = v.replace("_", "");
      try {
        BigInteger n = new BigInteger(digits);
        return n.bitLength() < 64 ? f.numberNode(n.longValue()) : f.numberNode(n);
      } catch (NumberFormatException e) {
        return f.textNode(v);
      }
    }
    if (tag.equals(Tag.FLOAT)) {
      try {
        return f.numberNode(Double.parseDouble(v.replace("_", "")));
      } catch (NumberFormatException e) {
        return f.textNode(v);
      }
    }
    return f.textNode(v);
  }

  private static String size(long bytes) {
    if (bytes >= 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
    if (bytes >= 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    return bytes + " bytes";
  }
}
