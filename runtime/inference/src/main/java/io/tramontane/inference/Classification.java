package io.tramontane.inference;

import java.util.List;

/**
 * A classification model's answer for one text.
 *
 * @param labels every label with its probability, most probable first
 * @param truncated the text was longer than the model's limit
 */
public record Classification(List<Label> labels, boolean truncated) {

  public Classification {
    labels = List.copyOf(labels);
  }

  /** One label and its probability (softmax over the model's logits). */
  public record Label(String name, double probability) {}

  /** The most probable label. */
  public Label top() {
    return labels.getFirst();
  }
}
