package io.tramontane.agents.tool;

import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import io.tramontane.retrieval.Retrieval;
import io.tramontane.retrieval.UnknownCollectionException;
import io.tramontane.retrieval.index.Caller;
import io.tramontane.retrieval.index.Hit;
import io.tramontane.retrieval.index.SearchMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * {@code retrieve}: hybrid search over the agent's collections, as the user the agent acts for —
 * the tenant and principals come from the session, never from the model, so an agent finds only
 * what its user may read. Returns numbered passages with citations.
 */
public final class RetrieveTool implements Tool {

  public static final String NAME = "retrieve";
  static final int DEFAULT_K = 4;
  static final int MAX_K = 10;

  private final Retrieval retrieval;

  public RetrieveTool(Retrieval retrieval) {
    this.retrieval = retrieval;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Search the organisation's documents the user may read; returns numbered passages"
        + " with their source. Cite passages as [n].";
  }

  @Override
  public JsonObjectSchema parameters() {
    return JsonObjectSchema.builder()
        .addStringProperty("query", "what to look for, in the user's words")
        .addIntegerProperty("k", "how many passages (1-" + MAX_K + ", default " + DEFAULT_K + ")")
        .required("query")
        .build();
  }

  @Override
  public boolean sideEffecting() {
    return false;
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
    Caller caller = new Caller(call.tenant(), call.principals());
    List<Hit> hits = new ArrayList<>();
    for (String collection : call.collections()) {
      try {
        hits.addAll(
            retrieval
                .search(collection, caller, SearchMode.HYBRID, query, k)
                .toCompletableFuture()
                .join());
      } catch (CompletionException e) {
        if (!(e.getCause() instanceof UnknownCollectionException)) {
          throw new ToolException("search failed: " + e.getCause().getMessage(), true);
        }
      }
    }
    hits.sort(Comparator.comparingInt(Hit::rank));
    List<Hit> top = hits.subList(0, Math.min(k, hits.size()));
    if (top.isEmpty()) {
      return ToolResult.of("No passage the user may read matches this query.");
    }
    StringBuilder text = new StringBuilder();
    List<Citation> citations = new ArrayList<>();
    for (int i = 0; i < top.size(); i++) {
      Hit h = top.get(i);
      Citation c =
          new Citation(h.documentId(), h.title(), h.sourceUri(), h.section(), h.page(), h.text());
      citations.add(c);
      text.append('[').append(i + 1).append("] ").append(label(c)).append('\n');
      text.append(h.text().strip()).append("\n\n");
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
