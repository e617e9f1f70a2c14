package io.tramontane.agents.tool;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import io.tramontane.retrieval.index.IndexContentRetriever;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@code retrieve}: hybrid search over the agent's collections, as the user the agent acts for —
 * the tenant and principals come from the session, never from the model, so an agent finds only
 * what its user may read. Searches through LangChain4j's {@link ContentRetriever} port ({@link
 * Retrievers}): each retriever is bound to the caller, and the query carries the same tenant and
 * principals (a retriever refuses a query for another caller). Returns numbered passages with
 * citations.
 */
public final class RetrieveTool extends DescribedTool {

  public static final String NAME = "retrieve";

  private static final String DESCRIPTION =
      "Search the organisation's documents the user may read; returns numbered passages"
          + " with their source. Cite passages as [n].";
  static final int DEFAULT_K = 4;
  static final int MAX_K = 10;

  private static final JsonObjectSchema PARAMETERS =
      JsonObjectSchema.builder()
          .addStringProperty("query", "what to look for, in the user's words")
          .addIntegerProperty("k", "how many passages (1-" + MAX_K + ", default " + DEFAULT_K + ")")
          .required("query")
          .build();

  private final Retrievers retrievers;

  public RetrieveTool(Retrievers retrievers) {
    super(NAME, DESCRIPTION, PARAMETERS, false);
    this.retrievers = retrievers;
  }

  @Override
  public ToolResult execute(ToolCall call) throws ToolException {
    String query = call.arguments().path("query").asText("").strip();
    if (query.isEmpty()) {
      throw new ToolException("'query' is empty");
    }
    int k = call.arguments().path("k").asInt(DEFAULT_K);
    k = Math.max(1, Math.min(MAX_K, k));
    if (call.collections().isEmpty()) {
      throw new ToolException("this agent has no collections to search");
    }
    List<Content> hits = new ArrayList<>();
    for (String collection : call.collections()) {
      Optional<ContentRetriever> retriever;
      try {
        retriever = retrievers.over(collection, call.tenant(), call.principals(), k);
        if (retriever.isPresent()) {
          hits.addAll(
              retriever
                  .get()
                  .retrieve(IndexContentRetriever.query(query, call.tenant(), call.principals())));
        }
      } catch (RuntimeException e) {
        throw new ToolException("search failed: " + e.getMessage(), true);
      }
    }
    hits.sort(Comparator.comparingInt(c -> c.textSegment().metadata().getInteger("rank")));
    List<Content> top = hits.subList(0, Math.min(k, hits.size()));
    if (top.isEmpty()) {
      return ToolResult.of("No passage the user may read matches this query.");
    }
    StringBuilder text = new StringBuilder();
    List<Citation> citations = new ArrayList<>();
    for (int i = 0; i < top.size(); i++) {
      String passage = top.get(i).textSegment().text();
      Metadata m = top.get(i).textSegment().metadata();
      Citation c =
          new Citation(
              m.getString("document_id"),
              m.getString("title"),
              m.getString("source_uri"),
              m.getString("section"),
              m.getInteger("page"),
              passage);
      citations.add(c);
      text.append('[').append(i + 1).append("] ").append(label(c)).append('\n');
      text.append(passage.strip()).append("\n\n");
    }
    return new ToolResult(text.toString().strip(), citations);
  }

  /** "Title — section, page n (document id)". */
  public static String label(Citation c) {
    StringBuilder s = new StringBuilder(c.title().isBlank() ? c.documentId() : c.title());
    if (!c.section().isBlank() && !c.section().equals(c.title())) {
      s.append(" — ").append(c.section());
    }
    if (c.page() > 0) {
      s.append(", page ").append(c.page());
    }
    if (!c.documentId().equals(c.title())) {
      s.append(" (").append(c.documentId()).append(')');
    }
    return s.toString();
  }
}
