package io.tramontane.retrieval.ingest;

/** A document event as the journal holds it: its offset ({@code ordering}) and persistence id. */
public record LoggedEvent(long offset, String persistenceId, DocumentEntity.Event event) {}
