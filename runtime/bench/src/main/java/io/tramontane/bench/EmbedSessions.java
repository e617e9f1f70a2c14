package io.tramontane.bench;

import io.tramontane.inference.InferenceRuntime;
import io.tramontane.inference.InferenceSettings;
import io.tramontane.inference.Priority;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The evidence behind the runtime's session defaults: raw ORT (batch 32) and the runtime (64
 * callers; bulk) at 128 tokens under intra-op threads {1, nproc} × spinning {on, off} × graph
 * optimisation {extended, all}. Every combination stays loaded and the rounds go round-robin, so
 * drift on a shared machine hits all of them alike.
 */
final class EmbedSessions {

  static final int LENGTH = 128;

  private EmbedSessions() {}

  /**
   * One combination for one model.
   *
   * @param model fp32 or int8
   * @param session the options
   * @param rawBatch32 raw ORT, batch 32, sentences/s (median over rounds)
   * @param callers the runtime, 64 concurrent single-text callers, sentences/s
   * @param bulk the runtime, bulk embedAll, sentences/s
   * @param meanTokens mean tokens per sentence
   */
  public record Row(
      String model,
      InferenceSettings.Session session,
      double rawBatch32,
      double callers,
      double bulk,
      double meanTokens) {}

  private record Candidate(
      InferenceSettings.Session session,
      InferenceRuntime runtime,
      EmbedRawOrt raw,
      List<Double> raws,
      List<Double> callers,
      List<Double> bulks) {}

  static List<InferenceSettings.Session> combinations(InferenceSettings.Session base) {
    int nproc = Runtime.getRuntime().availableProcessors();
    List<InferenceSettings.Session> out = new ArrayList<>();
    for (int threads : nproc > 1 ? new int[] {1, nproc} : new int[] {1}) {
      for (boolean spin : new boolean[] {true, false}) {
        for (String opt : List.of("extended", "all")) {
          out.add(new InferenceSettings.Session(threads, base.interOpThreads(), spin, opt));
        }
      }
    }
    return out;
  }

  static List<Row> measure(
      InferenceSettings base,
      List<EmbedResults.Variant> variants,
      EmbedResults.Plan plan,
      PrintWriter progress)
      throws Exception {
    List<Row> rows = new ArrayList<>();
    for (EmbedResults.Variant v : variants) {
      EmbedBench.say(
          progress,
          "%s: session options, loading %d combinations...",
          v.label,
          combinations(base.session()).size());
      List<Candidate> candidates = new ArrayList<>();
      try {
        for (InferenceSettings.Session s : combinations(base.session())) {
          candidates.add(
              new Candidate(
                  s,
                  EmbedBench.start(base, v.modelName, s),
                  new EmbedRawOrt(EmbedBench.modelSpec(base, v), s),
                  new ArrayList<>(),
                  new ArrayList<>(),
                  new ArrayList<>()));
        }
        EmbedCorpus.Sentences set =
            EmbedCorpus.generate(
                candidates.getFirst().raw().tokenizer(),
                LENGTH,
                plan.sessionSentences(),
                EmbedBench.SEED + 1);
        long[][] ids = candidates.getFirst().raw().tokenize(set.texts());
        EmbedCorpus.Sentences warm = set.first(plan.warmupSentences());
        long[][] warmIds = candidates.getFirst().raw().tokenize(warm.texts());
        List<Candidate> order = new ArrayList<>(candidates);
        for (int round = 0; round < plan.sessionRepeats(); round++) {
          Collections.rotate(order, round);
          for (Candidate c : order) {
            c.raw().embed(warmIds, EmbedBench.RAW_BATCH);
            long t0 = System.nanoTime();
            c.raw().embed(ids, EmbedBench.RAW_BATCH);
            c.raws().add(ids.length / EmbedBench.seconds(t0));
            callers(c.runtime(), v.modelName, warm.texts());
            t0 = System.nanoTime();
            callers(c.runtime(), v.modelName, set.texts());
            c.callers().add(ids.length / EmbedBench.seconds(t0));
            c.runtime()
                .embedAll(v.modelName, warm.texts(), Priority.BULK)
                .toCompletableFuture()
                .join();
            t0 = System.nanoTime();
            c.runtime()
                .embedAll(v.modelName, set.texts(), Priority.BULK)
                .toCompletableFuture()
                .join();
            c.bulks().add(ids.length / EmbedBench.seconds(t0));
            EmbedBench.say(
                progress,
                "  %s %s: raw %.1f/s, callers %.1f/s, bulk %.1f/s",
                v.label,
                EmbedTables.sessionLine(c.session()),
                c.raws().getLast(),
                c.callers().getLast(),
                c.bulks().getLast());
          }
        }
        for (Candidate c : candidates) {
          rows.add(
              new Row(
                  v.label,
                  c.session(),
                  EmbedBench.median(c.raws()),
                  EmbedBench.median(c.callers()),
                  EmbedBench.median(c.bulks()),
                  set.meanTokens()));
        }
      } finally {
        for (Candidate c : candidates) {
          c.runtime().close();
          c.raw().close();
        }
      }
    }
    return rows;
  }

