package io.tramontane.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Decoding batched outputs: padding is never read; softmax and logistic heads. */
class HeadTest {

  private static Encoded tokens(int n) {
    return new Encoded(new long[n], new long[n], false);
  }

  @Test
  void meanPoolingIgnoresPaddedPositions() {
    // batch 2, padded to 4 tokens, hidden 2. Row 0 has 2 real tokens; its padding holds 1e6.
    float[] out = {1, 2, 3, 4, 1e6f, 1e6f, 1e6f, 1e6f, 1, 1, 1, 1, 1, 1, 1, 1};
    long[] shape = {2, 4, 2};
    Head.Embedding head = new Head.Embedding(Pooling.MEAN, false);
    assertArrayEquals(new float[] {2, 3}, head.decode(out, shape, 0, tokens(2)).vector());
    assertArrayEquals(new float[] {1, 1}, head.decode(out, shape, 1, tokens(4)).vector());
  }

  @Test
  void clsPoolingAndNormalisation() {
    float[] out = {3, 4, 100, 100};
    long[] shape = {1, 2, 2};
    TextEmbedding e = new Head.Embedding(Pooling.CLS, true).decode(out, shape, 0, tokens(2));
    assertArrayEquals(new float[] {0.6f, 0.8f}, e.vector(), 1e-6f);
  }

  @Test
  void classifierRanksLabelsBySoftmax() {
    float[] out = {0, 0, 0, 2, 0, 1};
    Classification c =
        new Head.Classifier(List.of("a", "b", "c")).decode(out, new long[] {2, 3}, 1, tokens(3));
    assertEquals("a", c.top().name());
    double e2 = Math.exp(2);
    double e1 = Math.exp(1);
    assertEquals(e2 / (e2 + 1 + e1), c.top().probability(), 1e-9);
    assertEquals("c", c.labels().get(1).name());
  }

  @Test
  void rerankSquashesTheLogit() {
    Relevance r = new Head.Rerank().decode(new float[] {0, 3}, new long[] {2, 1}, 1, tokens(5));
    assertEquals(1 / (1 + Math.exp(-3)), r.score(), 1e-9);
  }
}
