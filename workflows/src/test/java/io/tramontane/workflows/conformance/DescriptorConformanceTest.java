package io.tramontane.workflows.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * dsl.md "Runtime expression arguments": {@code $workflow} (id, definition, input = the raw input,
 * startedAt), {@code $task} (name, reference, definition, input = the raw task input, output = the
 * raw task output, startedAt), {@code $runtime} (name, version, metadata), with the "DateTime
 * Descriptor" (iso8601, epoch.seconds, epoch.milliseconds), in the expressions the table of that
 * section lists. A run resumed later (replay) sees the same start times.
 */
class DescriptorConformanceTest {

  private static final String WORKFLOW =
      """
      input:
        from: '${ {order: .order, raw: $workflow.input, id: $workflow.id, rt: $runtime.name} }'
      do:
        - look:
            input: {from: '${ .order }'}
            set:
              name: '${ $task.name }'
              reference: '${ $task.reference }'
              kind: '${ $task.definition | keys - ["input", "output"] }'
              rawInput: '${ $task.input.raw.order.id }'
              input: '${ $input.id }'
              started: '${ $task.startedAt.iso8601 }'
              startedMs: '${ $task.startedAt.epoch.milliseconds }'
              workflowStarted: '${ $workflow.startedAt.epoch.seconds }'
              workflowName: '${ $workflow.definition.document.name }'
              runtime: '${ $runtime | {name, version: (.version | type), metadata} }'
            output:
              as: '${ {raw: $task.output.name, started: $task.startedAt.iso8601} + . }'
      """;

  @Test
  void theDescriptorsAreThereAndStayTheSameOnReplay() throws Exception {
    Conformance run = new Conformance();
    Instant at = Instant.parse("2026-12-01T10:00:00.123Z");
    JsonNode out = run.run(WORKFLOW, "{\"order\": {\"id\": 7}}", "acme/data/r-1", at);
    assertEquals("look", out.path("name").asText(), out.toString());
    assertEquals("/do/0/look", out.path("reference").asText());
    assertEquals("[\"set\"]", out.path("kind").toString());
    assertEquals(7, out.path("rawInput").asInt(), "$task.input is the raw task input");
    assertEquals(7, out.path("input").asInt());
    assertEquals("2026-12-01T10:00:00.123Z", out.path("started").asText());
    assertEquals(at.toEpochMilli(), out.path("startedMs").asLong());
    assertEquals(at.getEpochSecond(), out.path("workflowStarted").asLong());
    assertEquals("data", out.path("workflowName").asText());
    assertEquals("Tramontane", out.path("runtime").path("name").asText());
    assertEquals("string", out.path("runtime").path("version").asText());
    assertTrue(out.path("runtime").path("metadata").isObject(), out.toString());
    assertEquals("look", out.path("raw").asText(), "$task.output is the raw output in output.as");

    JsonNode resumed =
        run.run(WORKFLOW, "{\"order\": {\"id\": 7}}", "acme/data/r-1", at.plusSeconds(3600));
    assertEquals(out, resumed, "start times come from the journal, not the clock at replay");
  }

  @Test
  void theWorkflowInputFromSeesTheRawInputTheRunIdAndTheRuntime() throws Exception {
    JsonNode out =
        new Conformance()
            .run(
                WORKFLOW.substring(0, WORKFLOW.indexOf("do:")) + "do:\n  - keep: {set: '${ . }'}\n",
                "{\"order\": {\"id\": 7}}",
                "acme/data/r-2",
                Instant.parse("2026-12-01T10:00:00Z"));
    assertEquals(
        Conformance.YAML.readTree(
            "{\"order\": {\"id\": 7}, \"raw\": {\"order\": {\"id\": 7}}, \"id\":"
                + " \"acme/data/r-2\", \"rt\": \"Tramontane\"}"),
        out);
  }
}
