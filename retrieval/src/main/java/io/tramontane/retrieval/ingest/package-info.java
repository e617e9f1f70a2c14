/**
 * Ingestion and the document log: documents are parsed, chunked and embedded once, recorded as
 * events of a sharded entity, and every node's collection index is a projection of those events.
 *
 * <h2>Use</h2>
 *
 * <pre>{@code
 * SourceDocument doc = new SourceDocument(tenant, "handbook", "policies/travel.md", acl, false,
 *     uri, "travel.md", null, bytes, modified, new SourceCheckpoint("fs:hb", "42"), Map.of());
 * switch (retrieval.ingestion().ingest(doc).toCompletableFuture().join()) {
 *   case IngestResult.Indexed i -> log(i.chunks(), i.warnings());
 *   case IngestResult.Unchanged u -> {}                      // nothing parsed or embedded
 *   case IngestResult.Failed f -> listFailure(f.reason());   // recorded, never searchable
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link io.tramontane.retrieval.ingest.Ingestion} — the API for connectors and edges:
 *       validate, admit, check the content hash, parse, chunk, embed (bulk lane), record; {@code
 *       delete} records a removal.
 *   <li>{@link io.tramontane.retrieval.ingest.SourceDocument}, {@link
 *       io.tramontane.retrieval.ingest.SourceCheckpoint}, {@link
 *       io.tramontane.retrieval.ingest.IngestResult} — what goes in and what comes out.
 *   <li>{@link io.tramontane.retrieval.ingest.DocumentEntity} — one document of one collection in
 *       the log: {@code DocumentIndexed} (chunks, vectors, ACL, metadata), {@code DocumentFailed},
 *       {@code DocumentDeleted}, tagged {@code docs:<collection>}.
 *   <li>{@link io.tramontane.retrieval.ingest.CollectionProjection} — reads the tag from the offset
 *       in the index's last commit and feeds the writer in batches.
 *   <li>{@link io.tramontane.retrieval.ingest.CollectionWriter} — the one writer of a collection's
 *       index on a node (an actor on the blocking-I/O dispatcher): applies, refreshes, commits the
 *       offset and every source's checkpoint with the documents.
 *   <li>{@link io.tramontane.retrieval.ingest.IndexReconciliation} and {@link
 *       io.tramontane.retrieval.ingest.LoggedEvent} — compare the index with the log (one SQL query
 *       per run) and re-apply or remove what differs.
 * </ul>
 *
 * <h2>Invariants</h2>
 *
 * <ul>
 *   <li>Persisted, so fixed: the entity type {@code Document}, the entity id ({@code
 *       tenant/collection/<base64url SHA-256 of the source id>}), the tag, the event records and
 *       their type names, {@code SourceCheckpoint}, and the commit keys {@code tramontane.offset}
 *       and {@code checkpoint.<source>}. The reconciliation reads pekko-persistence-jdbc's {@code
 *       event_journal} and {@code event_tag} tables directly and recognises a deletion by a
 *       serializer manifest ending in {@code DocumentDeleted}.
 *   <li>The content hash covers bytes, ACL, public flag, source URI, file name and metadata: the
 *       same version twice is {@code Unchanged}; changing the hash's recipe re-indexes everything
 *       once.
 *   <li>At most {@code ingest.parallelism + ingest.max-queued} documents are accepted at once;
 *       beyond that a retriable {@code UnavailableException}. Tenant and collection names are 1-64
 *       of {@code [A-Za-z0-9._-]} starting with a letter or digit; source ids at most {@code
 *       ingest.max-id-chars} printable characters.
 *   <li>A source's checkpoint reaches the index only in the commit that holds its document, so a
 *       connector never resumes past what the index holds.
 * </ul>
 *
 * <p>{@link io.tramontane.retrieval.Retrieval} builds all of this and owns one projection per
 * collection; connectors (through their pass context), the REST ingest route and {@code tramontane
 * ingest} reach it through {@code Retrieval.ingestion()}.
 */
package io.tramontane.retrieval.ingest;
