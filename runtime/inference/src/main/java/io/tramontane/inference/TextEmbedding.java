package io.tramontane.inference;

/**
 * The embedding of one text.
 *
 * @param vector the pooled (and, if configured, L2-normalised) vector
 * @param tokens tokens the model saw, including the special tokens
 * @param truncated the text was longer than the model's limit and only its beginning was embedded
 */
public record TextEmbedding(float[] vector, int tokens, boolean truncated) {

  /** Cosine similarity with another embedding. */
  public double cosine(TextEmbedding other) {
    return cosine(vector, other.vector);
  }

  /** Cosine similarity of two vectors of the same length. */
  public static double cosine(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("vectors of length " + a.length + " and " + b.length);
    }
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }
}
