package io.tramontane.bench;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.tramontane.retrieval.index.Hit;
import io.tramontane.retrieval.index.SearchMode;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.QueryBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * P3, {@code tramontane bench search}: BM25-style queries (terms drawn from the corpus), kNN and
 * hybrid through {@code Retrieval.search} (permission filter, query embedding, hits with snippets)
 * with 1 and 2 client threads, against a plain {@link IndexSearcher} BM25 on the same index (same
 * k, no filter); recall@10 of the filtered HNSW kNN against exact brute force over every stored
 * vector. The index is built like P2 and kept for the next run.
 */
@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    description = {
      "P3: QPS and p50/p99 latency of BM25, kNN and hybrid search (1 and 2 clients) vs a plain"
          + " IndexSearcher BM25 on the same index; recall@10 of the filtered HNSW kNN vs exact"
          + " brute-force kNN.",
      "The index (europarl documents of ~4 KB through the full ingest path) is built once under"
          + " target/bench/search-index-<documents> and reused; --rebuild forces a new one."
    })
public final class SearchBench implements Callable<Integer> {

  static final String NAME = "search";
  static final int K = 10;
  static final double TARGET_QPS = 0.8;
  static final double TARGET_P99 = 1.5;
  static final double TARGET_RECALL = 0.95;
  static final long SEED = 20_261_202L;
  static final String MARKER = "bench-index.properties";

  @Mixin BenchOptions options;

  @Option(
      names = "--index-dir",
      paramLabel = "DIR",
      description = "Where the built index (node data) is kept (default: ${DEFAULT-VALUE}-<docs>).",
      defaultValue = "target/bench/search-index")
  Path indexDir;

  @Option(names = "--rebuild", description = "Build the index again even if one is kept.")
  boolean rebuild;

  @Option(names = "--documents", hidden = true, description = "Documents indexed (tests).")
  Integer documents;

  @Option(names = "--queries", hidden = true, description = "Queries (tests).")
  Integer queries;

  /** The paths measured. */
  enum Route {
    PLAIN("plain IndexSearcher BM25 (baseline)"),
    BM25("ours, BM25"),
    KNN("ours, kNN (embeds the query)"),
    HYBRID("ours, hybrid RRF (embeds the query)");

    final String label;

    Route(String label) {
      this.label = label;
    }
  }

  /**
   * What one run does.
   *
   * @param documents europarl documents of ~4 KB in the index
   * @param queries queries per pass
   * @param rounds measured passes per client over all queries (after one warm-up pass)
   */
  public record Plan(int documents, int queries, int rounds) {
    static Plan of(boolean quick, Integer documents, Integer queries) {
      Plan p = quick ? new Plan(20, 200, 3) : new Plan(150, 200, 5);
      return new Plan(
          documents == null ? p.documents : Math.max(2, documents),
          queries == null ? p.queries : Math.max(2, queries),
          p.rounds);
    }
  }

  /**
   * One path at one number of clients.
   *
   * @param qpsOverPlain queries/s ÷ plain IndexSearcher's at the same clients
   * @param p99OverPlain p99 latency ÷ plain IndexSearcher's at the same clients
   */
  public record Row(
      int clients,
      String path,
      int queries,
      double qps,
      double p50Millis,
      double p99Millis,
      Double qpsOverPlain,
      Double p99OverPlain) {}

  /**
   * Recall of our filtered HNSW kNN against exact kNN.
   *
   * @param queries queries compared
   * @param vectors vectors in the index (all scanned by the exact search)
   * @param recallAt10 mean share of the exact top 10 that our top 10 holds
   * @param minRecall the worst query's recall
   */
  public record Recall(int queries, int vectors, double recallAt10, double minRecall) {}