  private static void callers(InferenceRuntime runtime, String model, List<String> texts)
      throws Exception {
    AtomicInteger next = new AtomicInteger();
    List<Future<?>> futures = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int c = 0; c < EmbedBench.CALLERS; c++) {
        futures.add(
            pool.submit(
                () -> {
                  int i;
                  while ((i = next.getAndIncrement()) < texts.size()) {
                    runtime
                        .embed(model, texts.get(i), Priority.INTERACTIVE)
                        .toCompletableFuture()
                        .join();
                  }
                  return null;
                }));
      }
    }
    for (Future<?> f : futures) {
      f.get();
    }
  }

  static Table table(List<Row> rows, InferenceSettings.Session current) {
    Table t =
        new Table(
            "P1 embed — ONNX Runtime session options at "
                + LENGTH
                + " tokens, sentences/s (median over rounds)",
            "model",
            "intra-op",
            "spinning",
            "optimisation",
            "raw b32",
            "ours callers",
            "ours bulk",
            "callers ÷ raw");
    int nproc = Runtime.getRuntime().availableProcessors();
    int effective = current.intraOpThreads() == 0 ? nproc : current.intraOpThreads();
    for (Row r : rows) {
      InferenceSettings.Session s = r.session();
      boolean isDefault =
          s.intraOpThreads() == effective
              && s.allowSpinning() == current.allowSpinning()
              && s.optimizationLevel().equals(current.optimizationLevel());
      t.row(
          r.model() + (isDefault ? " (≈ default)" : ""),
          Integer.toString(s.intraOpThreads()),
          s.allowSpinning() ? "on" : "off",
          s.optimizationLevel(),
          String.format("%,.1f", r.rawBatch32()),
          String.format("%,.1f", r.callers()),
          String.format("%,.1f", r.bulk()),
          Table.ratio(r.callers() / r.rawBatch32()));
    }
    for (String model : rows.stream().map(Row::model).distinct().toList()) {
      List<Row> mine = rows.stream().filter(r -> r.model().equals(model)).toList();
      t.note(
          model
              + ": best raw "
              + best(mine, Row::rawBatch32)
              + "; best callers "
              + best(mine, Row::callers)
              + "; best bulk "
              + best(mine, Row::bulk)
              + ".");
    }
    t.note(
        "≈ default: the shipped defaults ("
            + EmbedTables.sessionLine(current)
            + "; intra-op 0 lets ORT use one thread per physical core, "
            + nproc
            + " here).");
    return t;
  }

  private static String best(List<Row> rows, java.util.function.ToDoubleFunction<Row> figure) {
    Row top = rows.getFirst();
    for (Row r : rows) {
      if (figure.applyAsDouble(r) > figure.applyAsDouble(top)) {
        top = r;
      }
    }
    InferenceSettings.Session s = top.session();
    return String.format(
        "%,.1f/s with intra-op %d, spinning %s, %s",
        figure.applyAsDouble(top),
        s.intraOpThreads(),
        s.allowSpinning() ? "on" : "off",
        s.optimizationLevel());
  }
}
