/**
 * One Lucene index per collection: BM25 over chunk text and title, HNSW vectors for kNN, hybrid by
 * reciprocal rank fusion, and the tenant and ACL filter inside every query.
 *
 * <h2>Use</h2>
 *
 * <pre>{@code
 * try (CollectionIndex index = CollectionIndex.openReadOnly("handbook", dir)) {  // last commit
 *   for (Hit h : index.search(new Caller("acme", Set.of("u:ann", "g:finance")),
 *       SearchMode.BM25, "travel expenses", null, 5)) {
 *     print(h.rank(), h.title(), h.section(), h.page(), h.snippet());  // **term** marked
 *   }
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link io.tramontane.retrieval.index.CollectionIndex} — the index: atomic per-document
 *       upsert, delete, failure records, commits with user data, counts and document ids per
 *       tenant, and search. {@link io.tramontane.retrieval.index.CollectionIndex#open} sets a
 *       damaged index aside and starts an empty one (the log refills it).
 *   <li>{@link io.tramontane.retrieval.index.Caller} — who searches: tenant and principals.
 *   <li>{@link io.tramontane.retrieval.index.Chunk} — one chunk as indexed, with its ACL.
 *   <li>{@link io.tramontane.retrieval.index.Hit} — one result ready to cite; ranks, no scores.
 *   <li>{@link io.tramontane.retrieval.index.SearchMode} — BM25, KNN or HYBRID.
 *   <li>{@link io.tramontane.retrieval.index.LogPosition} — the log event a document's version
 *       comes from, recorded for reconciliation.
 *   <li>{@link io.tramontane.retrieval.index.IndexContentRetriever} — LangChain4j's {@code
 *       ContentRetriever}, bound to one caller when made.
 * </ul>
 *
 * <h2>Invariants</h2>
 *
 * <ul>
 *   <li>A chunk matches only if its tenant is the caller's and it is public to the tenant or lists
 *       one of the caller's principals: a {@code FILTER} clause for BM25, the filter of the kNN
 *       query (applied while walking the graph, never after). Failure records never match.
 *   <li>Writes are serialised by the index's monitor, and only one process may open a directory for
 *       writing (Lucene's lock); in the server every write comes from the collection's {@code
 *       CollectionWriter}. Searches use near-real-time searchers and see the last {@code refresh}.
 *   <li>The field names, the document key ({@code tenant + '\0' + documentId}), the {@code p:}
 *       prefix of principals and the {@code public} ACL term are what existing indexes on disk
 *       hold: change them only with a {@code reindex} of every collection.
 *   <li>Limits: kNN asks the graph for at least 64 candidates; hybrid fuses the top {@code max(4k,
 *       40)} of each list; a snippet is a 240-character window.
 * </ul>
 */
package io.tramontane.retrieval.index;
