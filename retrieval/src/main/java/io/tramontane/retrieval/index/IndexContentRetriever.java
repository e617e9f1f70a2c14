package io.tramontane.retrieval.index;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.query.Query;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * LangChain4j's {@link ContentRetriever} port over a collection, bound to one caller. The caller's
 * tenant and principals are given explicitly when the retriever is made (never taken from the
 * query), so an agent can only retrieve what the user it acts for may see.
 */
public final class IndexContentRetriever implements ContentRetriever {

  private final CollectionIndex index;
  private final EmbeddingModel embeddings;
  private final Caller caller;
  private final SearchMode mode;
  private final int maxResults;

  public IndexContentRetriever(
      CollectionIndex index,
      EmbeddingModel embeddings,
      Caller caller,
      SearchMode mode,
      int maxResults) {
    this.index = Objects.requireNonNull(index, "index");
    this.embeddings = Objects.requireNonNull(embeddings, "embeddings");
    this.caller = Objects.requireNonNull(caller, "caller");
    this.mode = Objects.requireNonNull(mode, "mode");
    if (maxResults < 1) {
      throw new IllegalArgumentException("maxResults must be at least 1");
    }
    this.maxResults = maxResults;
  }

  @Override
  public List<Content> retrieve(Query query) {
    String text = query.text();
    float[] vector = mode == SearchMode.BM25 ? null : embeddings.embed(text).content().vector();
    List<Content> out = new ArrayList<>();
    for (Hit h : index.search(caller, mode, text, vector, maxResults)) {
      Metadata m =
          new Metadata()
              .put("collection", index.collection())
              .put("document_id", h.documentId())
              .put("chunk", h.ordinal())
              .put("source_uri", h.sourceUri())
              .put("title", h.title())
              .put("section", h.section())
              .put("page", h.page())
              .put("rank", h.rank());
      out.add(Content.from(TextSegment.from(h.text(), m)));
    }
    return out;
  }
}
