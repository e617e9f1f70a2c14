package io.tramontane.bench;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.tramontane.inference.ExecutionProvider;
import io.tramontane.inference.InferenceSettings;
import io.tramontane.inference.ModelSpec;
import io.tramontane.inference.TextEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Baseline A: the raw ONNX Runtime Java API on the same {@code .onnx} file, session options ({@link
 * ExecutionProvider#cpu}) and tokenizer ({@link TextEncoder#tokenizer}) as the runtime, fed
 * pre-tokenised, padded per batch, mean-pooled over the mask and L2-normalised (the same work as
 * the runtime's head), with no queue, no futures and no tokenising in the timed part.
 */
final class EmbedRawOrt implements AutoCloseable {

  private static final String OUTPUT = "last_hidden_state";

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final HuggingFaceTokenizer tokenizer;
  private final Set<String> inputs;

  EmbedRawOrt(ModelSpec spec, InferenceSettings.Session options) throws OrtException {
    byte[] model = spec.model().readAll(spec.key() + ".model");
    try (OrtSession.SessionOptions o = ExecutionProvider.cpu(options)) {
      session = env.createSession(model, o);
    }
    inputs = session.getInputNames();
    try {
      tokenizer = TextEncoder.tokenizer(spec);
    } catch (IOException e) {
      session.close();
      throw new UncheckedIOException(e);
    }
  }

  HuggingFaceTokenizer tokenizer() {
    return tokenizer;
  }

  /** Token ids (with the special tokens) of each text. */
  long[][] tokenize(List<String> texts) {
    long[][] ids = new long[texts.size()][];
    for (int i = 0; i < ids.length; i++) {
      Encoding e = tokenizer.encode(texts.get(i));
      ids[i] = e.getIds();
    }
    return ids;
  }

  /**
   * Embeds pre-tokenised inputs {@code batch} at a time, in the order given; returns the vectors.
   */
  float[][] embed(long[][] ids, int batch) throws OrtException {
    float[][] out = new float[ids.length][];
    for (int from = 0; from < ids.length; from += batch) {
      run(ids, from, Math.min(ids.length, from + batch), out);
    }
    return out;
  }

  /** Tokens processed including padding when {@code ids} run {@code batch} at a time in order. */
  static long paddedTokens(long[][] ids, int batch) {
    long padded = 0;
    for (int from = 0; from < ids.length; from += batch) {
      int to = Math.min(ids.length, from + batch);
      int longest = 0;
      for (int i = from; i < to; i++) {
        longest = Math.max(longest, ids[i].length);
      }
      padded += (long) longest * (to - from);
    }
    return padded;
  }

  private void run(long[][] ids, int from, int to, float[][] out) throws OrtException {
    int b = to - from;
    int padded = 0;
    for (int i = from; i < to; i++) {
      padded = Math.max(padded, ids[i].length);
    }
    LongBuffer input = direct(b * padded);
    LongBuffer mask = direct(b * padded);
    LongBuffer types = direct(b * padded);
    for (int r = 0; r < b; r++) {
      long[] row = ids[from + r];
      for (int t = 0; t < row.length; t++) {
        input.put(r * padded + t, row[t]);
        mask.put(r * padded + t, 1L);
      }
    }
    long[] shape = {b, padded};
    Map<String, OnnxTensor> feed = new HashMap<>();
    try {
      feed.put("input_ids", OnnxTensor.createTensor(env, input, shape));
      if (inputs.contains("attention_mask")) {
        feed.put("attention_mask", OnnxTensor.createTensor(env, mask, shape));
      }
      if (inputs.contains("token_type_ids")) {
        feed.put("token_type_ids", OnnxTensor.createTensor(env, types, shape));
      }
      try (OrtSession.Result result = session.run(feed, Set.of(OUTPUT))) {
        OnnxTensor tensor = (OnnxTensor) result.get(OUTPUT).orElseThrow();
        int hidden = (int) tensor.getInfo().getShape()[2];
        FloatBuffer fb = tensor.getFloatBuffer();
        for (int r = 0; r < b; r++) {
          out[from + r] = meanPool(fb, r * padded * hidden, ids[from + r].length, hidden);
        }
      }
    } finally {
      for (OnnxTensor t : feed.values()) {
        t.close();
      }
    }
  }

  private static float[] meanPool(FloatBuffer fb, int base, int length, int hidden) {
    double[] sum = new double[hidden];
    for (int t = 0; t < length; t++) {
      int off = base + t * hidden;
      for (int h = 0; h < hidden; h++) {
        sum[h] += fb.get(off + h);
      }
    }
    double norm = 0;
    for (int h = 0; h < hidden; h++) {
      sum[h] /= length;
      norm += sum[h] * sum[h];
    }
    norm = Math.sqrt(norm);
    float[] v = new float[hidden];
    for (int h = 0; h < hidden; h++) {
      v[h] = (float) (norm > 0 ? sum[h] / norm : sum[h]);
    }
    return v;
  }

  private static LongBuffer direct(int size) {
    return ByteBuffer.allocateDirect(size * Long.BYTES)
        .order(ByteOrder.nativeOrder())
        .asLongBuffer();
  }

  @Override
  public void close() throws OrtException {
    tokenizer.close();
    session.close();
  }
}
