package io.tramontane.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.tramontane.core.ConfigurationException;
import io.tramontane.core.persistence.DatabaseSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options every benchmark takes: run length, journal database(s) and where the JSON goes. */
final class BenchOptions {

  @Option(
      names = "--quick",
      description = "Short run (well under a minute) instead of the full one (a few minutes).")
  boolean quick;

  @Option(
      names = "--db",
      paramLabel = "h2|postgres|both",
      description =
          "Journal database(s) to measure (default: both for journal and recovery, h2 for the"
              + " others). PostgreSQL comes from TRAMONTANE_DB_URL, TRAMONTANE_DB_USER and"
              + " TRAMONTANE_DB_PASSWORD.")
  String db;

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

  /** The database kinds to run, in order; {@code fallback} when {@code --db} is not given. */
  List<DatabaseSettings.Kind> kinds(String fallback) {
    String chosen = (db == null ? fallback : db).strip().toLowerCase(Locale.ROOT);
    return switch (chosen) {
      case "h2" -> List.of(DatabaseSettings.Kind.H2);
      case "postgres", "postgresql", "pg" -> List.of(DatabaseSettings.Kind.POSTGRES);
      case "both" -> List.of(DatabaseSettings.Kind.H2, DatabaseSettings.Kind.POSTGRES);
      default ->
          throw new ConfigurationException("--db is '" + chosen + "'; use h2, postgres or both.");
    };
  }

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
