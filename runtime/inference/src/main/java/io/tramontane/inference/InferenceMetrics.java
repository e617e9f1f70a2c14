package io.tramontane.inference;

import java.util.Arrays;

/**
 * A snapshot of one model's batcher, for logs, benchmarks and the future {@code /metrics} route.
 *
 * @param model the model's name
 * @param device where it runs
 * @param interactiveQueued texts waiting in the interactive lane
 * @param bulkQueued texts waiting in the bulk lane
 * @param completed texts answered
 * @param rejected texts refused because a lane was full
 * @param failed texts whose batch failed in ONNX Runtime
 * @param batches model runs
 * @param realTokens tokens of the texts themselves
 * @param paddedTokens tokens the model processed including padding ({@code real/padded} is the
 *     padding efficiency)
 * @param batchSizes texts per model run
 * @param latencyMicros enqueue-to-answer time, in microseconds
 */
public record InferenceMetrics(
    String model,
    String device,
    int interactiveQueued,
    int bulkQueued,
    long completed,
    long rejected,
    long failed,
    long batches,
    long realTokens,
    long paddedTokens,
    Buckets batchSizes,
    Buckets latencyMicros) {

  /** Mean texts per model run. */
  public double meanBatchSize() {
    return batches == 0 ? 0 : (double) completed / batches;
  }

  /**
   * Histogram buckets: {@code counts[i]} values were at most {@code upperBounds[i]} (and above the
   * previous bound); the last count is for values above every bound.
   */
  public record Buckets(long[] upperBounds, long[] counts) {

    public long total() {
      return Arrays.stream(counts).sum();
    }

    /** The bucket bound under which at least {@code q} of the values fall (upper estimate). */
    public long quantile(double q) {
      long total = total();
      if (total == 0) {
        return 0;
      }
      long needed = (long) Math.ceil(q * total);
      long seen = 0;
      for (int i = 0; i < counts.length; i++) {
        seen += counts[i];
        if (seen >= needed) {
          return i < upperBounds.length ? upperBounds[i] : Long.MAX_VALUE;
        }
      }
      return Long.MAX_VALUE;
    }
  }
}
