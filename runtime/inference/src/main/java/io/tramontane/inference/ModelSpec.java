package io.tramontane.inference;

import io.tramontane.core.ConfigurationException;
import java.util.List;
import java.util.Objects;

/**
 * One configured model ({@code tramontane.inference.models.<name>}).
 *
 * @param name the model's name in the registry
 * @param task what it computes
 * @param model the ONNX file
 * @param tokenizer the Hugging Face {@code tokenizer.json}
 * @param maxSequenceLength tokens per text including the special tokens; longer texts are truncated
 *     and the result says so
 * @param pooling embedding models: how token vectors become one vector
 * @param normalize embedding models: L2-normalise the vector (cosine = dot product)
 * @param outputName the ONNX output to read ({@code last_hidden_state} for BERT encoders, {@code
 *     logits} for classifiers and cross-encoders)
 * @param labels classification models: one label per logit, in order
 * @param loadAtStart load when the runtime starts (errors surface at start) rather than on first
 *     use
 */
public record ModelSpec(
    String name,
    Task task,
    ModelSource model,
    ModelSource tokenizer,
    int maxSequenceLength,
    Pooling pooling,
    boolean normalize,
    String outputName,
    List<String> labels,
    boolean loadAtStart) {

  public ModelSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(tokenizer, "tokenizer");
    Objects.requireNonNull(pooling, "pooling");
    Objects.requireNonNull(outputName, "outputName");
    labels = List.copyOf(labels);
    String key = InferenceSettings.MODELS_KEY + "." + name;
    if (maxSequenceLength < 2) {
      throw new ConfigurationException(
          key
              + ".max-sequence-length = "
              + maxSequenceLength
              + ": needs room for at least the two special tokens; MiniLM uses 256.");
    }
    if (task == Task.CLASSIFICATION && labels.isEmpty()) {
      throw new ConfigurationException(
          key + ".labels is empty: a classification model needs one label per output logit.");
    }
  }

  /** The configuration key prefix of this model, for messages. */
  public String key() {
    return InferenceSettings.MODELS_KEY + "." + name;
  }
}
