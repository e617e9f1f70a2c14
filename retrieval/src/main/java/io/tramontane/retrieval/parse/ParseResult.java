package io.tramontane.retrieval.parse;

/** Temporary placeholder until the parsing branch merges. */
public sealed interface ParseResult {
  /** Parsed. */
  record Parsed(ParsedDocument document) implements ParseResult {}

  /** Failed. */
  record Failed(String reason) implements ParseResult {}
}
