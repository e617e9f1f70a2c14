package io.tramontane.inference;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.tramontane.core.ConfigurationException;
import io.tramontane.core.InvalidRequestException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * The model's own Hugging Face tokenizer (DJL's binding of the Rust {@code tokenizers} library,
 * thread-safe), truncating to the model's limit and reporting when it did.
 */
public final class TextEncoder implements AutoCloseable {

  private final HuggingFaceTokenizer tokenizer;
  private final int maxTokens;
  private final int maxChars;
  private final String model;

  private TextEncoder(HuggingFaceTokenizer tokenizer, int maxTokens, int maxChars, String model) {
    this.tokenizer = tokenizer;
    this.maxTokens = maxTokens;
    this.maxChars = maxChars;
    this.model = model;
  }

  static TextEncoder load(ModelSpec spec, int maxChars) {
    String key = spec.key() + ".tokenizer";
    try {
      return new TextEncoder(tokenizer(spec), spec.maxSequenceLength(), maxChars, spec.name());
    } catch (IOException | RuntimeException e) {
      if (e instanceof ConfigurationException ce) {
        throw ce;
      }
      throw new ConfigurationException(
          key
              + " = "
              + spec.tokenizer()
              + " is not a Hugging Face tokenizer.json this runtime can read: "
              + e.getMessage(),
          e);
    }
  }

  /**
   * The model's tokenizer as the runtime configures it: special tokens added, no padding, truncated
   * to the model's limit (public: the benchmarks' raw ONNX Runtime baseline tokenises the same).
   */
  public static HuggingFaceTokenizer tokenizer(ModelSpec spec) throws IOException {
    try (InputStream in = spec.tokenizer().open(spec.key() + ".tokenizer")) {
      return HuggingFaceTokenizer.newInstance(
          in,
          Map.of(
              "addSpecialTokens", "true",
              "padding", "false",
              "truncation", "true",
              "maxLength", Integer.toString(spec.maxSequenceLength())));
    }
  }

  /** Tokenises one text. Empty, blank or oversized text is refused with a clear message. */
  Encoded encode(String text) {
    check(text, "text");
    return toEncoded(tokenizer.encode(text));
  }

  /** Tokenises a (query, passage) pair for cross-encoders. */
  Encoded encodePair(String first, String second) {
    check(first, "query");
    check(second, "passage");
    return toEncoded(tokenizer.encode(first, second));
  }

  int maxTokens() {
    return maxTokens;
  }

  private Encoded toEncoded(Encoding e) {
    return new Encoded(e.getIds(), e.getTypeIds(), e.exceedMaxLength());
  }

  private void check(String text, String what) {
    if (text == null || text.isBlank()) {
      throw new InvalidRequestException(
          "Cannot run model '"
              + model
              + "' on an empty "
              + what
              + ": send at least one non-whitespace character.");
    }
    if (text.length() > maxChars) {
      throw new InvalidRequestException(
          "The "
              + what
              + " is "
              + text.length()
              + " characters; model '"
              + model
              + "' accepts at most "
              + maxChars
              + " (tramontane.inference.batcher.max-text-chars). Split it into chunks first.");
    }
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
