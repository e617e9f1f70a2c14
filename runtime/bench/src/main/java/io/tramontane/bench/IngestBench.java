package io.tramontane.bench;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.tramontane.inference.Priority;
import io.tramontane.inference.TextEmbedding;
import io.tramontane.retrieval.chunk.Chunker;
import io.tramontane.retrieval.chunk.Piece;
import io.tramontane.retrieval.index.CollectionIndex;
import io.tramontane.retrieval.parse.DocumentParser;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * P2, {@code tramontane bench ingest}: europarl documents of a few KB through the full ingestion
 * path (ingest → parse → chunk → embed → document log → index, until {@code awaitIndexed}) against
 * embedding the same chunk texts alone, and our text path (parse → chunk → {@link CollectionIndex}
 * without embedding) against plain Lucene text-only indexing of the same texts, in one run.
 */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "P2: documents/s, MB/s and chunks/s of ingestion. Full path (parse, chunk, embed, log,"
          + " index) vs embed-only (InferenceRuntime.embedAll of the same chunk texts, bulk lane);"
          + " text path (parse, chunk, CollectionIndex without embedding) vs plain Lucene"
          + " (IndexWriter + TextField, one commit), on europarl documents of ~4 KB."
    })
public final class IngestBench implements Callable<Integer> {

  static final String NAME = "ingest";
  static final int DOCUMENT_BYTES = 4_096;
  static final double TARGET_TEXT = 0.7;
  static final double TARGET_FULL = 0.8;
  static final long SEED = 20_261_201L;

  @Mixin BenchOptions options;

  @Option(
      names = "--documents",
      hidden = true,
      description = "Documents through the full path (tests); the text path gets 4× as many.")
  Integer documents;

  /** Rows of the table, in order. */
  enum Route {
    PLAIN_LUCENE("plain Lucene, text only (baseline)"),
    TEXT_CONSTANT("ours, text path (constant vector)"),
    TEXT_RANDOM("ours, text path (random vectors)"),
    EMBED_ONLY("embed-only, embedAll bulk (baseline)"),
    FULL("ours, full path (ingest → awaitIndexed)");

    final String label;

    Route(String label) {
      this.label = label;
    }
  }

  /**
   * What one run does.
   *
   * @param fullDocuments documents through the full path and the embed-only baseline
   * @param textDocuments documents through the text path and plain Lucene (the first {@code
   *     fullDocuments} of them are the full path's)
   * @param warmupDocuments documents run through every path untimed first
   */
  public record Plan(int fullDocuments, int textDocuments, int warmupDocuments) {
    static Plan of(boolean quick, Integer documents) {
      if (documents != null) {
        int n = Math.max(2, documents);
        return new Plan(n, 4 * n, Math.min(4, n));
      }
      return quick ? new Plan(12, 300, 10) : new Plan(120, 2_000, 40);
    }
  }

  /**
   * One path.
   *
   * @param path what ran
   * @param documents documents processed
   * @param megabytes their UTF-8 size in MB (10^6 bytes)
   * @param chunks chunks produced (plain Lucene: one Lucene document per input document)
   * @param seconds wall time
   * @param overBaseline documents/s ÷ the baseline's (null for the baselines)
   * @param baseline which baseline
   */
  public record Row(
      String path,
      int documents,
      double megabytes,
      long chunks,
      double seconds,
      double documentsPerSecond,
      double megabytesPerSecond,
      double chunksPerSecond,
      Double overBaseline,
      String baseline) {}

  /** Where the text path's time went (seconds, single thread). */
  public record TextStages(double parse, double chunk, double indexConstant, double indexRandom) {}

