package io.tramontane.core.yaml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The platform's one reader of untrusted YAML (agent and workflow definitions): a Jackson tree and
 * the {@link YamlLocations} of its values, or a {@link YamlException} with line and column.
 *
 * <p>SnakeYAML only composes the node graph: nothing is ever constructed from a tag, so {@code
 * !!java.lang.Runtime} cannot run code; it is refused anyway, as is every tag outside the YAML core
 * schema. Aliases are resolved here, bounded twice: SnakeYAML refuses more than {@code maxAliases}
 * aliases to collections, and the expanded tree may not exceed {@code maxValues} values, so a
 * "billion laughs" document is refused after a few milliseconds; the expanded text (keys and
 * scalars, aliases to long strings included) may not exceed {@code maxBytes} characters either. The
 * size is capped before parsing; duplicate keys, merge keys ({@code <<}), complex keys and nesting
 * deeper than {@code maxDepth} are refused with their location. Booleans are only {@code
 * true}/{@code false} (YAML 1.1's yes/no/on/off stay strings).
 */
public final class YamlReader {

  private static final Set<Tag> CORE =
      Set.of(Tag.MAP, Tag.SEQ, Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL, Tag.TIMESTAMP);

  /**
   * What one document may hold.
   *
   * @param what how messages name the document ("the definition")
   * @param maxBytes largest source, checked before parsing
   * @param bytesSetting the configuration key that raises {@code maxBytes} (named in hints), or
   *     null
   * @param maxAliases most aliases to lists or maps
   * @param aliasesSetting the configuration key that raises {@code maxAliases}, or null
   * @param maxDepth deepest nesting
   * @param maxValues most values after alias expansion
   */
  public record Limits(
      String what,
      long maxBytes,
      String bytesSetting,
      int maxAliases,
      String aliasesSetting,
      int maxDepth,
      int maxValues) {}

  private final YamlLocations where;
  private final Limits limits;
  private int values;
  private long characters;

  private YamlReader(YamlLocations where, Limits limits) {
    this.where = where;
    this.limits = limits;
  }

  /**
   * The tree of {@code bytes} (null for an empty document); the value locations are recorded in
   * {@code where}.
   */
  public static JsonNode read(byte[] bytes, Limits limits, YamlLocations where) {
    if (bytes.length > limits.maxBytes()) {
      throw new YamlException(
          1,
          1,
          limits.what()
              + " is "
              + size(bytes.length)
              + ", over the limit of "
              + size(limits.maxBytes()),
          "split it" + raise(limits.bytesSetting()));
    }
    checkUtf8(bytes, limits);
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(limits.maxAliases());
    options.setAllowRecursiveKeys(false);
    options.setNestingDepthLimit(limits.maxDepth());
    options.setCodePointLimit((int) Math.max(1, Math.min(Integer.MAX_VALUE, limits.maxBytes())));
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
      throw new YamlException(
          m == null ? 1 : m.getLine() + 1,
          m == null ? 1 : m.getColumn() + 1,
          "YAML syntax: " + what,
          "check indentation, quotes and the ':' after each key at this position");
    } catch (org.yaml.snakeyaml.error.YAMLException e) {
      throw refusal(e, limits);
    }
    return node == null ? null : new YamlReader(where, limits).convert(node, "", 0);
  }

  /**
   * Refuses bytes that are not well-formed UTF-8, naming the line and column of the first bad byte:
   * a lenient decoder would store replacement characters the author never wrote.
   */
  static void checkUtf8(byte[] bytes, Limits limits) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(Math.max(16, bytes.length));
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      return;
    }
    int bad = in.position();
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < bad; i++) {
      if (bytes[i] == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    String before = new String(bytes, lineStart, bad - lineStart, StandardCharsets.UTF_8);
    int column = before.codePointCount(0, before.length()) + 1;
    throw new YamlException(
        line,
        column,
        limits.what()
            + " is not well-formed UTF-8 (byte 0x"
            + String.format("%02x", bytes[bad] & 0xff)
            + " at offset "
            + bad
            + ")",
        "save the file as UTF-8");
  }

  private static YamlException refusal(org.yaml.snakeyaml.error.YAMLException e, Limits limits) {
    String text = String.valueOf(e.getMessage());
    if (text.contains("aliases")) {
      return new YamlException(
          1,
          1,
          limits.what() + " uses more than " + limits.maxAliases() + " YAML aliases",
          "write the repeated parts out" + raise(limits.aliasesSetting()));
    }
    if (text.contains("Nesting Depth")) {
      return new YamlException(
          1,
          1,
          limits.what() + " is nested deeper than " + limits.maxDepth() + " levels",
          "flatten it");
    }
    if (text.contains("code points")) {
      return new YamlException(
          1, 1, limits.what() + " is too large", "split it" + raise(limits.bytesSetting()));
    }
    return new YamlException(1, 1, "YAML: " + text, "fix the YAML at the start of the file");
  }

  private static String raise(String setting) {
    return setting == null ? "" : ", or raise " + setting;
  }

  private YamlException at(String pointer, String message, String hint) {
    int[] p = where.find(pointer, false);
    return new YamlException(p[0], p[1], message, hint);
  }

  private static YamlException at(Mark m, String message, String hint) {
    return new YamlException(m.getLine() + 1, m.getColumn() + 1, message, hint);
  }

  private JsonNode convert(Node node, String pointer, int depth) {
    Mark start = node.getStartMark();
    where.put(pointer, start.getLine() + 1, start.getColumn() + 1);
    if (++values > limits.maxValues()) {
      throw at(
          pointer,
          limits.what() + " expands to more than " + limits.maxValues() + " values (YAML aliases)",
          "write the repeated parts out instead of nesting aliases");
    }
    if (depth > limits.maxDepth()) {
      throw at(
          pointer,
          limits.what() + " is nested deeper than " + limits.maxDepth() + " levels",
          "flatten it, and do not make an alias refer to itself");
    }
    Tag tag = node.getTag();
    if (!CORE.contains(tag)) {
      throw at(
          pointer,
          "the YAML tag '" + tag.getValue() + "' is not allowed",
          "remove the tag; plain YAML only (maps, lists, strings, numbers, booleans)");
    }
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (node instanceof MappingNode map) {
      ObjectNode out = f.objectNode();
      for (NodeTuple t : map.getValue()) {
        if (!(t.getKeyNode() instanceof ScalarNode key) || !CORE.contains(key.getTag())) {
          throw at(
              t.getKeyNode().getStartMark(),
              "keys must be plain strings",
              "write the key as a string");
        }
        String name = key.getValue();
        Mark km = key.getStartMark();
        if (key.getTag().equals(Tag.MERGE) || "<<".equals(name)) {
          throw at(km, "YAML merge keys ('<<') are not supported", "write the keys out");
        }
        if (out.has(name)) {
          throw at(
              km,
              "duplicate key '" + name + "'",
              "remove one of the two; YAML keeps only one and the other would be ignored");
        }
        String child = pointer + "/" + YamlLocations.escape(name);
        where.put(child + YamlLocations.KEY, km.getLine() + 1, km.getColumn() + 1);
        count(name, child);
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
      count(scalar.getValue(), pointer);
      return scalar(scalar, f);
    }
    throw at(pointer, "unsupported YAML node", "use plain YAML");
  }

  /** Counts expanded text: an alias to a long string counts its length every time it is used. */
  private void count(String text, String pointer) {
    characters += text.length();
    if (characters > limits.maxBytes()) {
      throw at(
          pointer,
          limits.what()
              + " expands to more than "
              + size(limits.maxBytes())
              + " of text (YAML aliases repeat what they refer to)",
          "write the repeated parts out instead of aliasing long values"
              + raise(limits.bytesSetting()));
    }
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

  /** "12 bytes", "3.4 KiB", "1.0 MiB". */
  public static String size(long bytes) {
    if (bytes >= 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
    if (bytes >= 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    return bytes + " bytes";
  }
}
