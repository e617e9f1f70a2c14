package io.tramontane.retrieval.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;

/**
 * Highlighted snippets: the window of a chunk with the most query terms, each marked {@code
 * **term**}. Terms are compared after the index's own analysis (so "Invoices" marks "invoice" when
 * the analyzer says they are the same term). Without a matching term (a purely semantic hit) the
 * snippet is the chunk's opening.
 */
final class Snippets {

  static final int WINDOW = 240;
  private static final int LEAD = 40;

  private final Analyzer analyzer;
  private final Set<String> terms;

  Snippets(Analyzer analyzer, String query) {
    this.analyzer = analyzer;
    this.terms = new HashSet<>();
    if (query != null && !query.isBlank()) {
      for (Span s : spans(query)) {
        terms.add(s.term());
      }
    }
  }

  private record Span(String term, int start, int end) {}

  private List<Span> spans(String text) {
    List<Span> out = new ArrayList<>();
    try (TokenStream ts = analyzer.tokenStream(CollectionIndex.TEXT, text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      OffsetAttribute offset = ts.addAttribute(OffsetAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        out.add(new Span(term.toString(), offset.startOffset(), offset.endOffset()));
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot analyse text for a snippet", e);
    }
    return out;
  }

  String of(String text) {
    if (text == null || text.isEmpty()) {
      return "";
    }
    List<Span> matches =
        terms.isEmpty()
            ? List.of()
            : spans(text).stream().filter(s -> terms.contains(s.term())).toList();
    int from = 0;
    if (!matches.isEmpty()) {
      int best = 0;
      int bestCount = 0;
      for (int i = 0; i < matches.size(); i++) {
        int start = matches.get(i).start();
        int count = 0;
        for (int j = i; j < matches.size() && matches.get(j).end() <= start + WINDOW - LEAD; j++) {
          count++;
        }
        if (count > bestCount) {
          bestCount = count;
          best = start;
        }
      }
      from = Math.max(0, best - LEAD);
    }
    int to = Math.min(text.length(), from + WINDOW);
    if (from > 0) {
      int space = text.indexOf(' ', from);
      from = space < 0 || space >= to ? from : space + 1;
    }
    if (to < text.length()) {
      int space = text.lastIndexOf(' ', to);
      to = space <= from ? to : space;
    }
    StringBuilder out = new StringBuilder();
    if (from > 0) {
      out.append('…');
    }
    int at = from;
    for (Span m : matches) {
      if (m.start() < from || m.end() > to) {
        continue;
      }
      out.append(text, at, m.start()).append("**").append(text, m.start(), m.end()).append("**");
      at = m.end();
    }
    out.append(text, at, to);
    if (to < text.length()) {
      out.append('…');
    }
    return out.toString().replaceAll("\\s+", " ").strip();
  }
}
