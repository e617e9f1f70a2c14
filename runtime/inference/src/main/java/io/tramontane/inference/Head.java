package io.tramontane.inference;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns one row of a batched model output into a result. Padding positions (beyond the row's own
 * length) are never read, which is what makes a batched result equal the unbatched one.
 */
sealed interface Head {

  /**
   * @param out the output tensor, flattened row-major
   * @param shape its shape; dimension 0 is the batch
   * @param row the row to decode
   * @param input the row's input (its true length and truncation flag)
   */
  Object decode(float[] out, long[] shape, int row, Encoded input);

  static Head of(ModelSpec spec) {
    return switch (spec.task()) {
      case EMBEDDING -> new Embedding(spec.pooling(), spec.normalize());
      case CLASSIFICATION -> new Classifier(spec.labels());
      case RERANK -> new Rerank();
    };
  }

  /** [batch, tokens, hidden] → pooled vector. */
  record Embedding(Pooling pooling, boolean normalize) implements Head {
    @Override
    public TextEmbedding decode(float[] out, long[] shape, int row, Encoded input) {
      if (shape.length != 3) {
        throw new IllegalStateException(
            "an embedding model must output [batch, tokens, hidden], got rank " + shape.length);
      }
      int padded = (int) shape[1];
      int hidden = (int) shape[2];
      int base = row * padded * hidden;
      float[] v = new float[hidden];
      if (pooling == Pooling.CLS) {
        System.arraycopy(out, base, v, 0, hidden);
      } else {
        int n = input.length();
        double[] sum = new double[hidden];
        for (int t = 0; t < n; t++) {
          int off = base + t * hidden;
          for (int h = 0; h < hidden; h++) {
            sum[h] += out[off + h];
          }
        }
        for (int h = 0; h < hidden; h++) {
          v[h] = (float) (sum[h] / n);
        }
      }
      if (normalize) {
        double norm = 0;
        for (float x : v) {
          norm += (double) x * x;
        }
        norm = Math.sqrt(norm);
        if (norm > 0) {
          for (int h = 0; h < hidden; h++) {
            v[h] = (float) (v[h] / norm);
          }
        }
      }
      return new TextEmbedding(v, input.length(), input.truncated());
    }
  }

  /** [batch, labels] logits → softmax probabilities, most probable first. */
  record Classifier(List<String> labels) implements Head {
    @Override
    public Classification decode(float[] out, long[] shape, int row, Encoded input) {
      int n = (int) shape[shape.length - 1];
      if (n != labels.size()) {
        throw new IllegalStateException(
            "the model outputs " + n + " logits but " + labels.size() + " labels are configured");
      }
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        max = Math.max(max, out[row * n + i]);
      }
      double[] e = new double[n];
      double total = 0;
      for (int i = 0; i < n; i++) {
        e[i] = Math.exp(out[row * n + i] - max);
        total += e[i];
      }
      List<Classification.Label> result = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        result.add(new Classification.Label(labels.get(i), e[i] / total));
      }
      result.sort(Comparator.comparingDouble(Classification.Label::probability).reversed());
      return new Classification(result, input.truncated());
    }
  }

  /** [batch, 1] (or [batch]) relevance logit → logistic score. */
  record Rerank() implements Head {
    @Override
    public Relevance decode(float[] out, long[] shape, int row, Encoded input) {
      int width = shape.length == 1 ? 1 : (int) shape[shape.length - 1];
      double logit = out[row * width];
      return new Relevance(1 / (1 + Math.exp(-logit)), input.truncated());
    }
  }
}
