package io.tramontane.bench;

import io.tramontane.bench.EmbedResults.LengthRun;
import io.tramontane.bench.EmbedResults.ModelRun;
import io.tramontane.bench.EmbedResults.PathResult;
import io.tramontane.bench.EmbedResults.Report;
import io.tramontane.bench.EmbedResults.Route;
import io.tramontane.inference.InferenceSettings;
import java.util.ArrayList;
import java.util.List;

/** The tables {@code bench embed} prints: per model, and the quality check. */
final class EmbedTables {

  private EmbedTables() {}

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

  static Table modelTable(Report r, ModelRun m) {
    Table t =
        new Table(
            "P1 embed — "
                + m.model()
                + " ("
                + m.variant()
                + ", "
                + m.onnx()
                + "), sentences/s"
                + r.header().quickSuffix()
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
        if (lc && l.targetTokens() > EmbedBench.LANGCHAIN4J_MAX_TOKENS) {
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
            EmbedBench.flops(128) / 1e9,
            c.gflops(),
            c.shape(),
            r.ceilingRuns().size(),
            m.variant().equals("int8")
                ? "; int8 is measured against the same fp32 ceiling, so its utilisation can"
                    + " exceed what fp32 could reach"
                : ""));
    t.note(
        "* LangChain4j truncates to "
            + EmbedBench.LANGCHAIN4J_MAX_TOKENS
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
    t.note(r.header().machine().line());
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

  static void verdicts(Table t, ModelRun m) {
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
        if (l.targetTokens() <= EmbedBench.LANGCHAIN4J_MAX_TOKENS) {
          minLc = Math.min(minLc, r.overEmbedAll());
        }
      }
      String line =
          p.label
              + ": ÷ raw b32"
              + raw32
              + " ("
              + met(minRaw32, EmbedBench.TARGET_RAW)
              + ")"
              + (best.isEmpty()
                  ? ""
                  : "; ÷ raw best" + best + " (" + met(minBest, EmbedBench.TARGET_RAW) + ")")
              + "; ÷ embedAll"
              + lc
              + " ("
              + met(minLc, EmbedBench.TARGET_EMBED_ALL)
              + " at ≤128 tokens)";
      t.note(line);
    }
  }

  static String met(double value, double target) {
    return "target ≥ "
        + Table.ratio(target)
        + (value >= target ? ": met" : ": NOT met")
        + (value == Double.MAX_VALUE ? "" : ", worst " + Table.ratio(value));
  }

  static String ratio(Double r) {
    return r == null ? "-" : Table.ratio(r);
  }

  static Table qualityTable(Report r) {
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
}
