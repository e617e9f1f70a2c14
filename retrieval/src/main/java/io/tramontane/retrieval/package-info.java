/**
 * Retrieval on one node: enterprise documents in, permission-checked citations out. This package is
 * the module's facade; {@code parse}, {@code chunk}, {@code ingest} and {@code index} are the
 * stages behind it (see the module README for how a document flows).
 *
 * <h2>Use</h2>
 *
 * <pre>{@code
 * Retrieval retrieval = Retrieval.start(node, inference, config);  // resumes every index on disk
 * retrieval.ingestion().ingest(SourceDocument.of(tenant, "handbook", "travel.md", acl, false,
 *     "travel.md", bytes));                                       // Indexed | Unchanged | Failed
 * List<Hit> hits = retrieval.search("handbook", new Caller(tenant, principals),
 *     SearchMode.HYBRID, "When is the invoice due?", 5).toCompletableFuture().join();
 * }</pre>
 *
 * <ul>
 *   <li>{@link io.tramontane.retrieval.Retrieval} — the entry point: ingestion, search, stats,
 *       {@code awaitIndexed}, {@code reindex}, {@code checkpoint}, {@code documentIds} and a
 *       LangChain4j content retriever; one index projection per collection, opened on first use and
 *       at start for every index directory on disk.
 *   <li>{@link io.tramontane.retrieval.RetrievalSettings} — {@code tramontane.retrieval.*}, read
 *       once; a bad value stops start-up naming the full key.
 *   <li>{@link io.tramontane.retrieval.UnknownCollectionException} — search, stats or a content
 *       retriever asked for a collection neither this node's index nor the log knows; not
 *       retriable.
 * </ul>
 *
 * <h2>Invariants</h2>
 *
 * <ul>
 *   <li>The durable document log is the truth; every collection's Lucene index is a projection of
 *       it, so {@code reindex} (and a damaged index) rebuilds it without parsing or embedding. A
 *       collection first written through another node is found in the log and indexed here.
 *   <li>The tenant comes from the caller's credentials ({@link
 *       io.tramontane.retrieval.index.Caller}); the permission filter is inside every query.
 *   <li>Thread-safe. {@code search}, {@code stats}, {@code documentIds} and {@code ingest} report
 *       bad input (a bad name, an empty query, {@code k} over {@code search.max-k}) as a failed
 *       stage; {@code reindex} and {@code awaitIndexed} throw it. Searches, stats and id lists run
 *       on the blocking-I/O dispatcher; {@code exists} (a journal query, up to 10 s) and {@code
 *       checkpoint} (reads the last commit) block the caller.
 *   <li>{@code tramontane.retrieval.embedding-model} must name a model of the inference runtime
 *       (checked at start); changing it needs a re-ingest, since the log holds the vectors.
 * </ul>
 *
 * <p>Callers: the server ({@code TramontaneServer}, the REST routes, the CLI), the agents' {@code
 * retrieve} tool, workflows and connectors (through {@code ConnectorResources}).
 */
package io.tramontane.retrieval;
