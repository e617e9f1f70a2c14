package io.tramontane.inference;

import io.tramontane.core.ConfigurationException;
import java.util.Locale;

/**
 * Where models run: {@code auto}, {@code cpu} or {@code cuda[:N]} ({@code
 * tramontane.inference.device}).
 */
public sealed interface Device {

  /**
   * CUDA when this build has the CUDA provider and a GPU answers; otherwise CPU, saying why once.
   */
  record Auto() implements Device {
    @Override
    public String toString() {
      return "auto";
    }
  }

  /** ONNX Runtime's default CPU execution provider. */
  record Cpu() implements Device {
    @Override
    public String toString() {
      return "cpu";
    }
  }

  /** ONNX Runtime's CUDA execution provider on GPU {@code deviceId}. Fails at start if unusable. */
  record Cuda(int deviceId) implements Device {
    public Cuda {
      if (deviceId < 0) {
        throw new IllegalArgumentException("CUDA device ids start at 0, got " + deviceId);
      }
    }

    @Override
    public String toString() {
      return "cuda:" + deviceId;
    }
  }

  /**
   * Parses {@code auto}, {@code cpu}, {@code cuda} or {@code cuda:N}; {@code key} names the
   * setting.
   */
  static Device parse(String key, String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    switch (v) {
      case "auto":
        return new Auto();
      case "cpu":
        return new Cpu();
      case "cuda", "gpu":
        return new Cuda(0);
      default:
        if (v.startsWith("cuda:")) {
          try {
            int id = Integer.parseInt(v.substring(5));
            if (id >= 0) {
              return new Cuda(id);
            }
          } catch (NumberFormatException e) {
            // fall through to the error below
          }
        }
        throw new ConfigurationException(
            key
                + " = \""
                + value
                + "\" is not a device. Use auto, cpu, cuda or cuda:N (N = the GPU index, from 0).");
    }
  }
}
