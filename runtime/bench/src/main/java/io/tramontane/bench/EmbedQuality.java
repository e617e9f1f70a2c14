package io.tramontane.bench;

import ai.onnxruntime.OrtException;
import io.tramontane.inference.InferenceRuntime;
import io.tramontane.inference.Priority;
import io.tramontane.inference.TextEmbedding;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Whether a model's vectors depend on their batch-mates (drift), and what that costs a retrieval
 * (known-item MRR@10): evidence for choosing the fp32 or the int8 model as the default.
 */
final class EmbedQuality {

  static final int DRIFT_BATCH = 32;
  static final int MRR_CUTOFF = 10;

  private EmbedQuality() {}

  /**
   * Cosine of each text's vector computed alone (batch 1) with the same text's vector computed
   * among random batch-mates of varied lengths.
   *
   * @param texts texts compared (each is also a batch-mate of the others)
   * @param rawMin raw ORT, batch of 32 padded to its longest vs batch 1: lowest cosine
   * @param rawMean raw ORT: mean cosine
   * @param runtimeMin the runtime, {@code embedAll} of 32 texts (its batcher sorts them and may cut
   *     the batch where lengths jump) vs {@code embed} of the text alone: lowest cosine
   * @param runtimeMean the runtime: mean cosine
   */
  record Drift(int texts, double rawMin, double rawMean, double runtimeMin, double runtimeMean) {}

  static Drift drift(InferenceRuntime runtime, String model, EmbedRawOrt raw, List<String> texts)
      throws OrtException {
    List<String> mixed = new ArrayList<>(texts);
    Collections.shuffle(mixed, new Random(7));
    long[][] ids = raw.tokenize(mixed);
    float[][] rawAlone = raw.embed(ids, 1);
    float[][] rawBatched = raw.embed(ids, DRIFT_BATCH);
    List<TextEmbedding> alone = new ArrayList<>();
    for (String t : mixed) {
      alone.add(runtime.embed(model, t, Priority.INTERACTIVE).toCompletableFuture().join());
    }
    List<TextEmbedding> batched = new ArrayList<>();
    for (int from = 0; from < mixed.size(); from += DRIFT_BATCH) {
      List<String> batch = mixed.subList(from, Math.min(mixed.size(), from + DRIFT_BATCH));
      batched.addAll(runtime.embedAll(model, batch, Priority.BULK).toCompletableFuture().join());
    }
    double rawMin = 1;
    double rawSum = 0;
    double rtMin = 1;
    double rtSum = 0;
    for (int i = 0; i < mixed.size(); i++) {
      double r = TextEmbedding.cosine(rawAlone[i], rawBatched[i]);
      double o = alone.get(i).cosine(batched.get(i));
      rawMin = Math.min(rawMin, r);
      rawSum += r;
      rtMin = Math.min(rtMin, o);
      rtSum += o;
    }
    int n = mixed.size();
    return new Drift(n, rawMin, rawSum / n, rtMin, rtSum / n);
  }

  /**
   * Known-item retrieval: each query should find the document it was cut from.
   *
   * @param documents documents searched
   * @param documentsEmbedded how the documents were embedded
   * @param queriesEmbedded how the queries were embedded
   * @param mrrAt10 mean reciprocal rank of the right document, 0 when below rank 10
   * @param recallAt1 share of queries whose document ranks first
   * @param recallAt10 share of queries whose document is in the top 10
   */
  record Retrieval(
      String model,
      int documents,
      String documentsEmbedded,
      String queriesEmbedded,
      double mrrAt10,
      double recallAt1,
      double recallAt10) {}

  /** Documents in bulk batches (with batch-mates) or one by one; queries always one by one. */
  static Retrieval retrieval(
      InferenceRuntime runtime,
      String variant,
      String model,
      EmbedCorpus.KnownItems items,
      boolean documentsAlone) {
    List<TextEmbedding> docs;
    if (documentsAlone) {
      docs = alone(runtime, model, items.documents());
    } else {
      docs = runtime.embedAll(model, items.documents(), Priority.BULK).toCompletableFuture().join();
    }
    List<TextEmbedding> queries = alone(runtime, model, items.queries());
    double rr = 0;
    int first = 0;
    int top10 = 0;
    for (int q = 0; q < queries.size(); q++) {
      float[] qv = queries.get(q).vector();
      double own = dot(qv, docs.get(q).vector());
      int rank = 1;
      for (int d = 0; d < docs.size(); d++) {
        if (d != q && dot(qv, docs.get(d).vector()) > own) {
          rank++;
        }
      }
      if (rank == 1) {
        first++;
      }
      if (rank <= MRR_CUTOFF) {
        top10++;
        rr += 1.0 / rank;
      }
    }
    int n = queries.size();
    return new Retrieval(
        variant,
        n,
        documentsAlone ? "alone (batch 1)" : "embedAll, bulk batches",
        "alone (batch 1)",
        rr / n,
        (double) first / n,
        (double) top10 / n);
  }

  private static List<TextEmbedding> alone(
      InferenceRuntime runtime, String model, List<String> texts) {
    List<TextEmbedding> out = new ArrayList<>(texts.size());
    for (String t : texts) {
      out.add(runtime.embed(model, t, Priority.INTERACTIVE).toCompletableFuture().join());
    }
    return out;
  }

  /** Vectors are L2-normalised, so the dot product is the cosine. */
  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}
