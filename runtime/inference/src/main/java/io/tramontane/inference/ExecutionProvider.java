package io.tramontane.inference;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import io.tramontane.core.ConfigurationException;
import java.util.Locale;

/**
 * Builds ONNX Runtime session options for the configured device and session settings, and explains
 * every failure in one sentence. {@code cuda} is strict (fails at start); {@code auto} falls back
 * to the CPU and reports why.
 */
public final class ExecutionProvider {

  static final String CPU_BUILD =
      "this build carries ONNX Runtime's CPU package, which has no CUDA execution provider";
  static final String GPU_FIX =
      "build with ./mvnw -Pgpu package on a machine with an NVIDIA driver, CUDA 12 and cuDNN 9, or"
          + " set tramontane.inference.device = cpu (or auto)";

  private ExecutionProvider() {}

  /** True when the ONNX Runtime on the classpath was built with the CUDA provider. */
  static boolean cudaInBuild() {
    return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
  }

  /** CPU-only options (public: the benchmarks' raw ONNX Runtime baseline uses the same). */
  public static OrtSession.SessionOptions cpu(InferenceSettings.Session s) {
    try {
      return base(s);
    } catch (OrtException e) {
      throw new ConfigurationException(
          "tramontane.inference.session: ONNX Runtime refused the session options: "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Options with the CUDA provider on GPU {@code deviceId}. Throws a {@link ConfigurationException}
   * whose message is one sentence when this build or this machine cannot do it.
   */
  static OrtSession.SessionOptions cuda(InferenceSettings.Session s, int deviceId) {
    if (!cudaInBuild()) {
      throw new ConfigurationException(
          "tramontane.inference.device = cuda:"
              + deviceId
              + ", but "
              + CPU_BUILD
              + "; "
              + GPU_FIX
              + ".");
    }
    OrtSession.SessionOptions options = cpu(s);
    try {
      options.addCUDA(deviceId);
      return options;
    } catch (OrtException | RuntimeException e) {
      options.close();
      throw cudaUnusable(deviceId, e);
    }
  }

  static ConfigurationException cudaUnusable(int deviceId, Throwable e) {
    return new ConfigurationException(
        "tramontane.inference.device = cuda:"
            + deviceId
            + ", but ONNX Runtime's CUDA provider could not start on GPU "
            + deviceId
            + " ("
            + firstLine(e.getMessage())
            + "); check nvidia-smi and that the CUDA 12 and cuDNN 9 libraries are on"
            + " LD_LIBRARY_PATH, or set tramontane.inference.device = cpu (or auto).",
        e);
  }

  private static OrtSession.SessionOptions base(InferenceSettings.Session s) throws OrtException {
    // The environment owns ONNX Runtime's logger; providers fail obscurely if it does not exist
    // yet.
    OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
    if (s.intraOpThreads() > 0) {
      options.setIntraOpNumThreads(s.intraOpThreads());
    }
    if (s.interOpThreads() > 0) {
      options.setInterOpNumThreads(s.interOpThreads());
    }
    options.addConfigEntry("session.intra_op.allow_spinning", s.allowSpinning() ? "1" : "0");
    options.setOptimizationLevel(
        switch (s.optimizationLevel().toLowerCase(Locale.ROOT)) {
          case "none" -> OrtSession.SessionOptions.OptLevel.NO_OPT;
          case "basic" -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
          case "extended" -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
          default -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
        });
    return options;
  }

  static String firstLine(String message) {
    if (message == null || message.isBlank()) {
      return "no reason given";
    }
    String line = message.strip().lines().findFirst().orElse(message);
    return line.length() > 300 ? line.substring(0, 300) + "…" : line;
  }
}
