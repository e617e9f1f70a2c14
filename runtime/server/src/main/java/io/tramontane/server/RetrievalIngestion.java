package io.tramontane.server;

import io.tramontane.connectors.DocumentIngestion;
import io.tramontane.retrieval.Retrieval;
import io.tramontane.retrieval.ingest.IngestResult;
import io.tramontane.retrieval.ingest.SourceCheckpoint;
import io.tramontane.retrieval.ingest.SourceDocument;
import java.util.SortedSet;
import java.util.concurrent.CompletionStage;

/** The connectors' ingestion port, wired to this node's retrieval. */
record RetrievalIngestion(Retrieval retrieval) implements DocumentIngestion {

  @Override
  public CompletionStage<IngestResult> ingest(SourceDocument document) {
    return retrieval.ingestion().ingest(document);
  }

  @Override
  public CompletionStage<Boolean> delete(
      String tenant, String collection, String sourceId, SourceCheckpoint checkpoint) {
    return retrieval.ingestion().delete(tenant, collection, sourceId, checkpoint);
  }

  @Override
  public CompletionStage<SortedSet<String>> documentIds(
      String collection, String tenant, String prefix) {
    return retrieval.documentIds(collection, tenant, prefix);
  }

  @Override
  public long maxDocumentBytes() {
    return retrieval.maxDocumentBytes();
  }
}
