package io.tramontane.connectors;

import io.tramontane.retrieval.ingest.IngestResult;
import io.tramontane.retrieval.ingest.SourceCheckpoint;
import io.tramontane.retrieval.ingest.SourceDocument;
import java.util.SortedSet;
import java.util.concurrent.CompletionStage;

/**
 * The connectors' ingestion port: all a connector does to the index. The node wires retrieval
 * behind it; a connector never sees the retrieval facade (search, collections, reindexing), only
 * this and the documents' value types ({@link SourceDocument}, {@link IngestResult}, {@link
 * SourceCheckpoint}).
 */
public interface DocumentIngestion {

  /**
   * Indexes a document, or finds it unchanged; the document's checkpoint is recorded with it. Fails
   * with {@link io.tramontane.core.UnavailableException} when ingestion is at capacity
   * (back-pressure: offer it again after its Retry-After) and with {@link
   * io.tramontane.core.InvalidRequestException} for a document that can never be ingested.
   */
  CompletionStage<IngestResult> ingest(SourceDocument document);

  /** Removes a document, recording {@code checkpoint}; true when it was indexed. */
  CompletionStage<Boolean> delete(
      String tenant, String collection, String sourceId, SourceCheckpoint checkpoint);

  /**
   * The source ids of {@code tenant}'s documents in {@code collection} starting with {@code
   * prefix}, once this node's index has caught up with the shared log.
   */
  CompletionStage<SortedSet<String>> documentIds(String collection, String tenant, String prefix);

  /** The largest document (bytes) ingestion accepts. */
  long maxDocumentBytes();
}