  /** Everything the run measured; written as JSON. */
  public record Report(
      @JsonUnwrapped ReportHeader header,
      Plan plan,
      long seed,
      String model,
      int dimension,
      List<Row> rows,
      TextStages textStages,
      BenchRetrieval.IngestRun fullPath,
      double targetText,
      double targetFull,
      double elapsedSeconds) {

    Row row(Route r) {
      return rows.stream().filter(x -> x.path().equals(r.label)).findFirst().orElseThrow();
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = options.out();
    PrintWriter progress = options.progress();
    BenchNode.quietLogs();
    Plan plan = Plan.of(options.quick, documents);
    Machine machine = Machine.describe();
    long started = System.nanoTime();
    say(progress, "reading europarl, documents of ~%d bytes...", DOCUMENT_BYTES);
    List<RetrievalCorpus.Document> docs =
        RetrievalCorpus.grouped(
            Math.max(plan.textDocuments(), plan.fullDocuments()), DOCUMENT_BYTES);
    List<RetrievalCorpus.Document> textSet =
        docs.subList(0, Math.min(docs.size(), plan.textDocuments()));
    List<RetrievalCorpus.Document> fullSet =
        docs.subList(0, Math.min(docs.size(), plan.fullDocuments()));
    say(progress, "starting a node (H2 journal) with retrieval...");
    try (BenchRetrieval node = BenchRetrieval.start(NAME);
        DocumentParser parser = node.parser()) {
      Chunker chunker = node.chunker();
      String model = node.model();
      int dimension = node.inference().model(model).dimension();
      Path scratch = node.dataDir().resolve("bench");
      List<Row> rows = new ArrayList<>();

      say(progress, "warming up on %d documents...", plan.warmupDocuments());
      List<RetrievalCorpus.Document> warm = textSet.subList(0, plan.warmupDocuments());
      IngestTextPath.plainLucene(scratch.resolve("warm-plain"), warm);
      List<List<Piece>> warmPieces = new ArrayList<>();
      IngestTextPath.textPath(
          scratch.resolve("warm-text"), warm, parser, chunker, dimension, warmPieces);
      node.inference()
          .embedAll(model, texts(warmPieces), Priority.BULK)
          .toCompletableFuture()
          .join();

      say(progress, "plain Lucene: %d documents...", textSet.size());
      long t0 = System.nanoTime();
      IngestTextPath.plainLucene(scratch.resolve("plain"), textSet);
      double plainSeconds = EmbedBench.seconds(t0);
      rows.add(row(Route.PLAIN_LUCENE, textSet, textSet.size(), plainSeconds, null, null));

      say(progress, "text path, constant vector: %d documents...", textSet.size());
      List<List<Piece>> pieces = new ArrayList<>();
      double[] stages =
          IngestTextPath.textPath(
              scratch.resolve("text-constant"), textSet, parser, chunker, dimension, pieces);
      long chunks = pieces.stream().mapToLong(List::size).sum();
      double textSeconds = stages[0] + stages[1] + stages[2];
      Row plain = rows.getFirst();
      rows.add(row(Route.TEXT_CONSTANT, textSet, chunks, textSeconds, plain, Route.PLAIN_LUCENE));

      say(progress, "text path, random vectors: indexing %d chunks...", chunks);
      double randomIndex =
          IngestTextPath.indexRandom(scratch.resolve("text-random"), textSet, pieces, dimension);
      rows.add(
          row(
              Route.TEXT_RANDOM,
              textSet,
              chunks,
              stages[0] + stages[1] + randomIndex,
              plain,
              Route.PLAIN_LUCENE));
      TextStages textStages = new TextStages(stages[0], stages[1], stages[2], randomIndex);

      List<String> fullTexts = texts(pieces.subList(0, fullSet.size()));
      say(
          progress,
          "embed-only: %d chunk texts of %d documents...",
          fullTexts.size(),
          fullSet.size());
      t0 = System.nanoTime();
      List<TextEmbedding> vectors =
          node.inference().embedAll(model, fullTexts, Priority.BULK).toCompletableFuture().join();
      double embedSeconds = EmbedBench.seconds(t0);
      if (vectors.size() != fullTexts.size()) {
        throw new IllegalStateException("embedAll returned " + vectors.size() + " vectors");
      }
      Row embedOnly = row(Route.EMBED_ONLY, fullSet, fullTexts.size(), embedSeconds, null, null);
      rows.add(embedOnly);

      say(progress, "full path: ingesting %d documents...", fullSet.size());
      BenchRetrieval.IngestRun run = node.ingestAll(fullSet, progress);
      if (run.failed() > 0) {
        throw new IllegalStateException(
            run.failed() + " documents failed to ingest: " + run.failures());
      }
      rows.add(row(Route.FULL, fullSet, run.chunks(), run.seconds(), embedOnly, Route.EMBED_ONLY));

      Report report =
          new Report(
              new ReportHeader(NAME, "P2", options.quick, machine),
              plan,
              SEED,
              model,
              dimension,
              rows,
              textStages,
              run,
              TARGET_TEXT,
              TARGET_FULL,
              EmbedBench.seconds(started));
      table(report).print(out);
      options.finish(NAME, report, report.elapsedSeconds());
      return 0;
    }
  }

  static List<String> texts(List<List<Piece>> pieces) {
    List<String> out = new ArrayList<>();
    for (List<Piece> doc : pieces) {
      for (Piece p : doc) {
        out.add(p.text());
      }
    }
    return out;
  }

  static Row row(
      Route route,
      List<RetrievalCorpus.Document> docs,
      long chunks,
      double seconds,
      Row baseline,
      Route baselineRoute) {
    long bytes = docs.stream().mapToLong(RetrievalCorpus.Document::bytes).sum();
    double mb = bytes / 1e6;
    double perSecond = docs.size() / seconds;
    return new Row(
        route.label,
        docs.size(),
        mb,
        chunks,
        seconds,
        perSecond,
        mb / seconds,
        chunks / seconds,
        baseline == null ? null : perSecond / baseline.documentsPerSecond(),
        baselineRoute == null ? null : baselineRoute.label);
  }

  static Table table(Report r) {
    Table t =
        new Table(
            "P2 ingest — europarl documents of ~"
                + DOCUMENT_BYTES / 1024
                + " KB"
                + r.header().quickSuffix()
                + ", model "
                + r.model(),
            "path",
            "docs",
            "MB",
            "chunks",
            "seconds",
            "docs/s",
            "MB/s",
            "chunks/s",
            "÷ baseline");
    for (Row row : r.rows()) {
      t.row(
          row.path(),
          String.format("%,d", row.documents()),
          String.format("%.2f", row.megabytes()),
          String.format("%,d", row.chunks()),
          String.format("%.2f", row.seconds()),
          String.format("%,.1f", row.documentsPerSecond()),
          String.format("%.3f", row.megabytesPerSecond()),
          String.format("%,.1f", row.chunksPerSecond()),
          row.overBaseline() == null ? "-" : Table.ratio(row.overBaseline()));
    }
    Row constant = r.row(Route.TEXT_CONSTANT);
    Row random = r.row(Route.TEXT_RANDOM);
    Row full = r.row(Route.FULL);
    t.note(
        "text path ÷ plain Lucene: "
            + Table.ratio(constant.overBaseline())
            + " with a constant vector ("
            + verdict(constant.overBaseline(), r.targetText())
            + "); "
            + Table.ratio(random.overBaseline())
            + " with random vectors (the HNSW graph's cost, not in the target).");
    t.note(
        "full path ÷ embed-only: "
            + Table.ratio(full.overBaseline())
            + " ("
            + verdict(full.overBaseline(), r.targetFull())
            + ").");
    TextStages s = r.textStages();
    t.note(
        String.format(
            "text path, one thread: parse %.2f s, chunk (model tokenizer) %.2f s, index %.2f s"
                + " (constant vector) / %.2f s (random vectors, %d dimensions), one commit.",
            s.parse(), s.chunk(), s.indexConstant(), s.indexRandom(), r.dimension()));
    BenchRetrieval.IngestRun run = r.fullPath();
    t.note(
        "full path: Retrieval.ingestion().ingest of every document (ingest parallelism and"
            + " back-pressure as configured; "
            + run.retries()
            + " 'at capacity' retries), H2 journal, timed until awaitIndexed completes;"
            + " embed-only: one InferenceRuntime.embedAll of the same "
            + String.format("%,d", r.row(Route.EMBED_ONLY).chunks())
            + " chunk texts on the bulk lane.");
    t.note(
        "plain Lucene: IndexWriter (StandardAnalyzer, defaults) + stored TextField and an id per"
            + " document, one commit, one thread, same documents as the text path.");
    t.note(r.header().machine().line());
    return t;
  }

  static String verdict(double value, double target) {
    return "target ≥ " + Table.ratio(target) + (value >= target ? ": met" : ": NOT met");
  }

  static void say(PrintWriter progress, String format, Object... args) {
    progress.printf("bench " + NAME + ": " + format + "%n", args);
    progress.flush();
  }
}
