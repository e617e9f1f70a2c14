package io.tramontane.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.tramontane.retrieval.Retrieval;
import io.tramontane.retrieval.index.Caller;
import io.tramontane.retrieval.index.Hit;
import io.tramontane.retrieval.index.SearchMode;
import io.tramontane.workflows.call.CallHandler;
import java.util.List;
import java.util.Set;

/**
 * {@code call: retrieve} for workflows: hybrid search of one collection ({@code with: collection,
 * query, k} with k in 1..20, default 5) as the run's tenant and no user, so public documents only.
 */
final class RetrieveCall implements CallHandler {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Retrieval retrieval;

  RetrieveCall(Retrieval retrieval) {
    this.retrieval = retrieval;
  }

  @Override
  public String function() {
    return "retrieve";
  }

  @Override
  public JsonNode call(Call call, JsonNode with) {
    List<Hit> hits =
        CallAnswers.await(
            retrieval.search(
                with.path("collection").asText(),
                new Caller(call.tenant(), Set.of()),
                SearchMode.HYBRID,
                with.path("query").asText(),
                Math.max(1, Math.min(20, with.path("k").asInt(5)))),
            call,
            400,
            "Retrieve failed");
    ArrayNode out = JSON.createArrayNode();
    for (Hit h : hits) {
      out.addObject()
          .put("documentId", h.documentId())
          .put("title", h.title())
          .put("section", h.section())
          .put("page", h.page())
          .put("text", h.text());
    }
    return out;
  }
}
