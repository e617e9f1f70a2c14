package io.tramontane.workflows.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tramontane.workflows.run.Inbox;
import io.tramontane.workflows.run.Interpreter;
import io.tramontane.workflows.run.Replay;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A run made durable by the real {@link Replay} over an in-memory journal: calls answer what they
 * were sent, emits and sleeps are counted, listens take events from an {@link Inbox}. {@code
 * crashAtCall} makes the n-th live call (counted from 1) crash after it happened — before its
 * outcome is recorded — as a node crash would; running again on the same journal resumes the run.
 */
final class DurableRun implements Replay.Live {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);

  /** A node crash in the middle of an effect. */
  static final class Crash extends RuntimeException {}

  final Map<String, JsonNode> journal = new LinkedHashMap<>();
  final Inbox inbox = new Inbox();
  final List<String> calls = new ArrayList<>();
  final List<String> emitted = new ArrayList<>();
  final List<String> listens = new ArrayList<>();
  final List<Instant> sleeps = new ArrayList<>();
  int crashAtCall = -1;
  boolean crashWhenSleeping;

  /** Runs (or resumes) {@code yaml} on {@code input} at {@code clock}. */
  JsonNode run(String yaml, String input, Clock clock) throws Exception {
    Replay.Journal j = Replay.Journal.inMemory(journal);
    return Interpreter.run(YAML.readTree(yaml), YAML.readTree(input), new Replay(j, this, clock))
        .output();
  }

  JsonNode run(String yaml, String input) throws Exception {
    return run(yaml, input, CLOCK);
  }

  /** Delivers a CloudEvent of {@code type} with {@code data} (JSON). */
  DurableRun event(String id, String type, String data) throws Exception {
    inbox.add(
        YAML.readTree(
            "{\"id\": \"" + id + "\", \"type\": \"" + type + "\", \"data\": " + data + "}"));
    return this;
  }

  @Override
  public JsonNode call(String key, String function, JsonNode with) {
    calls.add(key);
    if (calls.size() == crashAtCall) {
      throw new Crash();
    }
    return with;
  }

  @Override
  public void emit(String key, JsonNode event) {
    emitted.add(key);
  }

  @Override
  public JsonNode listen(String key, JsonNode to, Instant deadline, UnaryOperator<JsonNode> view) {
    listens.add(key);
    try {
      Instant until = deadline != null ? deadline : Instant.now().plusSeconds(5);
      return inbox.await(to, until, Clock.systemUTC(), view);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void sleepUntil(Instant instant) {
    if (crashWhenSleeping) {
      throw new Crash();
    }
    sleeps.add(instant);
  }
}
