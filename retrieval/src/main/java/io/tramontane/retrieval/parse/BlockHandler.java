package io.tramontane.retrieval.parse;

import io.tramontane.retrieval.chunk.Block;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xml.sax.Attributes;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Turns Tika's XHTML into {@link Block}s: one per paragraph-like element (p, li, td, pre, …), with
 * the heading path (h1–h6, nested) and, for PDFs, the page ({@code <div class="page">}). Whitespace
 * is collapsed, blank lines inside an element split it, empty blocks are dropped. In Markdown mode
 * ATX headings ({@code # Title}) in the text become headings too.
 *
 * <p>Counts characters and stops at the write limit by throwing {@link WriteLimitReached} after
 * keeping the text up to it.
 */
final class BlockHandler extends DefaultHandler {

  /** Thrown when the write limit is hit; the blocks up to it are kept. */
  static final class WriteLimitReached extends SAXException {
    WriteLimitReached() {
      super("write limit reached");
    }
  }

  private static final Set<String> BLOCKS =
      Set.of(
          "p",
          "li",
          "td",
          "th",
          "pre",
          "blockquote",
          "dd",
          "dt",
          "caption",
          "div",
          "section",
          "article",
          "tr",
          "table",
          "ul",
          "ol",
          "dl",
          "body",
          "figure",
          "figcaption",
          "address",
          "header",
          "footer");
  private static final Set<String> IGNORED = Set.of("head", "script", "style", "title");
  private static final Pattern BLANK_LINE = Pattern.compile("\\n[\\s&&[^\\n]]*\\n\\s*");
  private static final Pattern SPACE = Pattern.compile("[\\s\\u00a0\\u2007\\u202f]+");
  private static final Pattern ATX = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*#*\\s*$");

  private record Frame(List<String> prefix, String[] headings) {}

  private final boolean paged;
  private final boolean markdown;
  private final int writeLimit;
  private final List<Block> blocks = new ArrayList<>();
  private final Deque<Frame> embedded = new ArrayDeque<>();
  private List<String> prefix = List.of();
  private String[] headings = new String[6];
  private final StringBuilder text = new StringBuilder();
  private final StringBuilder heading = new StringBuilder();
  private int headingLevel;
  private int ignoredDepth;
  private int page;
  private long written;
  private boolean truncated;

  BlockHandler(boolean paged, boolean markdown, int writeLimit) {
    this.paged = paged;
    this.markdown = markdown;
    this.writeLimit = writeLimit;
  }

  List<Block> blocks() {
    flush();
    return List.copyOf(blocks);
  }

  boolean truncated() {
    return truncated;
  }

  /** An attachment starts: its blocks go under the current path plus {@code name}. */
  void enterEmbedded(String name) {
    flush();
    embedded.push(new Frame(prefix, headings));
    List<String> path = new ArrayList<>(currentPath());
    if (name != null && !name.isBlank()) {
      path.add(normalise(name));
    }
    prefix = List.copyOf(path);
    headings = new String[6];
  }

  /** The attachment ends: back to the enclosing document's heading path. */
  void exitEmbedded() {
    flush();
    Frame frame = embedded.pop();
    prefix = frame.prefix();
    headings = frame.headings();
  }

  @Override
  public void startElement(String uri, String localName, String qName, Attributes atts)
      throws SAXException {
    String name = name(localName, qName);
    if (IGNORED.contains(name)) {
      ignoredDepth++;
      return;
    }
    if (name.equals("br")) {
      (headingLevel > 0 ? heading : text).append('\n');
      return;
    }
    int level = headingLevel(name);
    if (level > 0) {
      flush();
      headingLevel = level;
      heading.setLength(0);
    } else if (BLOCKS.contains(name)) {
      flush();
      if (paged && name.equals("div") && "page".equals(atts.getValue("class"))) {
        page++;
      }
    }
  }

  @Override
  public void endElement(String uri, String localName, String qName) throws SAXException {
    String name = name(localName, qName);
    if (IGNORED.contains(name)) {
      ignoredDepth = Math.max(0, ignoredDepth - 1);
      return;
    }
    int level = headingLevel(name);
    if (level > 0 && headingLevel > 0) {
      setHeading(headingLevel, normalise(heading.toString()));
      headingLevel = 0;
      heading.setLength(0);
    } else if (BLOCKS.contains(name)) {
      flush();
    }
  }

  @Override
  public void characters(char[] ch, int start, int length) throws SAXException {
    if (ignoredDepth > 0 || truncated) {
      return;
    }
    int take = length;
    boolean limit = false;
    if (written + length > writeLimit) {
      take = (int) Math.max(0, writeLimit - written);
      limit = true;
    }
    (headingLevel > 0 ? heading : text).append(ch, start, take);
    written += take;
    if (limit) {
      truncated = true;
      if (headingLevel > 0) {
        text.append(heading);
        headingLevel = 0;
      }
      flush();
      throw new WriteLimitReached();
    }
  }

  @Override
  public void ignorableWhitespace(char[] ch, int start, int length) throws SAXException {
    characters(ch, start, length);
  }

  private void setHeading(int level, String value) {
    if (value.isEmpty()) {
      return;
    }
    headings[level - 1] = value;
    Arrays.fill(headings, level, 6, null);
  }

  private List<String> currentPath() {
    List<String> path = new ArrayList<>(prefix);
    for (String h : headings) {
      if (h != null) {
        path.add(h);
      }
    }
    return path;
  }

  private void flush() {
    if (text.isEmpty()) {
      return;
    }
    String raw = text.toString().replace("\r\n", "\n").replace('\r', '\n');
    text.setLength(0);
    for (String paragraph : BLANK_LINE.split(raw)) {
      if (markdown) {
        markdownParagraph(paragraph);
      } else {
        add(paragraph);
      }
    }
  }

  private void markdownParagraph(String paragraph) {
    StringBuilder rest = new StringBuilder();
    for (String line : paragraph.split("\n")) {
      Matcher m = ATX.matcher(line.strip());
      if (m.matches()) {
        add(rest.toString());
        rest.setLength(0);
        setHeading(m.group(1).length(), normalise(m.group(2)));
      } else {
        rest.append(line).append('\n');
      }
    }
    add(rest.toString());
  }

  private void add(String raw) {
    String normalised = normalise(raw);
    if (!normalised.isEmpty()) {
      blocks.add(new Block(normalised, currentPath(), paged ? Math.max(page, 1) : 0));
    }
  }

  private static String normalise(String s) {
    return SPACE.matcher(s).replaceAll(" ").strip();
  }

  private static String name(String localName, String qName) {
    String n = localName == null || localName.isEmpty() ? qName : localName;
    int colon = n.indexOf(':');
    return (colon >= 0 ? n.substring(colon + 1) : n).toLowerCase(Locale.ROOT);
  }

  private static int headingLevel(String name) {
    if (name.length() == 2 && name.charAt(0) == 'h') {
      char d = name.charAt(1);
      if (d >= '1' && d <= '6') {
        return d - '0';
      }
    }
    return 0;
  }
}
