package io.tramontane.retrieval.index;

/** How a query is matched. */
public enum SearchMode {
  /** Lexical (BM25 over the chunk text and title). */
  BM25,
  /** Dense (approximate nearest neighbours over the HNSW vector graph). */
  KNN,
  /** Both, fused by reciprocal rank. */
  HYBRID
}
