package io.tramontane.connectors.email;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTML mail bodies as plain text for the {@code mail.received} event (the index parses the raw
 * message with Tika): scripts and styles dropped, block ends as line breaks, tags removed, entities
 * decoded. Deliberately small; not a renderer.
 */
final class HtmlText {

  private static final Pattern HIDDEN =
      Pattern.compile("(?is)<(script|style|head)\\b.*?</\\1\\s*>|<!--.*?-->");
  private static final Pattern BREAK =
      Pattern.compile("(?i)<br\\s*/?>|</(p|div|li|tr|h[1-6]|blockquote|table)\\s*>");
  private static final Pattern TAG = Pattern.compile("(?s)<[^>]*>");
  private static final Pattern ENTITY =
      Pattern.compile("&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,8});");
  private static final Pattern SPACES = Pattern.compile("[ \\t\\x0B\\f\\u00A0]+");
  private static final Pattern BLANK_LINES = Pattern.compile("\\n\\s*\\n(\\s*\\n)+");

  private HtmlText() {}

  static String toText(String html) {
    if (html.isEmpty()) {
      return "";
    }
    String s = HIDDEN.matcher(html).replaceAll(" ");
    s = BREAK.matcher(s).replaceAll("\n");
    s = TAG.matcher(s).replaceAll("");
    s = entities(s);
    s = SPACES.matcher(s).replaceAll(" ");
    s = s.replace("\r", "").replaceAll(" *\\n *", "\n");
    s = BLANK_LINES.matcher(s).replaceAll("\n\n");
    return s.strip();
  }

  private static String entities(String s) {
    Matcher m = ENTITY.matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String e = m.group(1);
      String r =
          switch (e) {
            case "amp" -> "&";
            case "lt" -> "<";
            case "gt" -> ">";
            case "quot" -> "\"";
            case "apos" -> "'";
            case "nbsp" -> " ";
            default -> numeric(e, m.group());
          };
      m.appendReplacement(out, Matcher.quoteReplacement(r));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String numeric(String e, String whole) {
    try {
      int cp =
          e.startsWith("#x") || e.startsWith("#X")
              ? Integer.parseInt(e.substring(2), 16)
              : e.startsWith("#") ? Integer.parseInt(e.substring(1)) : -1;
      return Character.isValidCodePoint(cp) ? new String(Character.toChars(cp)) : whole;
    } catch (NumberFormatException ex) {
      return whole;
    }
  }
}
