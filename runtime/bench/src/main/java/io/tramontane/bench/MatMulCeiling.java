package io.tramontane.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.tramontane.inference.ExecutionProvider;
import io.tramontane.inference.InferenceSettings;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The matrix-multiply ceiling of this machine as ONNX Runtime reaches it: fp32 {@code [4096, 384] ×
 * [384, 1536]} (the shape of MiniLM's feed-forward layer over a batch of 4,096 tokens) through
 * ORT's own MatMul kernel, with the session options the embedding models run with.
 */
final class MatMulCeiling {

  static final int M = 4096;
  static final int K = 384;
  static final int N = 1536;

  /**
   * One measurement.
   *
   * @param shape the product measured
   * @param runs timed runs
   * @param medianMs median time per run
   * @param gflops GFLOP/s at the median run (2·M·K·N per run)
   * @param bestGflops GFLOP/s at the fastest run
   */
  record Result(String shape, int runs, double medianMs, double gflops, double bestGflops) {}

  private MatMulCeiling() {}

  static Result measure(InferenceSettings.Session session, Duration duration) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = ExecutionProvider.cpu(session);
        OrtSession s = env.createSession(OnnxMatMul.model(M, K, N), options);
        OnnxTensor a = OnnxTensor.createTensor(env, random(M * K, 1), new long[] {M, K});
        OnnxTensor b = OnnxTensor.createTensor(env, random(K * N, 2), new long[] {K, N})) {
      Map<String, OnnxTensor> feed = Map.of("A", a, "B", b);
      for (int i = 0; i < 3; i++) {
        s.run(feed).close();
      }
      List<Long> times = new ArrayList<>();
      long end = System.nanoTime() + duration.toNanos();
      while (times.size() < 5 || System.nanoTime() < end) {
        long t0 = System.nanoTime();
        s.run(feed).close();
        times.add(System.nanoTime() - t0);
      }
      times.sort(null);
      double flops = 2.0 * M * K * N;
      double median = times.get(times.size() / 2);
      return new Result(
          M + "×" + K + " · " + K + "×" + N + " fp32",
          times.size(),
          median / 1e6,
          flops / median,
          flops / times.getFirst());
    }
  }

  private static FloatBuffer random(int size, long seed) {
    FloatBuffer buffer =
        ByteBuffer.allocateDirect(size * Float.BYTES)
            .order(ByteOrder.nativeOrder())
            .asFloatBuffer();
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < size; i++) {
      buffer.put(i, (float) (random.nextDouble() - 0.5));
    }
    return buffer;
  }
}
