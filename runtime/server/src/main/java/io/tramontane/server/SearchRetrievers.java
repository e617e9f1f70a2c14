package io.tramontane.server;

import io.tramontane.agents.tool.Retrievers;
import io.tramontane.retrieval.Retrieval;
import io.tramontane.retrieval.index.Caller;
import io.tramontane.retrieval.index.SearchMode;
import java.util.Optional;

/** The agents' {@code retrieve} port wired to this node's retrieval: hybrid search, per caller. */
public final class SearchRetrievers {

  private SearchRetrievers() {}

  public static Retrievers of(Retrieval retrieval) {
    return (collection, tenant, principals, k) ->
        retrieval.exists(collection)
            ? Optional.of(
                retrieval.contentRetriever(
                    collection, new Caller(tenant, principals), SearchMode.HYBRID, k))
            : Optional.empty();
  }
}
