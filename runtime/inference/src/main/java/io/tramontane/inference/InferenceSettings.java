package io.tramontane.inference;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import io.tramontane.core.ConfigurationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code tramontane.inference}, read once. Every mistake is reported with its full key and a fix.
 *
 * @param device where models run
 * @param session ONNX Runtime session options shared by all models
 * @param batcher micro-batcher limits shared by all models
 * @param defaultEmbeddingModel the model the rest of the platform embeds with
 * @param models the registry, by name, in configuration order
 */
public record InferenceSettings(
    Device device,
    Session session,
    Batcher batcher,
    String defaultEmbeddingModel,
    Map<String, ModelSpec> models) {

  static final String KEY = "tramontane.inference";
  static final String MODELS_KEY = KEY + ".models";

  private static final Set<String> MODEL_KEYS =
      Set.of(
          "task",
          "model",
          "tokenizer",
          "max-sequence-length",
          "pooling",
          "normalize",
          "output-name",
          "labels",
          "load-at-start");

  public InferenceSettings {
    models = Map.copyOf(new LinkedHashMap<>(models));
    if (!models.containsKey(defaultEmbeddingModel)) {
      throw new ConfigurationException(
          KEY
              + ".default-embedding-model = \""
              + defaultEmbeddingModel
              + "\" is not a configured model; configured: "
              + new TreeSet<>(models.keySet())
              + ".");
    }
    if (models.get(defaultEmbeddingModel).task() != Task.EMBEDDING) {
      throw new ConfigurationException(
          KEY
              + ".default-embedding-model = \""
              + defaultEmbeddingModel
              + "\" is a "
              + models.get(defaultEmbeddingModel).task().name().toLowerCase(Locale.ROOT)
              + " model; it must be an embedding model.");
    }
  }

  /**
   * ONNX Runtime session options.
   *
   * @param intraOpThreads threads one inference may use; 0 = one per core
   * @param interOpThreads threads for parallel graph branches (sequential execution uses 1)
   * @param allowSpinning let idle ORT threads spin instead of sleeping (lower latency, burns CPU)
   * @param optimizationLevel graph optimisation: none, basic, extended or all
   */
  public record Session(
      int intraOpThreads, int interOpThreads, boolean allowSpinning, String optimizationLevel) {}

  /**
   * Micro-batcher limits.
   *
   * @param maxBatch texts per model run
   * @param maxDelay how long the first text of a batch waits for company
   * @param interactiveCapacity queued texts in the interactive lane before callers are refused
   * @param bulkCapacity queued texts in the bulk lane before callers are refused
   * @param retryAfter the delay refused callers are told to wait
   * @param maxTextChars the longest text accepted, in characters (bounds tokenizer work)
   */
  public record Batcher(
      int maxBatch,
      Duration maxDelay,
      int interactiveCapacity,
      int bulkCapacity,
      Duration retryAfter,
      int maxTextChars) {

    public Batcher {
      positive("batcher.max-batch", maxBatch);
      positive("batcher.interactive-queue-capacity", interactiveCapacity);
      positive("batcher.bulk-queue-capacity", bulkCapacity);
      positive("batcher.max-text-chars", maxTextChars);
      if (maxDelay.isNegative()) {
        throw new ConfigurationException(KEY + ".batcher.max-delay must not be negative.");
      }
    }

    /** The capacity of one lane. */
    public int capacity(Priority priority) {
      return priority == Priority.INTERACTIVE ? interactiveCapacity : bulkCapacity;
    }
  }

  /** Reads {@code tramontane.inference} from a resolved configuration. */
  public static InferenceSettings fromConfig(Config root) {
    Config c = root.getConfig(KEY);
    try {
      Device device = Device.parse(KEY + ".device", c.getString("device"));
      Config s = c.getConfig("session");
      Session session =
          new Session(
              nonNegative("session.intra-op-threads", s.getInt("intra-op-threads")),
              nonNegative("session.inter-op-threads", s.getInt("inter-op-threads")),
              s.getBoolean("allow-spinning"),
              optimizationLevel(s.getString("optimization-level")));
      Config b = c.getConfig("batcher");
      Batcher batcher =
          new Batcher(
              b.getInt("max-batch"),
              b.getDuration("max-delay"),
              b.getInt("interactive-queue-capacity"),
              b.getInt("bulk-queue-capacity"),
              b.getDuration("retry-after"),
              b.getInt("max-text-chars"));
      Map<String, ModelSpec> models = new LinkedHashMap<>();
      Config m = c.getConfig("models");
      for (String name : new TreeSet<>(m.root().keySet())) {
        if (m.root().get(name).valueType() != ConfigValueType.OBJECT) {
          throw new ConfigurationException(
              MODELS_KEY + "." + name + " must be an object { task = ..., model = ..., ... }.");
        }
        models.put(name, model(name, m.getConfig(name)));
      }
      if (models.isEmpty()) {
        throw new ConfigurationException(
            MODELS_KEY
                + " is empty: configure at least one model (the shipped default is minilm).");
      }
      return new InferenceSettings(
          device, session, batcher, c.getString("default-embedding-model"), models);
    } catch (ConfigException e) {
      throw new ConfigurationException(
          "Inference configuration: " + e.getMessage() + " (see runtime/inference/README.md).", e);
    }
  }

  private static ModelSpec model(String name, Config m) {
    String key = MODELS_KEY + "." + name;
    List<String> unknown = new ArrayList<>();
    for (String k : m.root().keySet()) {
      if (!MODEL_KEYS.contains(k)) {
        unknown.add(k);
      }
    }
    if (!unknown.isEmpty()) {
      throw new ConfigurationException(
          key
              + " has unknown key(s) "
              + unknown
              + "; the keys are "
              + new TreeSet<>(MODEL_KEYS)
              + ".");
    }
    Task task =
        enumValue(key + ".task", m.hasPath("task") ? m.getString("task") : "embedding", Task.class);
    if (!m.hasPath("model")) {
      throw new ConfigurationException(
          key + ".model is missing: set it to classpath:/<resource> or the path of an .onnx file.");
    }
    if (!m.hasPath("tokenizer")) {
      throw new ConfigurationException(
          key
              + ".tokenizer is missing: set it to the model's tokenizer.json (classpath: or path).");
    }
    return new ModelSpec(
        name,
        task,
        ModelSource.parse(key + ".model", m.getString("model")),
        ModelSource.parse(key + ".tokenizer", m.getString("tokenizer")),
        m.hasPath("max-sequence-length") ? m.getInt("max-sequence-length") : 256,
        enumValue(
            key + ".pooling",
            m.hasPath("pooling") ? m.getString("pooling") : "mean",
            Pooling.class),
        !m.hasPath("normalize") || m.getBoolean("normalize"),
        m.hasPath("output-name")
            ? m.getString("output-name")
            : task == Task.EMBEDDING ? "last_hidden_state" : "logits",
        m.hasPath("labels") ? m.getStringList("labels") : List.of(),
        m.hasPath("load-at-start") && m.getBoolean("load-at-start"));
  }

  private static <E extends Enum<E>> E enumValue(String key, String value, Class<E> type) {
    try {
      return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      List<String> allowed = new ArrayList<>();
      for (E constant : type.getEnumConstants()) {
        allowed.add(constant.name().toLowerCase(Locale.ROOT));
      }
      throw new ConfigurationException(
          key + " = \"" + value + "\" is not valid; use one of " + allowed + ".");
    }
  }

  private static String optimizationLevel(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (!Set.of("none", "basic", "extended", "all").contains(v)) {
      throw new ConfigurationException(
          KEY
              + ".session.optimization-level = \""
              + value
              + "\" is not valid; use none, basic, extended or all.");
    }
    return v;
  }

  private static int positive(String key, int value) {
    if (value <= 0) {
      throw new ConfigurationException(KEY + "." + key + " = " + value + " must be at least 1.");
    }
    return value;
  }

  private static int nonNegative(String key, int value) {
    if (value < 0) {
      throw new ConfigurationException(
          KEY + "." + key + " = " + value + " must be 0 (one per core) or more.");
    }
    return value;
  }
}
