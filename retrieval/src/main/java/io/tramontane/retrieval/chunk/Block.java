package io.tramontane.retrieval.chunk;

import java.util.List;

/**
 * A paragraph of a parsed document with where it sits.
 *
 * @param text the paragraph
 * @param headings the heading path above it, outermost first
 * @param page the page it starts on (0 when the format has no pages)
 */
public record Block(String text, List<String> headings, int page) {
  public Block {
    headings = List.copyOf(headings);
  }
}
