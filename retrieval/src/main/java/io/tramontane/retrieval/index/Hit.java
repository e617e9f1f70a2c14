package io.tramontane.retrieval.index;

/**
 * One search result, ready to cite. No raw score: ranks are comparable within one answer only.
 *
 * @param rank 1 for the best hit
 */
public record Hit(
    int rank,
    String documentId,
    int ordinal,
    String sourceUri,
    String title,
    String section,
    int page,
    String text) {}
