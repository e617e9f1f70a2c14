package io.tramontane.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tramontane.core.InvalidRequestException;
import io.tramontane.retrieval.Retrieval;
import io.tramontane.retrieval.index.Caller;
import io.tramontane.retrieval.index.Hit;
import io.tramontane.retrieval.index.SearchMode;
import io.tramontane.retrieval.ingest.IndexReconciliation;
import io.tramontane.retrieval.ingest.IngestResult;
import io.tramontane.retrieval.ingest.SourceDocument;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
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
import org.apache.pekko.stream.Materializer;

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
  private static final Set<String> SEARCH_FIELDS = Set.of("query", "mode", "k", "principals");

  private final Retrieval retrieval;
  private final Materializer materializer;
  private final long bodyTimeoutMillis;

  RetrievalRoutes(Retrieval retrieval, Materializer materializer, long bodyTimeoutMillis) {
    this.retrieval = retrieval;
    this.materializer = materializer;
    this.bodyTimeoutMillis = bodyTimeoutMillis;
  }

  void register(RouteTable table) {
    table
        .add(
            "GET",
            "/collections",
            RouteTable.Access.API_KEY,
            SCOPE_READ,
            (caller, vars) ->
                complete(
                    Json.response(
                        StatusCodes.OK,
                        Map.of("collections", retrieval.collections(caller.tenant())))))
        .add(
            "PUT",
            "/collections/{collection}/documents",
            RouteTable.Access.API_KEY,
            SCOPE_WRITE,
            this::upload)
        .add(
            "DELETE",
            "/collections/{collection}/documents",
            RouteTable.Access.API_KEY,
            SCOPE_WRITE,
            this::delete)
        .add(
            "POST",
            "/collections/{collection}/search",
            RouteTable.Access.API_KEY,
            SCOPE_SEARCH,
            this::search)
        .add(
            "GET",
            "/collections/{collection}/stats",
            RouteTable.Access.API_KEY,
            SCOPE_READ,
            this::stats);
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
    return extractRequest(
        request -> {
          long limit = retrieval.maxDocumentBytes();
          CompletionStage<HttpResponse> response =
              Bodies.strict(request, limit, bodyTimeoutMillis, materializer)
                  .thenCompose(
                      bytes -> retrieval.ingestion().ingest(document(caller, vars, request, bytes)))
                  .thenApply(RetrievalRoutes::ingested)
                  .exceptionally(Problems::fromThrowable);
          return completeWithFuture(response);
        });
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
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", result.documentId());
    return switch (result) {
      case IngestResult.Indexed i -> {
        body.put("status", "indexed");
        body.put("chunks", i.chunks());
        body.put("truncated", i.truncated());
        body.put("warnings", i.warnings());
        yield Json.response(StatusCodes.OK, body);
      }
      case IngestResult.Unchanged u -> {
        body.put("status", "unchanged");
        yield Json.response(StatusCodes.OK, body);
      }
      case IngestResult.Failed f ->
          Problems.of(
              StatusCodes.UNPROCESSABLE_CONTENT,
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
                                          StatusCodes.OK, Map.of("id", id, "deleted", deleted))))
                  .exceptionally(Problems::fromThrowable);
          return completeWithFuture(response);
        });
  }

  /** The parsed search request. */
  private record SearchRequest(String query, SearchMode mode, int k, Set<String> principals) {}

  private SearchRequest searchRequest(byte[] bytes) {
    JsonNode body;
    try {
      body = Json.MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new InvalidRequestException(
          "the search body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidRequestException("the search body cannot be read: " + e.getMessage());
    }
    if (body == null || !body.isObject()) {
      throw new InvalidRequestException(
          "the search body must be a JSON object like {\"query\": \"…\", \"principals\":"
              + " [\"alice\"]}.");
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if ("tenant".equals(field)) {
        throw new InvalidRequestException(
            "the field 'tenant' is not accepted: the tenant is the API key's.");
      }
      if (!SEARCH_FIELDS.contains(field)) {
        throw new InvalidRequestException(
            "unknown field '" + field + "'; accepted: query, mode, k, principals.");
      }
    }
    JsonNode query = body.get("query");
    if (query == null || !query.isTextual()) {
      throw new InvalidRequestException("'query' must be a string.");
    }
    SearchMode mode = SearchMode.HYBRID;
    JsonNode m = body.get("mode");
    if (m != null) {
      mode =
          switch (m.asText().toLowerCase(Locale.ROOT)) {
            case "bm25" -> SearchMode.BM25;
            case "knn" -> SearchMode.KNN;
            case "hybrid" -> SearchMode.HYBRID;
            default ->
                throw new InvalidRequestException(
                    "'mode' must be bm25, knn or hybrid, was '" + m.asText() + "'.");
          };
    }
    int k = retrieval.settings().defaultK();
    JsonNode kn = body.get("k");
    if (kn != null) {
      if (!kn.isInt()) {
        throw new InvalidRequestException("'k' must be an integer.");
      }
      k = kn.asInt();
    }
    Set<String> principals = new LinkedHashSet<>();
    JsonNode ps = body.get("principals");
    if (ps != null) {
      if (!ps.isArray()) {
        throw new InvalidRequestException("'principals' must be an array of strings.");
      }
      for (JsonNode p : ps) {
        if (!p.isTextual() || p.asText().isBlank()) {
          throw new InvalidRequestException("'principals' must be an array of non-empty strings.");
        }
        principals.add(p.asText());
      }
    }
    return new SearchRequest(query.asText(), mode, k, principals);
  }

  private Route search(Principal caller, Map<String, String> vars) {
    return extractRequest(
        request -> {
          CompletionStage<HttpResponse> response =
              Bodies.strict(request, MAX_SEARCH_BODY, bodyTimeoutMillis, materializer)
                  .thenCompose(
                      bytes -> {
                        SearchRequest s = searchRequest(bytes);
                        return retrieval
                            .search(
                                vars.get("collection"),
                                new Caller(caller.tenant(), caller.actingAs(s.principals())),
                                s.mode(),
                                s.query(),
                                s.k())
                            .thenApply(hits -> searchResponse(s, hits));
                      })
                  .exceptionally(Problems::fromThrowable);
          return completeWithFuture(response);
        });
  }

  private static HttpResponse searchResponse(SearchRequest s, List<Hit> hits) {
    List<Map<String, Object>> results =
        hits.stream()
            .map(
                h -> {
                  Map<String, Object> r = new LinkedHashMap<>();
                  r.put("rank", h.rank());
                  r.put("documentId", h.documentId());
                  r.put("title", h.title());
                  r.put("sourceUri", h.sourceUri());
                  r.put("section", h.section());
                  r.put("page", h.page());
                  r.put("chunk", h.ordinal());
                  r.put("snippet", h.snippet());
                  r.put("text", h.text());
                  return r;
                })
            .toList();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("mode", s.mode().name().toLowerCase(Locale.ROOT));
    body.put("results", results);
    return Json.response(StatusCodes.OK, body);
  }

  private static Map<String, Object> reconciliation(IndexReconciliation.Report r) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("lastRun", r.lastRun() == null ? null : r.lastRun().toString());
    body.put("checkedUpToOffset", r.checkedUpTo());
    body.put("missing", r.drift().lastRunMissing());
    body.put("extra", r.drift().lastRunExtra());
    body.put("missingSinceStart", r.drift().missingFound());
    body.put("extraSinceStart", r.drift().extraFound());
    body.put("repairedSinceStart", r.drift().repaired());
    return body;
  }

  private Route stats(Principal caller, Map<String, String> vars) {
    CompletionStage<HttpResponse> response =
        retrieval
            .stats(vars.get("collection"), caller.tenant())
            .thenApply(
                st -> {
                  Map<String, Object> body = new LinkedHashMap<>();
                  body.put("collection", st.collection());
                  body.put("documents", st.documents());
                  body.put("chunks", st.chunks());
                  body.put("failedCount", st.failedCount());
                  body.put(
                      "failed",
                      st.failed().stream()
                          .map(f -> Map.of("id", f.documentId(), "reason", f.reason()))
                          .toList());
                  body.put("logOffsetApplied", st.appliedOffset());
                  body.put("logOffsetCommitted", st.committedOffset());
                  body.put("reconciliation", reconciliation(st.reconciliation()));
                  return Json.response(StatusCodes.OK, body);
                })
            .exceptionally(Problems::fromThrowable);
    return completeWithFuture(response);
  }
}
