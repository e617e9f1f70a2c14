package io.tramontane.retrieval.parse;

import io.tramontane.retrieval.chunk.Block;
import java.time.Instant;
import java.util.List;

/** Temporary placeholder until the parsing branch merges. */
public record ParsedDocument(
    String contentType,
    String title,
    String author,
    Instant created,
    Instant modified,
    List<Block> blocks,
    boolean truncated,
    List<String> warnings) {}
