package io.tramontane.retrieval.index;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.invocation.InvocationParameters;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.query.Query;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * LangChain4j's {@link ContentRetriever} port over a collection, bound to one caller. The caller's
 * tenant and principals are given explicitly when the retriever is made (never taken from the
 * query), so an agent can only retrieve what the user it acts for may see. A query may carry its
 * caller too ({@link #query}, in its invocation parameters {@value #TENANT} and {@value
 * #PRINCIPALS}); a query for another caller than the bound one is refused.
 */
public final class IndexContentRetriever implements ContentRetriever {

  /** Invocation parameter of a {@link Query}: the tenant it is asked for. */
  public static final String TENANT = "tramontane.tenant";

  /** Invocation parameter of a {@link Query}: the principals it is asked for (a set). */
  public static final String PRINCIPALS = "tramontane.principals";

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

  /** A query for {@code text}, carrying the tenant and principals it is asked for. */
  public static Query query(String text, String tenant, Set<String> principals) {
    InvocationParameters caller = new InvocationParameters();
    caller.put(TENANT, tenant);
    caller.put(PRINCIPALS, Set.copyOf(principals));
    return Query.from(
        text,
        dev.langchain4j.rag.query.Metadata.builder()
            .chatMessage(UserMessage.from(text))
            .invocationContext(InvocationContext.builder().invocationParameters(caller).build())
            .build());
  }

  @Override
  public List<Content> retrieve(Query query) {
    checkCaller(query);
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

  /** A query that names its caller must name the bound one. */
  private void checkCaller(Query query) {
    InvocationParameters p =
        query.metadata() == null || query.metadata().invocationParameters() == null
            ? null
            : query.metadata().invocationParameters();
    if (p == null || !p.containsKey(TENANT)) {
      return;
    }
    Object principals = p.get(PRINCIPALS);
    if (!caller.tenant().equals(p.get(TENANT))
        || !(principals instanceof Set<?> set && set.equals(caller.principals()))) {
      throw new IllegalArgumentException(
          "the query is asked for another caller than the retriever is bound to");
    }
  }
}
