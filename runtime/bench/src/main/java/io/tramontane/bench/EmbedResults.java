package io.tramontane.bench;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import io.tramontane.inference.InferenceSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** What {@code bench embed} plans and measures: its variants, paths and JSON report. */
public final class EmbedResults {

  private EmbedResults() {}

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
      for (int i = 0; i < EmbedBench.LENGTHS.length; i++) {
        if (EmbedBench.LENGTHS[i] == length) {
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
      @JsonUnwrapped ReportHeader header,
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
}
