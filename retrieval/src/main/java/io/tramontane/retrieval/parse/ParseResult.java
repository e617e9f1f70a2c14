package io.tramontane.retrieval.parse;

/** The outcome of parsing one document: its content, or why there is none. */
public sealed interface ParseResult {

  /** The document was read (perhaps truncated: see {@link ParsedDocument#truncated()}). */
  record Parsed(ParsedDocument document) implements ParseResult {}

  /**
   * The document could not be read.
   *
   * @param reason one sentence a user understands: what is wrong and, for limits, which key to
   *     raise
   */
  record Failed(String reason) implements ParseResult {}
}
