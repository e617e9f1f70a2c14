package io.tramontane.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Options every benchmark takes: run length and where the JSON goes ({@link BenchDatabase}: --db).
 */
final class BenchOptions {

  @Option(
      names = "--quick",
      description = "Short run (well under a minute) instead of the full one (a few minutes).")
  boolean quick;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Where to write the JSON results (default: target/bench/<name>.json).")
  Path out;

  /** The benchmark command this mixin belongs to. */
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .enable(SerializationFeature.INDENT_OUTPUT);

  /** Where the tables and the JSON file's name go: the command's standard output. */
  PrintWriter out() {
    return command.commandLine().getOut();
  }

  /** Where progress goes: the command's standard error. */
  PrintWriter progress() {
    return command.commandLine().getErr();
  }

  /** Writes {@code result} as JSON and prints {@code JSON: <file>}. */
  void printJson(String name, Object result) {
    out().println("JSON: " + writeJson(name, result));
    out().flush();
  }

  /** Writes {@code result} as JSON and prints {@code Finished in <seconds> s. JSON: <file>}. */
  void finish(String name, Object result, double elapsedSeconds) {
    Path json = writeJson(name, result);
    out().printf("Finished in %.0f s. JSON: %s%n", elapsedSeconds, json);
    out().flush();
  }

  /** Writes {@code result} as indented JSON and returns the file written. */
  Path writeJson(String name, Object result) {
    Path file = out != null ? out : Path.of("target", "bench", name + ".json");
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      JSON.writeValue(file.toFile(), result);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the results to " + file, e);
    }
  }
}
