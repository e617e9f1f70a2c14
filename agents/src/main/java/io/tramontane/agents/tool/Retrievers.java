package io.tramontane.agents.tool;

import dev.langchain4j.rag.content.retriever.ContentRetriever;
import java.util.Optional;
import java.util.Set;

/**
 * Where {@code retrieve} searches: LangChain4j's {@link ContentRetriever} port over one collection,
 * bound to the user the agent acts for. The node wires retrieval behind it (the retrieval module's
 * {@code IndexContentRetriever}); agents never see the retrieval facade.
 */
@FunctionalInterface
public interface Retrievers {

  /**
   * A retriever over {@code collection} that returns at most {@code maxResults} passages {@code
   * principals} of {@code tenant} may read; empty when the collection does not exist.
   */
  Optional<ContentRetriever> over(
      String collection, String tenant, Set<String> principals, int maxResults);
}
