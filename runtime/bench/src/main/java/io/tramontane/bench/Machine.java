package io.tramontane.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the figures were measured on: shared 2-core machines make absolute numbers move. */
public record Machine(int nproc, String cpuModel, String java, String os) {

  static Machine describe() {
    return new Machine(
        Runtime.getRuntime().availableProcessors(),
        readCpuModel(),
        Runtime.version() + " (" + System.getProperty("java.vendor") + ")",
        System.getProperty("os.name") + " " + System.getProperty("os.arch"));
  }

  private static String readCpuModel() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
      for (String line : lines) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).strip();
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or /proc is hidden: fall through to the architecture.
    }
    return "unknown (" + System.getProperty("os.arch") + ")";
  }

  String line() {
    return "nproc " + nproc + " · CPU " + cpuModel + " · Java " + java;
  }
}
