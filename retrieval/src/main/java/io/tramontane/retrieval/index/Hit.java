package io.tramontane.retrieval.index;

/**
 * One search result, ready to cite. No raw score: ranks are comparable within one answer only.
 *
 * @param rank 1 for the best hit
 * @param text the whole chunk
 * @param snippet the passage of the chunk that matches the query best, query terms marked {@code
 *     **like this**}
 */
public record Hit(
    int rank,
    String documentId,
    int ordinal,
    String sourceUri,
    String title,
    String section,
    int page,
    String text,
    String snippet) {}
