package io.tramontane.workflows.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tramontane.workflows.definition.Problem;
import io.tramontane.workflows.definition.WorkflowDefinitions;
import io.tramontane.workflows.run.Interpreter;
import io.tramontane.workflows.run.Replay;
import io.tramontane.workflows.run.WorkflowError;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A durable run as the run entity drives it — the real interpreter over {@link Replay} — with an
 * in-memory journal and live effects that record what they were asked: calls answer from a script
 * (an error to raise, or the call's {@code with}), emits are kept.
 */
final class Conformance {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final WorkflowDefinitions DEFINITIONS = new WorkflowDefinitions();
  static final String HEADER =
      """
      document: {dsl: '1.0.0', namespace: conformance, name: data, version: '1.0.0'}
      """;

  final Map<String, JsonNode> journal = new LinkedHashMap<>();
  final List<JsonNode> calls = new ArrayList<>();
  final List<JsonNode> emitted = new ArrayList<>();

  /** Calls fail with this error (503 communication) while fewer than this many calls were made. */
  int failFirstCalls;

  static List<Problem> validate(String yaml) {
    return DEFINITIONS.validate("conformance.yaml", yaml.getBytes(StandardCharsets.UTF_8));
  }

  /** Runs {@code yaml} (the header is added) as run {@code runId} at {@code now}. */
  JsonNode run(String yaml, String input, String runId, Instant now) throws Exception {
    Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    return Interpreter.run(YAML.readTree(HEADER + yaml), YAML.readTree(input), replay(clock, runId))
        .output();
  }

  JsonNode run(String yaml, String input) throws Exception {
    return run(yaml, input, "conformance/data/run-1", Instant.parse("2026-12-01T10:00:00Z"));
  }

  private Replay replay(Clock clock, String runId) {
    Replay.Journal j = Replay.Journal.inMemory(journal);
    Replay.Live live =
        new Replay.Live() {
          @Override
          public JsonNode call(String key, String function, JsonNode with) {
            calls.add(with);
            if (calls.size() <= failFirstCalls) {
              throw new WorkflowError(
                  WorkflowError.COMMUNICATION, 503, "Service Unavailable", "try again", key);
            }
            return with;
          }

          @Override
          public void emit(String key, JsonNode event) {
            emitted.add(event);
          }

          @Override
          public JsonNode listen(
              String key, JsonNode to, Instant deadline, UnaryOperator<JsonNode> view) {
            return YAML.createArrayNode();
          }

          @Override
          public void sleepUntil(Instant instant) {}
        };
    return new Replay(j, live, clock, runId);
  }
}
