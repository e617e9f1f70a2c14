package io.tramontane.retrieval.ingest;

import java.util.List;

/** What became of one ingested document. */
public sealed interface IngestResult {

  String documentId();

  /**
   * Parsed, chunked, embedded and recorded in the log; searchable once the collection's index has
   * applied it (normally within a second).
   */
  record Indexed(String documentId, int chunks, boolean truncated, List<String> warnings)
      implements IngestResult {}

  /** The same bytes and permissions were already recorded: nothing was parsed or embedded. */
  record Unchanged(String documentId) implements IngestResult {}

  /** The document could not be indexed; {@code reason} says why in words a user can act on. */
  record Failed(String documentId, String reason) implements IngestResult {}
}
