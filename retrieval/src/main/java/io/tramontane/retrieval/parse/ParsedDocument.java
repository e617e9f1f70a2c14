package io.tramontane.retrieval.parse;

import io.tramontane.retrieval.chunk.Block;
import java.time.Instant;
import java.util.List;

/**
 * What a document contained, as paragraphs with their heading path and page.
 *
 * @param contentType the detected media type without parameters, e.g. {@code application/pdf}
 * @param title the document's title (dc:title), or null when it has none
 * @param author its author (dc:creator, several joined with ", "), or null
 * @param created when it was created (dcterms:created), or null
 * @param modified when it was last modified (dcterms:modified), or null
 * @param blocks its paragraphs in reading order; attachments follow under a heading naming them
 * @param truncated true when extraction stopped at the write limit: {@code blocks} holds the text
 *     read up to it
 * @param warnings what was skipped or cut, in words a user understands (never stack traces)
 */
public record ParsedDocument(
    String contentType,
    String title,
    String author,
    Instant created,
    Instant modified,
    List<Block> blocks,
    boolean truncated,
    List<String> warnings) {
  public ParsedDocument {
    blocks = List.copyOf(blocks);
    warnings = List.copyOf(warnings);
  }
}
