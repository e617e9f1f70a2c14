package io.tramontane.bench;

import io.tramontane.inference.Priority;
import io.tramontane.inference.TextEmbedding;
import io.tramontane.retrieval.index.Hit;
import io.tramontane.retrieval.index.SearchMode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.Bits;

/**
 * Recall@10 of the filtered HNSW kNN against exact brute force, and the tables of {@code bench
 * search}.
 */
final class SearchRecall {

  private SearchRecall() {}

  /** A stored chunk vector and its identity (document id and ordinal). */
  record Stored(String key, float[] vector) {}

  /** Field names of {@link io.tramontane.retrieval.index.CollectionIndex}'s chunk documents. */
  static final String DOC_ID = "doc_id";

  static final String ORDINAL = "ordinal";
  static final String VECTOR = "vector";

  static SearchBench.Recall recall(BenchRetrieval node, DirectoryReader reader, List<String> qs)
      throws IOException {
    List<Stored> stored = new ArrayList<>();
    for (LeafReaderContext ctx : reader.leaves()) {
      LeafReader leaf = ctx.reader();
      FloatVectorValues values = leaf.getFloatVectorValues(VECTOR);
      if (values == null) {
        continue;
      }
      Bits live = leaf.getLiveDocs();
      StoredFields fields = leaf.storedFields();
      KnnVectorValues.DocIndexIterator it = values.iterator();
      for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
        if (live != null && !live.get(doc)) {
          continue;
        }
        var d = fields.document(doc);
        stored.add(
            new Stored(
                d.get(DOC_ID) + "#" + d.getField(ORDINAL).numericValue().intValue(),
                values.vectorValue(it.index()).clone()));
      }
    }
    double sum = 0;
    double min = 1;
    for (String q : qs) {
      float[] v =
          node.inference()
              .embed(node.model(), q, Priority.INTERACTIVE)
              .toCompletableFuture()
              .join()
              .vector();
      List<Stored> sorted = new ArrayList<>(stored);
      double[] scores = new double[sorted.size()];
      Integer[] order = new Integer[sorted.size()];
      for (int i = 0; i < scores.length; i++) {
        scores[i] = TextEmbedding.cosine(v, sorted.get(i).vector());
        order[i] = i;
      }
      Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
      Set<String> exact = new HashSet<>();
      for (int i = 0; i < Math.min(SearchBench.K, order.length); i++) {
        exact.add(sorted.get(order[i]).key());
      }
      Set<String> ours = new HashSet<>();
      for (Hit h : SearchBench.ours(node, SearchMode.KNN, q)) {
        ours.add(h.documentId() + "#" + h.ordinal());
      }
      ours.retainAll(exact);
      double r = exact.isEmpty() ? 1 : (double) ours.size() / exact.size();
      sum += r;
      min = Math.min(min, r);
    }
    return new SearchBench.Recall(qs.size(), stored.size(), sum / qs.size(), min);
  }

  static Table table(SearchBench.Report r) {
    Table t =
        new Table(
            "P3 search — "
                + r.chunks()
                + " chunks of "
                + r.plan().documents()
                + " europarl documents, k="
                + SearchBench.K
                + ", "
                + r.plan().queries()
                + " queries × "
                + r.plan().rounds()
                + " round(s) per client"
                + r.header().quickSuffix(),
            "clients · path",
            "queries",
            "QPS",
            "p50",
            "p99",
            "QPS ÷ plain",
            "p99 ÷ plain");
    for (SearchBench.Row row : r.rows()) {
      t.row(
          row.clients() + " · " + row.path(),
          String.format("%,d", row.queries()),
          String.format("%,.1f", row.qps()),
          Table.millis(row.p50Millis()),
          Table.millis(row.p99Millis()),
          row.qpsOverPlain() == null ? "-" : Table.ratio(row.qpsOverPlain()),
          row.p99OverPlain() == null ? "-" : Table.ratio(row.p99OverPlain()));
    }
    for (SearchBench.Row row : r.rows()) {
      if (row.path().equals(SearchBench.Route.BM25.label)) {
        t.note(
            String.format(
                "BM25 at %d client(s): QPS %s (target ≥ %s: %s), p99 %s (target ≤ %s: %s).",
                row.clients(),
                Table.ratio(row.qpsOverPlain()),
                Table.ratio(r.targetQps()),
                row.qpsOverPlain() >= r.targetQps() ? "met" : "NOT met",
                Table.ratio(row.p99OverPlain()),
                Table.ratio(r.targetP99()),
                row.p99OverPlain() <= r.targetP99() ? "met" : "NOT met"));
      }
    }
    SearchBench.Recall rc = r.recall();
    t.note(
        String.format(
            "recall@%d of the filtered HNSW kNN vs exact kNN over all %,d stored vectors: %.3f"
                + " (worst query %.1f; target ≥ %.2f: %s).",
            SearchBench.K,
            rc.vectors(),
            rc.recallAt10(),
            rc.minRecall(),
            r.targetRecall(),
            rc.recallAt10() >= r.targetRecall() ? "met" : "NOT met"));
    t.note(
        "ours = Retrieval.search (tenant/ACL filter in the query, hits with stored fields and"
            + " snippets, a hop to the blocking dispatcher; kNN and hybrid also embed the query on"
            + " the interactive lane); plain = IndexSearcher.search(BM25 over text, k) on the same"
            + " index, no filter, top docs only.");
    t.note(
        "queries: 2-3 words of ≥4 letters from a random indexed document (seed "
            + r.seed()
            + "), e.g. \""
            + String.join(
                "\", \"", r.sampleQueries().subList(0, Math.min(3, r.sampleQueries().size())))
            + "\"; one warm-up pass per path first. Index "
            + (r.indexReused()
                ? "reused from an earlier run"
                : String.format("built in %.0f s", r.indexBuildSeconds()))
            + ".");
    t.note(r.header().machine().line());
    return t;
  }
}
