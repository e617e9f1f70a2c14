package io.tramontane.retrieval.index;

/**
 * Where in the document log the version of a document held by the index comes from: the entity's
 * persistence id and the journal offset ({@code ordering}) of the event applied. The index records
 * it with every document so a reconciliation can compare the index with the log.
 */
public record LogPosition(String persistenceId, long offset) {

  public LogPosition {
    if (persistenceId == null || persistenceId.isEmpty()) {
      throw new IllegalArgumentException("a log position needs a persistence id");
    }
  }
}
