package io.tramontane.server.http.body;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tramontane.core.InvalidRequestException;
import io.tramontane.retrieval.Retrieval;
import io.tramontane.retrieval.index.Hit;
import io.tramontane.retrieval.index.SearchMode;
import io.tramontane.retrieval.ingest.IndexReconciliation;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The bodies of the retrieval API ({@code /collections}). */
public final class RetrievalBodies {

  private RetrievalBodies() {}

  /** {@code GET /collections}. */
  public record CollectionList(List<String> collections) {}

  /**
   * {@code PUT /collections/{c}/documents}: {@code indexed} with its chunks, or {@code unchanged}
   * (the same bytes and permissions were already recorded).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record DocumentIngested(
      String id, String status, Integer chunks, Boolean truncated, List<String> warnings) {}

  /** {@code DELETE /collections/{c}/documents?id=}. */
  public record DocumentDeleted(String id, boolean deleted) {}

  /**
   * {@code POST /collections/{c}/search}.
   *
   * @param mode bm25, knn or hybrid (the default)
   * @param k how many results (the server's default when absent)
   * @param principals the user and groups the caller acts for
   */
  public record SearchRequest(String query, String mode, Integer k, List<String> principals) {

    public SearchRequest {
      if (query == null) {
        throw new InvalidRequestException("'query' must be a string.");
      }
      principals = principals == null ? List.of() : principals;
      for (String p : principals) {
        if (p == null || p.isBlank()) {
          throw new InvalidRequestException("'principals' must be an array of non-empty strings.");
        }
      }
      searchMode(mode);
    }

    /** The mode asked for, hybrid when none. */
    public SearchMode searchMode() {
      return searchMode(mode);
    }

    private static SearchMode searchMode(String mode) {
      if (mode == null) {
        return SearchMode.HYBRID;
      }
      return switch (mode.toLowerCase(Locale.ROOT)) {
        case "bm25" -> SearchMode.BM25;
        case "knn" -> SearchMode.KNN;
        case "hybrid" -> SearchMode.HYBRID;
        default ->
            throw new InvalidRequestException(
                "'mode' must be bm25, knn or hybrid, was '" + mode + "'.");
      };
    }
  }

  /** The results of a search, best first. */
  public record SearchResults(String mode, List<SearchHit> results) {}

  /** One passage found. */
  public record SearchHit(
      int rank,
      String documentId,
      String title,
      String sourceUri,
      String section,
      int page,
      int chunk,
      String snippet,
      String text) {

    public static SearchHit of(Hit h) {
      return new SearchHit(
          h.rank(),
          h.documentId(),
          h.title(),
          h.sourceUri(),
          h.section(),
          h.page(),
          h.ordinal(),
          h.snippet(),
          h.text());
    }
  }

  /** {@code GET /collections/{c}/stats}. */
  public record CollectionStats(
      String collection,
      int documents,
      int chunks,
      int failedCount,
      List<FailedDocument> failed,
      long logOffsetApplied,
      long logOffsetCommitted,
      Reconciliation reconciliation) {

    public static CollectionStats of(Retrieval.CollectionStats st) {
      return new CollectionStats(
          st.collection(),
          st.documents(),
          st.chunks(),
          st.failedCount(),
          st.failed().stream().map(f -> new FailedDocument(f.documentId(), f.reason())).toList(),
          st.appliedOffset(),
          st.committedOffset(),
          Reconciliation.of(st.reconciliation()));
    }
  }

  /** A document that could not be indexed, and why. */
  public record FailedDocument(String id, String reason) {}

  /** How the index compares with the document log, on this node. */
  public record Reconciliation(
      String lastRun,
      long checkedUpToOffset,
      long missing,
      long extra,
      long missingSinceStart,
      long extraSinceStart,
      long repairedSinceStart) {

    static Reconciliation of(IndexReconciliation.Report r) {
      Instant last = r.lastRun();
      return new Reconciliation(
          last == null ? null : last.toString(),
          r.checkedUpTo(),
          r.drift().lastRunMissing(),
          r.drift().lastRunExtra(),
          r.drift().missingFound(),
          r.drift().extraFound(),
          r.drift().repaired());
    }
  }
}
