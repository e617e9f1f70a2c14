package io.tramontane.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.tramontane.core.ConfigurationException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded model: its ONNX Runtime session on the chosen device, its tokenizer and its head. Runs
 * a batch of encoded inputs padded to the batch's longest, with padding masked.
 */
final class HostedModel implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HostedModel.class);
  private static final Set<String> KNOWN_INPUTS =
      Set.of("input_ids", "attention_mask", "token_type_ids");

  private final ModelSpec spec;
  private final OrtEnvironment env;
  private final OrtSession session;
  private final TextEncoder encoder;
  private final Head head;
  private final String device;
  private final Set<String> inputs;
  private final int dimension;

  private HostedModel(
      ModelSpec spec,
      OrtEnvironment env,
      OrtSession session,
      TextEncoder encoder,
      String device,
      Set<String> inputs,
      int dimension) {
    this.spec = spec;
    this.env = env;
    this.session = session;
    this.encoder = encoder;
    this.head = Head.of(spec);
    this.device = device;
    this.inputs = inputs;
    this.dimension = dimension;
  }

  /**
   * Loads the model on {@code placement}, checks its inputs and output, and runs it once so that a
   * broken file fails here rather than on the first request.
   */
  static HostedModel load(ModelSpec spec, InferenceSettings settings, Placement placement) {
    long started = System.nanoTime();
    TextEncoder encoder = TextEncoder.load(spec, settings.batcher().maxTextChars());
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    byte[] bytes = spec.model().readAll(spec.key() + ".model");
    OrtSession session = null;
    try {
      String device;
      try (OrtSession.SessionOptions options = placement.options(settings.session())) {
        session = env.createSession(bytes, options);
        device = placement.label();
      } catch (OrtException | ConfigurationException e) {
        if (placement.cudaId() >= 0 && placement.fallbackToCpu()) {
          Throwable cause =
              e instanceof ConfigurationException && e.getCause() != null ? e.getCause() : e;
          log.warn(
              "device=auto: model '{}' runs on the CPU because the GPU did not answer ({})",
              spec.name(),
              ExecutionProvider.firstLine(cause.getMessage()));
          try (OrtSession.SessionOptions cpu = ExecutionProvider.cpu(settings.session())) {
            session = env.createSession(bytes, cpu);
            device = "cpu";
          }
        } else if (e instanceof ConfigurationException ce) {
          throw ce;
        } else if (placement.cudaId() >= 0) {
          throw ExecutionProvider.cudaUnusable(placement.cudaId(), e);
        } else {
          throw (OrtException) e;
        }
      }
      Set<String> inputs = checkInputs(spec, session);
      int dimension = checkOutput(spec, session);
      HostedModel model = new HostedModel(spec, env, session, encoder, device, inputs, dimension);
      int measured = model.warmUp();
      model = measured == dimension ? model : model.withDimension(measured);
      log.info(
          "Model '{}' ({}, {}) loaded from {} on {} in {} ms; {} dimensions, max {} tokens",
          spec.name(),
          spec.task().name().toLowerCase(),
          spec.pooling().name().toLowerCase(),
          spec.model(),
          device,
          (System.nanoTime() - started) / 1_000_000,
          model.dimension,
          spec.maxSequenceLength());
      return model;
    } catch (OrtException e) {
      closeQuietly(session);
      encoder.close();
      throw new ConfigurationException(
          spec.key()
              + ".model = "
              + spec.model()
              + " could not be loaded by ONNX Runtime: "
              + ExecutionProvider.firstLine(e.getMessage()),
          e);
    } catch (RuntimeException e) {
      closeQuietly(session);
      encoder.close();
      throw e;
    }
  }

  private HostedModel withDimension(int measured) {
    return new HostedModel(spec, env, session, encoder, device, inputs, measured);
  }

  private static Set<String> checkInputs(ModelSpec spec, OrtSession session) {
    Set<String> names = session.getInputNames();
    if (!names.contains("input_ids")) {
      throw new ConfigurationException(
          spec.key()
              + ".model = "
              + spec.model()
              + " has no input_ids input (its inputs: "
              + new TreeSet<>(names)
              + "); only BERT-style text encoders are supported.");
    }
    for (String name : names) {
      if (!KNOWN_INPUTS.contains(name)) {
        throw new ConfigurationException(
            spec.key()
                + ".model = "
                + spec.model()
                + " needs an input named '"
                + name
                + "'; supported inputs are "
                + new TreeSet<>(KNOWN_INPUTS)
                + ".");
      }
    }
    return Set.copyOf(names);
  }

  private static int checkOutput(ModelSpec spec, OrtSession session) throws OrtException {
    Map<String, NodeInfo> outputs = session.getOutputInfo();
    NodeInfo info = outputs.get(spec.outputName());
    if (info == null) {
      throw new ConfigurationException(
          spec.key()
              + ".output-name = \""
              + spec.outputName()
              + "\" is not an output of "
              + spec.model()
              + "; its outputs are "
              + new TreeSet<>(outputs.keySet())
              + ".");
    }
    if (info.getInfo() instanceof TensorInfo t) {
      long[] shape = t.getShape();
      if (spec.task() == Task.EMBEDDING && shape.length != 3) {
        throw new ConfigurationException(
            spec.key()
                + ".output-name = \""
                + spec.outputName()
                + "\" has rank "
                + shape.length
                + "; an embedding model's output must be [batch, tokens, hidden]"
                + " (for BERT encoders: last_hidden_state).");
      }
      return (int) shape[shape.length - 1];
    }
    throw new ConfigurationException(
        spec.key() + ".output-name = \"" + spec.outputName() + "\" is not a tensor output.");
  }

  private int warmUp() throws OrtException {
    Encoded e = encoder.encode("Tramontane warm-up.");
    List<Object> out = run(List.of(e));
    return switch (out.getFirst()) {
      case TextEmbedding t -> t.vector().length;
      case Classification c -> c.labels().size();
      default -> dimension;
    };
  }

  /** Runs one batch; results in input order. Called from the model's batcher thread only. */
  List<Object> run(List<Encoded> batch) throws OrtException {
    int b = batch.size();
    int padded = 0;
    for (Encoded e : batch) {
      padded = Math.max(padded, e.length());
    }
    LongBuffer ids = LongBuffer.allocate(b * padded);
    LongBuffer mask = LongBuffer.allocate(b * padded);
    LongBuffer types = LongBuffer.allocate(b * padded);
    for (int r = 0; r < b; r++) {
      Encoded e = batch.get(r);
      int base = r * padded;
      for (int t = 0; t < e.length(); t++) {
        ids.put(base + t, e.ids()[t]);
        mask.put(base + t, 1L);
        types.put(base + t, e.typeIds()[t]);
      }
    }
    long[] shape = {b, padded};
    Map<String, OnnxTensor> feed = new HashMap<>();
    try {
      feed.put("input_ids", OnnxTensor.createTensor(env, ids, shape));
      if (inputs.contains("attention_mask")) {
        feed.put("attention_mask", OnnxTensor.createTensor(env, mask, shape));
      }
      if (inputs.contains("token_type_ids")) {
        feed.put("token_type_ids", OnnxTensor.createTensor(env, types, shape));
      }
      try (OrtSession.Result result = session.run(feed, Set.of(spec.outputName()))) {
        OnnxTensor tensor = (OnnxTensor) result.get(spec.outputName()).orElseThrow();
        long[] outShape = tensor.getInfo().getShape();
        FloatBuffer fb = tensor.getFloatBuffer();
        float[] out = new float[fb.remaining()];
        fb.get(out);
        List<Object> results = new ArrayList<>(b);
        for (int r = 0; r < b; r++) {
          results.add(head.decode(out, outShape, r, batch.get(r)));
        }
        return results;
      }
    } finally {
      for (OnnxTensor t : feed.values()) {
        t.close();
      }
    }
  }

  ModelSpec spec() {
    return spec;
  }

  TextEncoder encoder() {
    return encoder;
  }

  /** {@code cpu} or {@code cuda:N}: where this model actually runs. */
  String device() {
    return device;
  }

  /** Output width: the embedding dimension, or the number of labels. */
  int dimension() {
    return dimension;
  }

  @Override
  public void close() {
    closeQuietly(session);
    encoder.close();
  }

  private static void closeQuietly(OrtSession session) {
    if (session != null) {
      try {
        session.close();
      } catch (OrtException e) {
        log.debug("closing an ONNX Runtime session failed", e);
      }
    }
  }

  /**
   * Where to put a session.
   *
   * @param cudaId the GPU, or -1 for the CPU
   * @param fallbackToCpu device=auto: a CUDA failure falls back to the CPU instead of failing
   */
  record Placement(int cudaId, boolean fallbackToCpu) {
    static final Placement CPU = new Placement(-1, false);

    OrtSession.SessionOptions options(InferenceSettings.Session s) {
      if (cudaId < 0) {
        return ExecutionProvider.cpu(s);
      }
      return ExecutionProvider.cuda(s, cudaId);
    }

    String label() {
      return cudaId < 0 ? "cpu" : "cuda:" + cudaId;
    }
  }
}
