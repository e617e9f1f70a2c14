package io.tramontane.inference;

import com.typesafe.config.Config;
import io.tramontane.core.ConfigurationException;
import io.tramontane.core.InvalidRequestException;
import io.tramontane.core.TramontaneException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's model host: a registry of ONNX models from {@code tramontane.inference}, each with
 * its own cross-request {@link MicroBatcher}. Thread-safe; one per process.
 *
 * <p>All calls are asynchronous and never block the caller on inference: errors (unknown model,
 * empty text, overloaded lane) come back as failed stages carrying a {@link TramontaneException}
 * whose message says what to do. The LangChain4j port is {@link #embeddingModel(String, Priority)}.
 */
public final class InferenceRuntime implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(InferenceRuntime.class);

  private final InferenceSettings settings;
  private volatile HostedModel.Placement placement;
  private volatile String deviceNote;
  private final Map<String, Loaded> loaded = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private record Loaded(HostedModel model, MicroBatcher batcher) {}

  /**
   * What a hosted model is.
   *
   * @param name the registry name
   * @param task what it computes
   * @param dimension embedding width, or number of labels
   * @param maxTokens the model's token limit; longer inputs are truncated
   * @param device {@code cpu} or {@code cuda:N}
   */
  public record ModelInfo(String name, Task task, int dimension, int maxTokens, String device) {}

  private InferenceRuntime(InferenceSettings settings) {
    this.settings = settings;
    switch (settings.device()) {
      case Device.Cpu c -> {
        placement = HostedModel.Placement.CPU;
        deviceNote = "cpu";
      }
      case Device.Cuda cuda -> {
        // Fails here, at start, with one sentence when the build or the machine cannot do CUDA.
        ExecutionProvider.cuda(settings.session(), cuda.deviceId()).close();
        placement = new HostedModel.Placement(cuda.deviceId(), false);
        deviceNote = cuda.toString();
      }
      case Device.Auto a -> {
        String why = null;
        if (!ExecutionProvider.cudaInBuild()) {
          why = ExecutionProvider.CPU_BUILD + "; build with ./mvnw -Pgpu for CUDA";
        } else {
          try {
            ExecutionProvider.cuda(settings.session(), 0).close();
          } catch (ConfigurationException e) {
            why =
                "ONNX Runtime's CUDA provider could not start: "
                    + ExecutionProvider.firstLine(
                        e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
          }
        }
        if (why == null) {
          placement = new HostedModel.Placement(0, true);
          deviceNote = "cuda:0 (device=auto)";
        } else {
          placement = HostedModel.Placement.CPU;
          deviceNote = "cpu (device=auto: " + why + ")";
        }
        log.info("Inference runs on {}", deviceNote);
      }
    }
  }

  /**
   * Starts the runtime from {@code tramontane.inference}; loads the models marked load-at-start.
   */
  public static InferenceRuntime start(Config config) {
    return start(InferenceSettings.fromConfig(config));
  }

  /** Starts the runtime; loads the models marked load-at-start (errors surface here). */
  public static InferenceRuntime start(InferenceSettings settings) {
    InferenceRuntime runtime = new InferenceRuntime(settings);
    try {
      for (ModelSpec spec : settings.models().values()) {
        if (spec.loadAtStart()) {
          runtime.load(spec.name());
        }
      }
    } catch (RuntimeException e) {
      runtime.close();
      throw e;
    }
    return runtime;
  }

  public InferenceSettings settings() {
    return settings;
  }

  /** Where models run and why, e.g. {@code cpu (device=auto: this build carries …)}. */
  public String deviceNote() {
    return deviceNote;
  }

  /** The configured model names. */
  public Set<String> modelNames() {
    return new TreeSet<>(settings.models().keySet());
  }

  /** Describes a model, loading it if it is not loaded yet. */
  public ModelInfo model(String name) {
    HostedModel m = load(name).model();
    return new ModelInfo(
        name, m.spec().task(), m.dimension(), m.spec().maxSequenceLength(), m.device());
  }

  /** Embeds one text with the named embedding model. */
  public CompletionStage<TextEmbedding> embed(String model, String text, Priority priority) {
    return single(model, Task.EMBEDDING, priority, TextEmbedding.class, e -> e.encode(text));
  }

  /**
   * Embeds several texts as one request (all admitted or none); results in input order. Texts are
   * queued sorted by length so their batches need little padding.
   */
  public CompletionStage<List<TextEmbedding>> embedAll(
      String model, List<String> texts, Priority priority) {
    try {
      Loaded l = loadFor(model, Task.EMBEDDING);
      if (texts.isEmpty()) {
        return CompletableFuture.completedFuture(List.of());
      }
      Encoded[] encoded = new Encoded[texts.size()];
      for (int i = 0; i < encoded.length; i++) {
        try {
          encoded[i] = l.model().encoder().encode(texts.get(i));
        } catch (InvalidRequestException e) {
          throw new InvalidRequestException(
              "Text " + (i + 1) + " of " + texts.size() + ": " + e.getMessage());
        }
      }
      Integer[] order = new Integer[encoded.length];
      Arrays.setAll(order, i -> i);
      Arrays.sort(order, Comparator.comparingInt(i -> encoded[i].length()));
      List<Encoded> sorted = new ArrayList<>(encoded.length);
      for (Integer i : order) {
        sorted.add(encoded[i]);
      }
      List<CompletableFuture<Object>> futures = l.batcher().submitAll(sorted, priority);
      return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
          .thenApply(
              done -> {
                TextEmbedding[] out = new TextEmbedding[encoded.length];
                for (int k = 0; k < order.length; k++) {
                  out[order[k]] = (TextEmbedding) futures.get(k).join();
                }
                return List.of(out);
              });
    } catch (TramontaneException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Tokens the named model would see for {@code text}, special tokens included, capped at its
   * limit; {@code truncated} when the text does not fit. Runs on the caller's thread (tokenising
   * only), for chunkers that must cut text to the model's limit.
   */
  public TokenCount countTokens(String model, String text) {
    Encoded e = load(model).model().encoder().encode(text);
    return new TokenCount(e.length(), e.truncated());
  }

  /**
   * @param tokens tokens including special tokens, at most the model's limit
   * @param truncated the text is longer than the model's limit
   */
  public record TokenCount(int tokens, boolean truncated) {}

  /** Classifies one text with the named classification model. */
  public CompletionStage<Classification> classify(String model, String text, Priority priority) {
    return single(model, Task.CLASSIFICATION, priority, Classification.class, e -> e.encode(text));
  }

  /** Scores a passage's relevance to a query with the named cross-encoder. */
  public CompletionStage<Relevance> rerank(
      String model, String query, String passage, Priority priority) {
    return single(model, Task.RERANK, priority, Relevance.class, e -> e.encodePair(query, passage));
  }

  /** The default embedding model as a LangChain4j {@code EmbeddingModel}, interactive lane. */
  public RuntimeEmbeddingModel embeddingModel() {
    return embeddingModel(settings.defaultEmbeddingModel(), Priority.INTERACTIVE);
  }

  /** A LangChain4j {@code EmbeddingModel} backed by this runtime, on the given lane. */
  public RuntimeEmbeddingModel embeddingModel(String model, Priority priority) {
    ModelInfo info = model(model);
    if (info.task() != Task.EMBEDDING) {
      throw wrongTask(model, info.task(), Task.EMBEDDING);
    }
    return new RuntimeEmbeddingModel(this, info, priority);
  }

  /** Batcher figures for every loaded model. */
  public List<InferenceMetrics> metrics() {
    List<InferenceMetrics> out = new ArrayList<>();
    for (String name : new TreeSet<>(loaded.keySet())) {
      out.add(loaded.get(name).batcher().metrics());
    }
    return out;
  }

  private interface EncodeStep {
    Encoded apply(TextEncoder encoder);
  }

  private <T> CompletionStage<T> single(
      String model, Task task, Priority priority, Class<T> type, EncodeStep encode) {
    try {
      Loaded l = loadFor(model, task);
      Encoded input = encode.apply(l.model().encoder());
      return l.batcher().submit(input, priority).thenApply(type::cast);
    } catch (TramontaneException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private Loaded loadFor(String model, Task task) {
    Loaded l = load(model);
    if (l.model().spec().task() != task) {
      throw wrongTask(model, l.model().spec().task(), task);
    }
    return l;
  }

  private static InvalidRequestException wrongTask(String model, Task is, Task wanted) {
    return new InvalidRequestException(
        "Model '"
            + model
            + "' is a "
            + is.name().toLowerCase(Locale.ROOT)
            + " model, not a "
            + wanted.name().toLowerCase(Locale.ROOT)
            + " model.");
  }

  private Loaded load(String name) {
    Loaded l = loaded.get(name);
    if (l != null) {
      return l;
    }
    ModelSpec spec = settings.models().get(name);
    if (spec == null) {
      throw new InvalidRequestException(
          "No model named '"
              + name
              + "'; configured models: "
              + modelNames()
              + " (tramontane.inference.models).");
    }
    synchronized (this) {
      if (closed) {
        throw new io.tramontane.core.UnavailableException(
            "The inference runtime is shut down.", settings.batcher().retryAfter());
      }
      return loaded.computeIfAbsent(
          name,
          n -> {
            HostedModel m = HostedModel.load(spec, settings, placement);
            if (placement.fallbackToCpu() && m.device().equals("cpu")) {
              // device=auto and the GPU did not answer: every later model goes to the CPU directly.
              placement = HostedModel.Placement.CPU;
              deviceNote = "cpu (device=auto: the GPU did not answer when loading '" + n + "')";
            }
            return new Loaded(m, new MicroBatcher(m, settings.batcher()));
          });
    }
  }

  /** Stops every batcher (queued requests fail with a retriable error) and frees the models. */
  @Override
  public synchronized void close() {
    closed = true;
    for (Loaded l : loaded.values()) {
      l.batcher().close();
      l.model().close();
    }
    loaded.clear();
  }
}
