package io.tramontane.workflows.definition;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A URI template as the DSL uses it in {@code call: http} endpoints (dsl-reference.md "URI
 * Template"): RFC 6570 simple string expansion only ({@code {petId}}, {@code {a,b}}, {@code
 * {name:3}}, {@code {name*}}), each variable a top-level property of the task input named verbatim
 * ({@code {pet.id}} is the property "pet.id", not {@code .pet.id}).
 *
 * <p>A string, number or boolean expands to its text with every character outside RFC 3986's
 * unreserved set percent-encoded as UTF-8 ({@code a b/c} → {@code a%20b%2Fc}); a missing or null
 * variable expands to nothing; an object or an array is an error. Literal text is kept, except
 * characters a URI cannot hold, which are percent-encoded. Operators ({@code {+x}}, {@code {?x}},
 * {@code {/x}} …) are not part of what the DSL supports and are refused by {@link #parse}.
 */
public final class UriTemplate {

  /** A template that cannot be parsed, or a variable that cannot be expanded. */
  public static final class TemplateException extends RuntimeException {
    TemplateException(String message) {
      super(message);
    }
  }

  private record Variable(String name, int prefix) {}

  /** Literal text (already URI-safe) or an expression: one of the two is null. */
  private record Part(String literal, List<Variable> expression) {}

  private static final Pattern NAME =
      Pattern.compile("(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2})+(?:\\.(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2})+)*");
  private static final Pattern PREFIX = Pattern.compile("[1-9][0-9]{0,3}");
  private static final String OPERATORS = "+#./;?&=,!@|";
  private static final String RESERVED = ":/?#[]@!$&'()*+,;=";
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private final List<Part> parts;

  private UriTemplate(List<Part> parts) {
    this.parts = parts;
  }

  /** Parses {@code text}; a malformed or unsupported expression is a {@link TemplateException}. */
  public static UriTemplate parse(String text) {
    List<Part> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '}') {
        throw new TemplateException("'}' at position " + (i + 1) + " closes no '{'");
      }
      if (c != '{') {
        int end = i + Character.charCount(text.codePointAt(i));
        literal(text.substring(i, end), text, i, literal);
        i = end;
        continue;
      }
      int close = text.indexOf('}', i);
      int nested = text.indexOf('{', i + 1);
      if (close < 0 || (nested >= 0 && nested < close)) {
        throw new TemplateException("'{' at position " + (i + 1) + " is not closed");
      }
      if (!literal.isEmpty()) {
        parts.add(new Part(literal.toString(), null));
        literal.setLength(0);
      }
      parts.add(new Part(null, expression(text.substring(i + 1, close))));
      i = close + 1;
    }
    if (!literal.isEmpty()) {
      parts.add(new Part(literal.toString(), null));
    }
    return new UriTemplate(List.copyOf(parts));
  }

  private static List<Variable> expression(String body) {
    if (body.isEmpty()) {
      throw new TemplateException("'{}' names no variable");
    }
    if (OPERATORS.indexOf(body.charAt(0)) >= 0) {
      throw new TemplateException(
          "'{"
              + body
              + "}' uses the RFC 6570 operator '"
              + body.charAt(0)
              + "'; the DSL supports only simple expansion {name}");
    }
    List<Variable> variables = new ArrayList<>();
    for (String spec : body.split(",", -1)) {
      String name = spec;
      int prefix = -1;
      if (spec.endsWith("*")) {
        name = spec.substring(0, spec.length() - 1);
      } else if (spec.contains(":")) {
        name = spec.substring(0, spec.indexOf(':'));
        String length = spec.substring(spec.indexOf(':') + 1);
        if (!PREFIX.matcher(length).matches()) {
          throw new TemplateException(
              "'{" + body + "}': the prefix length '" + length + "' is not a number 1-9999");
        }
        prefix = Integer.parseInt(length);
      }
      if (!NAME.matcher(name).matches()) {
        throw new TemplateException(
            "'{"
                + body
                + "}': '"
                + name
                + "' is not a variable name (letters, digits, _ and inner dots)");
      }
      variables.add(new Variable(name, prefix));
    }
    return List.copyOf(variables);
  }

  /** Appends one literal character (as a string of one code point), URI-safe. */
  private static void literal(String ch, String text, int at, StringBuilder out) {
    char c = ch.charAt(0);
    boolean pct =
        c == '%'
            && at + 2 < text.length()
            && isHex(text.charAt(at + 1))
            && isHex(text.charAt(at + 2));
    if (pct || (ch.length() == 1 && (unreserved(c) || RESERVED.indexOf(c) >= 0))) {
      out.append(c);
    } else {
      encode(ch, out);
    }
  }

  /** The URI this template stands for with the variables of {@code input} (an object). */
  public String expand(JsonNode input) {
    StringBuilder out = new StringBuilder();
    for (Part part : parts) {
      if (part.literal() != null) {
        out.append(part.literal());
        continue;
      }
      List<String> values = new ArrayList<>();
      for (Variable v : part.expression()) {
        String value = value(v, input == null ? null : input.get(v.name()));
        if (value != null) {
          StringBuilder encoded = new StringBuilder();
          encode(value, encoded);
          values.add(encoded.toString());
        }
      }
      out.append(String.join(",", values));
    }
    return out.toString();
  }

  /**
   * The template with every expression replaced by {@code x}: what validate checks as an absolute
   * URI (so {@code https://{host}/pets} passes, {@code {scheme}://…} does not).
   */
  public String sample() {
    StringBuilder out = new StringBuilder();
    parts.forEach(p -> out.append(p.literal() != null ? p.literal() : "x"));
    return out.toString();
  }

  private static String value(Variable v, JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (!node.isValueNode() || node.isBinary() || node.isPojo()) {
      throw new TemplateException(
          "variable '"
              + v.name()
              + "' is "
              + (node.isArray() ? "an array" : "an object")
              + "; only a string, number, boolean or null can be put in a URI");
    }
    String text = node.asText();
    if (v.prefix() > 0 && text.codePointCount(0, text.length()) > v.prefix()) {
      text = text.substring(0, text.offsetByCodePoints(0, v.prefix()));
    }
    return text;
  }

  private static void encode(String text, StringBuilder out) {
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (unreserved(c)) {
        out.append(c);
      } else {
        out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
      }
    }
  }

  private static boolean unreserved(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
