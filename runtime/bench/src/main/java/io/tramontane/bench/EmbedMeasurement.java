package io.tramontane.bench;

import io.tramontane.bench.EmbedBench.Subject;
import io.tramontane.bench.EmbedResults.LengthRun;
import io.tramontane.bench.EmbedResults.ModelRun;
import io.tramontane.bench.EmbedResults.PathResult;
import io.tramontane.bench.EmbedResults.Plan;
import io.tramontane.bench.EmbedResults.Route;
import io.tramontane.inference.InferenceMetrics;
import io.tramontane.inference.Priority;
import io.tramontane.inference.TextEmbedding;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The measuring half of {@code bench embed}: each path (runtime callers, bulk, raw ORT,
 * LangChain4j) at one length, and one model's figures from them.
 */
final class EmbedMeasurement {

  private EmbedMeasurement() {}

  static void measureLength(
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
        for (int b : EmbedBench.RAW_BATCHES) {
          if (b == EmbedBench.RAW_BATCH) {
            continue;
          }
          s.raw.embed(Arrays.copyOf(ids, Math.min(ids.length, plan.warmupSentences())), b);
          long t0 = System.nanoTime();
          s.raw.embed(sweepIds, b);
          double rate = sweepIds.length / EmbedBench.seconds(t0);
          s.rates
              .computeIfAbsent(EmbedBench.key(length, p) + "/" + b, k -> new ArrayList<>())
              .add(rate);
          line.append(String.format(" raw b%d %.1f/s;", b, rate));
        }
        continue;
      }
      EmbedCorpus.Sentences warm = set.first(plan.warmupSentences());
      run(s, p, warm, Arrays.copyOf(ids, warm.texts().size()));
      InferenceMetrics before = metrics(s);
      long t0 = System.nanoTime();
      List<float[]> vectors = run(s, p, set, ids);
      double rate = set.texts().size() / EmbedBench.seconds(t0);
      InferenceMetrics after = metrics(s);
      s.rates.computeIfAbsent(EmbedBench.key(length, p), k -> new ArrayList<>()).add(rate);
      line.append(String.format(" %s %.1f/s;", EmbedBench.shortName(p), rate));
      if (rep == 0) {
        s.metricsDelta.put(EmbedBench.key(length, p), delta(before, after));
        s.vectors.put(EmbedBench.key(length, p), vectors);
      }
    }
    EmbedBench.say(progress, "  %s %d tok:%s", s.variant.label, length, line);
  }

  /** Lowest cosine between a path's vectors and raw batch 32's, per text (first round). */
  static Double minCosine(Subject s, int length, Route p) {
    List<float[]> ref = s.vectors.get(EmbedBench.key(length, Route.RAW_B32));
    List<float[]> vectors = s.vectors.get(EmbedBench.key(length, p));
    if (ref == null || vectors == null) {
      return null;
    }
    double min = 1;
    for (int i = 0; i < ref.size(); i++) {
      min = Math.min(min, TextEmbedding.cosine(ref.get(i), vectors.get(i)));
    }
    return min;
  }

  static List<float[]> run(Subject s, Route p, EmbedCorpus.Sentences set, long[][] ids)
      throws Exception {
    String model = s.variant.modelName;
    return switch (p) {
      case RAW_B32 -> List.of(s.raw.embed(ids, EmbedBench.RAW_BATCH));
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
          for (int c = 0; c < EmbedBench.CALLERS; c++) {
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

  static InferenceMetrics metrics(Subject s) {
    return s.runtime.metrics().stream()
        .filter(m -> m.model().equals(s.variant.modelName))
        .findFirst()
        .orElseThrow();
  }

  static InferenceMetrics delta(InferenceMetrics a, InferenceMetrics b) {
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

  static ModelRun modelRun(
      Subject s,
      int sweepSentences,
      MatMulCeiling.Result ceiling,
      EmbedQuality.Drift drift,
      List<EmbedQuality.Retrieval> retrieval) {
    List<LengthRun> lengths = new ArrayList<>();
    double ceilingFlops = ceiling.gflops() * 1e9;
    for (int length : EmbedBench.LENGTHS) {
      EmbedCorpus.Sentences set = s.sets.get(length);
      int n = set.texts().size();
      long realTokens = 0;
      for (int t : set.tokens()) {
        realTokens += t;
      }
      double raw32 = EmbedBench.median(s.rates.get(EmbedBench.key(length, Route.RAW_B32)));
      double lc4j = EmbedBench.median(s.rates.get(EmbedBench.key(length, Route.LANGCHAIN4J)));
      Map<Integer, Double> sweep = new LinkedHashMap<>();
      for (int b : EmbedBench.RAW_BATCHES) {
        List<Double> r =
            b == EmbedBench.RAW_BATCH
                ? s.rates.get(EmbedBench.key(length, Route.RAW_B32))
                : s.rates.get(EmbedBench.key(length, Route.RAW_BEST) + "/" + b);
        if (r != null) {
          sweep.put(b, EmbedBench.median(r));
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
      double fullFlops = EmbedBench.meanFlops(set.tokens(), Integer.MAX_VALUE);
      double lcFlops = EmbedBench.meanFlops(set.tokens(), EmbedBench.LANGCHAIN4J_MAX_TOKENS);
      List<PathResult> paths = new ArrayList<>();
      for (Route p : Route.values()) {
        if (p == Route.RAW_BEST) {
          if (rawBest != null) {
            int tried = bestBatch == EmbedBench.RAW_BATCH ? n : Math.min(n, sweepSentences);
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
                    bestBatch == EmbedBench.RAW_BATCH
                        ? s.rates.get(EmbedBench.key(length, Route.RAW_B32))
                        : s.rates.get(EmbedBench.key(length, p) + "/" + bestBatch),
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
        List<Double> rates = s.rates.get(EmbedBench.key(length, p));
        double rate = EmbedBench.median(rates);
        boolean lc = p == Route.LANGCHAIN4J;
        Double meanBatch;
        Double padding;
        switch (p) {
          case RAW_B32 -> {
            meanBatch = (double) n / Math.ceil((double) n / EmbedBench.RAW_BATCH);
            padding =
                (double) realTokens
                    / EmbedRawOrt.paddedTokens(s.ids.get(length), EmbedBench.RAW_BATCH);
          }
          case LANGCHAIN4J -> {
            meanBatch = 1.0;
            padding = 1.0;
          }
          default -> {
            InferenceMetrics m = s.metricsDelta.get(EmbedBench.key(length, p));
            meanBatch = m.meanBatchSize();
            padding = m.paddedTokens() == 0 ? null : (double) m.realTokens() / m.paddedTokens();
          }
        }
        paths.add(
            new PathResult(
                p.label,
                n,
                lc
                    ? EmbedBench.meanTokens(set.tokens(), EmbedBench.LANGCHAIN4J_MAX_TOKENS)
                    : set.meanTokens(),
                rate,
                rates,
                p == Route.RAW_B32 ? EmbedBench.RAW_BATCH : null,
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

  static String modelSpecOnnx(Subject s) {
    return s.runtime.settings().models().get(s.variant.modelName).model().toString();
  }
}