  /** Everything the run measured; written as JSON. */
  public record Report(
      @JsonUnwrapped ReportHeader header,
      Plan plan,
      long seed,
      String model,
      int chunks,
      boolean indexReused,
      Double indexBuildSeconds,
      List<String> sampleQueries,
      List<Row> rows,
      Recall recall,
      double targetQps,
      double targetP99,
      double targetRecall,
      double elapsedSeconds) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter out = options.out();
    PrintWriter progress = options.progress();
    BenchNode.quietLogs();
    Plan plan = Plan.of(options.quick, documents, queries);
    Machine machine = Machine.describe();
    long started = System.nanoTime();
    List<RetrievalCorpus.Document> docs =
        RetrievalCorpus.grouped(plan.documents(), IngestBench.DOCUMENT_BYTES);
    Path dataDir = Path.of(indexDir + "-" + docs.size()).toAbsolutePath();
    Path marker = dataDir.resolve(MARKER);
    String expected = "documents=" + docs.size() + "\nbytes=" + IngestBench.DOCUMENT_BYTES + "\n";
    boolean reuse =
        !rebuild
            && Files.isRegularFile(marker)
            && Files.readString(marker, StandardCharsets.UTF_8).equals(expected);
    if (!reuse && Files.exists(dataDir)) {
      BenchNode.deleteTree(dataDir);
    }
    Files.createDirectories(dataDir);
    say(progress, "seed %d; %s index in %s", SEED, reuse ? "reusing the" : "building an", dataDir);
    Double buildSeconds = null;
    try (BenchRetrieval node = BenchRetrieval.start(dataDir, true)) {
      if (!reuse) {
        say(progress, "ingesting %d documents (full path, embedding every chunk)...", docs.size());
        BenchRetrieval.IngestRun run = node.ingestAll(docs, progress);
        if (run.failed() > 0) {
          throw new IllegalStateException(run.failed() + " documents failed: " + run.failures());
        }
        buildSeconds = run.seconds();
        Files.writeString(marker, expected, StandardCharsets.UTF_8);
      }
      List<String> qs = queries(docs, plan.queries(), SEED);
      try (FSDirectory dir = FSDirectory.open(node.indexDir());
          DirectoryReader reader = DirectoryReader.open(dir)) {
        IndexSearcher plain = new IndexSearcher(reader);
        QueryBuilder builder = new QueryBuilder(new StandardAnalyzer());
        List<Query> parsed = new ArrayList<>();
        for (String q : qs) {
          parsed.add(builder.createBooleanQuery("text", q));
        }
        List<Row> rows = new ArrayList<>();
        for (int clients : new int[] {1, 2}) {
          Row base = null;
          for (Route r : Route.values()) {
            Searcher s = searcher(r, node, plain, parsed, qs);
            say(progress, "%d client(s): %s...", clients, r.label);
            measure(s, qs.size(), 1, 1);
            double[] m = measure(s, qs.size(), clients, plan.rounds());
            Row row =
                new Row(
                    clients,
                    r.label,
                    qs.size() * clients * plan.rounds(),
                    m[0],
                    m[1],
                    m[2],
                    base == null ? null : m[0] / base.qps(),
                    base == null ? null : m[2] / base.p99Millis());
            if (r == Route.PLAIN) {
              base = row;
            }
            rows.add(row);
          }
        }
        say(progress, "recall@%d: exact kNN over every stored vector...", K);
        Recall recall = SearchRecall.recall(node, reader, qs);
        Report report =
            new Report(
                new ReportHeader(NAME, "P3", options.quick, machine),
                plan,
                SEED,
                node.model(),
                recall.vectors(),
                reuse,
                buildSeconds,
                qs.subList(0, Math.min(5, qs.size())),
                rows,
                recall,
                TARGET_QPS,
                TARGET_P99,
                TARGET_RECALL,
                EmbedBench.seconds(started));
        SearchRecall.table(report).print(out);
        options.finish(NAME, report, report.elapsedSeconds());
      }
    }
    return 0;
  }

  /** One query, by index into the query list. */
  private interface Searcher {
    void search(int query) throws Exception;
  }

  static Searcher searcher(
      Route r, BenchRetrieval node, IndexSearcher plain, List<Query> parsed, List<String> qs) {
    return switch (r) {
      case PLAIN -> i -> plain.search(parsed.get(i), K);
      case BM25 -> i -> ours(node, SearchMode.BM25, qs.get(i));
      case KNN -> i -> ours(node, SearchMode.KNN, qs.get(i));
      case HYBRID -> i -> ours(node, SearchMode.HYBRID, qs.get(i));
    };
  }

  static List<Hit> ours(BenchRetrieval node, SearchMode mode, String q) {
    return node.retrieval()
        .search(BenchRetrieval.COLLECTION, BenchRetrieval.CALLER, mode, q, K)
        .toCompletableFuture()
        .join();
  }

  /**
   * Each client runs every query {@code rounds} times, starting at its own offset. Returns
   * queries/s over the wall time, then p50 and p99 latency in ms.
   */
  static double[] measure(Searcher s, int n, int clients, int rounds) throws Exception {
    long[][] latencies = new long[clients][n * rounds];
    long t0;
    List<Future<?>> futures = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
      t0 = System.nanoTime();
      for (int c = 0; c < clients; c++) {
        int client = c;
        futures.add(
            pool.submit(
                () -> {
                  int offset = client * n / clients;
                  for (int j = 0; j < n * rounds; j++) {
                    long start = System.nanoTime();
                    s.search((offset + j) % n);
                    latencies[client][j] = System.nanoTime() - start;
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    }
    double seconds = EmbedBench.seconds(t0);
    long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
    return new double[] {all.length / seconds, percentile(all, 0.50), percentile(all, 0.99)};
  }

  static double percentile(long[] sortedNanos, double p) {
    int i = (int) Math.ceil(p * sortedNanos.length) - 1;
    return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, i))] / 1e6;
  }

  /**
   * BM25-style queries: 2 or 3 distinct words of at least 4 letters, lower-cased, from a random
   * document of the index, deterministic for {@code seed}.
   */
  static List<String> queries(List<RetrievalCorpus.Document> docs, int n, long seed) {
    Random random = new Random(seed);
    List<String> out = new ArrayList<>(n);
    while (out.size() < n) {
      String[] words = docs.get(random.nextInt(docs.size())).text().split("[^\\p{L}]+");
      List<String> candidates = new ArrayList<>();
      for (String w : words) {
        if (w.length() >= 4) {
          candidates.add(w.toLowerCase(Locale.ROOT));
        }
      }
      if (candidates.size() < 3) {
        continue;
      }
      int terms = 2 + random.nextInt(2);
      Set<String> chosen = new HashSet<>();
      List<String> query = new ArrayList<>();
      while (query.size() < terms) {
        String w = candidates.get(random.nextInt(candidates.size()));
        if (chosen.add(w)) {
          query.add(w);
        }
        if (chosen.size() >= new HashSet<>(candidates).size()) {
          break;
        }
      }
      out.add(String.join(" ", query));
    }
    return out;
  }

  static void say(PrintWriter progress, String format, Object... args) {
    progress.printf("bench " + NAME + ": " + format + "%n", args);
    progress.flush();
  }
}
