package io.tramontane.server.http;

import io.tramontane.core.InvalidRequestException;
import io.tramontane.core.error.ErrorKind;
import io.tramontane.retrieval.Retrieval;
import io.tramontane.retrieval.index.Caller;
import io.tramontane.retrieval.index.SearchMode;
import io.tramontane.retrieval.ingest.IngestResult;
import io.tramontane.retrieval.ingest.SourceDocument;
import io.tramontane.server.http.body.RetrievalBodies.CollectionList;
import io.tramontane.server.http.body.RetrievalBodies.CollectionStats;
import io.tramontane.server.http.body.RetrievalBodies.DocumentDeleted;
import io.tramontane.server.http.body.RetrievalBodies.DocumentIngested;
import io.tramontane.server.http.body.RetrievalBodies.SearchHit;
import io.tramontane.server.http.body.RetrievalBodies.SearchRequest;
import io.tramontane.server.http.body.RetrievalBodies.SearchResults;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.Query;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The retrieval API: upload and delete documents, search, collection statistics. The tenant is
 * always the API key's; a request body cannot name another. Search callers pass the principals
 * (user, groups) they act for, and see only what those may see.
 */
final class RetrievalRoutes extends AllDirectives {

  static final String SCOPE_WRITE = "documents:write";
  static final String SCOPE_READ = "documents:read";
  static final String SCOPE_SEARCH = "search";

  private static final int MAX_SEARCH_BODY = 64 * 1024;

  private final Retrieval retrieval;
  private final RequestBodies bodies;

  /** {@code bodies}: the server's body reading, which each route holds to its own limit. */
  RetrievalRoutes(Retrieval retrieval, RequestBodies bodies) {
    this.retrieval = retrieval;
    this.bodies = bodies;
  }

  void register(RouteTable table) {
    table
        .key(
            "GET",
            "/collections",
            SCOPE_READ,
            (caller, vars) ->
                complete(
                    Json.response(
                        StatusCodes.OK,
                        new CollectionList(retrieval.collections(caller.tenant())))))
        .key("PUT", "/collections/{collection}/documents", SCOPE_WRITE, this::upload)
        .key("DELETE", "/collections/{collection}/documents", SCOPE_WRITE, this::delete)
        .key("POST", "/collections/{collection}/search", SCOPE_SEARCH, this::search)
        .key("GET", "/collections/{collection}/stats", SCOPE_READ, this::stats);
  }

  private static String requiredParam(Query query, String name, String example) {
    return query
        .get(name)
        .filter(v -> !v.isBlank())
        .orElseThrow(
            () ->
                new InvalidRequestException(
                    "the query parameter '" + name + "' is missing, e.g. ?" + example));
  }

  private Route upload(Principal caller, Map<String, String> vars) {
    return bodies
        .upTo(retrieval.maxDocumentBytes())
        .answer(
            (request, bytes) ->
                retrieval
                    .ingestion()
                    .ingest(document(caller, vars, request, bytes))
                    .thenApply(RetrievalRoutes::ingested));
  }

  /** Builds the document from the request, validating its parameters. */
  private static SourceDocument document(
      Principal caller, Map<String, String> vars, HttpRequest request, byte[] body) {
    Query q = request.getUri().query();
    String id = requiredParam(q, "id", "id=handbook.pdf&acl=alice&acl=group:hr");
    Set<String> acl = new LinkedHashSet<>();
    for (String v : q.getAll("acl")) {
      for (String p : v.split(",")) {
        if (!p.isBlank()) {
          acl.add(p.strip());
        }
      }
    }
    boolean open = q.get("public").map(v -> parseBoolean("public", v)).orElse(false);
    if (acl.isEmpty() && !open) {
      throw new InvalidRequestException(
          "say who may see the document: acl=<principal> (repeatable) and/or public=true.");
    }
    String contentType = request.entity().getContentType().mediaType().toString();
    Map<String, String> metadata = q.get("title").map(t -> Map.of("title", t)).orElse(Map.of());
    return new SourceDocument(
        caller.tenant(),
        vars.get("collection"),
        id,
        acl,
        open,
        q.get("uri").orElse(""),
        q.get("fileName").orElse(id),
        "application/octet-stream".equals(contentType) ? null : contentType,
        body,
        null,
        null,
        metadata);
  }

  private static boolean parseBoolean(String name, String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new InvalidRequestException(
              "the query parameter '" + name + "' must be true or false, was '" + v + "'.");
    };
  }

  private static HttpResponse ingested(IngestResult result) {
    return switch (result) {
      case IngestResult.Indexed i ->
          Json.response(
              StatusCodes.OK,
              new DocumentIngested(
                  i.documentId(), "indexed", i.chunks(), i.truncated(), i.warnings()));
      case IngestResult.Unchanged u ->
          Json.response(
              StatusCodes.OK, new DocumentIngested(u.documentId(), "unchanged", null, null, null));
      case IngestResult.Failed f ->
          Problems.of(
              ErrorKind.UNPROCESSABLE,
              "Document Not Indexed",
              "Document '" + f.documentId() + "' could not be indexed: " + f.reason(),
              Map.of("id", f.documentId(), "outcome", "failed"));
    };
  }

  private Route delete(Principal caller, Map<String, String> vars) {
    return extractRequest(
        request -> {
          CompletionStage<HttpResponse> response =
              CompletableFuture.supplyAsync(
                      () -> requiredParam(request.getUri().query(), "id", "id=handbook.pdf"))
                  .thenCompose(
                      id ->
                          retrieval
                              .ingestion()
                              .delete(caller.tenant(), vars.get("collection"), id, null)
                              .thenApply(
                                  deleted ->
                                      Json.response(
                                          StatusCodes.OK, new DocumentDeleted(id, deleted))))
                  .exceptionally(Problems::fromThrowable);
          return completeWithFuture(response);
        });
  }

  private Route search(Principal caller, Map<String, String> vars) {
    return bodies
        .upTo(MAX_SEARCH_BODY)
        .answerJson(
            (request, bytes) -> {
              SearchRequest s = Json.read(bytes, SearchRequest.class, "the search body");
              SearchMode mode = s.searchMode();
              return retrieval
                  .search(
                      vars.get("collection"),
                      new Caller(
                          caller.tenant(), caller.actingAs(new LinkedHashSet<>(s.principals()))),
                      mode,
                      s.query(),
                      s.k() == null ? retrieval.settings().defaultK() : s.k())
                  .thenApply(
                      hits ->
                          Json.response(
                              StatusCodes.OK,
                              new SearchResults(
                                  mode.name().toLowerCase(Locale.ROOT),
                                  hits.stream().map(SearchHit::of).toList())));
            });
  }

  private Route stats(Principal caller, Map<String, String> vars) {
    return Replies.ok(
        retrieval.stats(vars.get("collection"), caller.tenant()), CollectionStats::of);
  }
}
