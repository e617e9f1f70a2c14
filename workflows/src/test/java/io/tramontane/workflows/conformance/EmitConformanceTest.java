package io.tramontane.workflows.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * dsl-reference.md "Emit" (emit.event: "Defines the event to emit") and "Event Properties": the
 * task's output is the event it emitted — a CloudEvent with {@code id}, {@code specversion}, {@code
 * time}, {@code source}, {@code type} and the evaluated {@code data} (the specification's
 * conformance kit, ctk/features/emit.feature, checks these properties on the output) — not the
 * task's input. Resumed after a crash, the run's output is the same event (same time).
 */
class EmitConformanceTest {

  private static final String WORKFLOW =
      """
      do:
        - greet:
            emit:
              event:
                with:
                  source: https://example.com/greeter
                  type: com.example.user.greeted.v1
                  data:
                    greetings: '${ "Hello \\(.user.firstName) \\(.user.lastName)!" }'
      """;

  // The event is published in the run's tenant whatever the task writes, and the output says so
  // (outside tester, issue 17: the output showed the tenant written in 'with').
  @Test
  void theOutputCarriesTheRunsTenant() throws Exception {
    JsonNode out =
        new Conformance()
            .run(
                WORKFLOW.replace("type: com", "tenant: other\n            type: com"),
                "{\"user\": {\"firstName\": \"J\", \"lastName\": \"D\"}}",
                "t/w/r1",
                Instant.parse("2026-12-01T10:00:00Z"));
    assertEquals("t", out.path("tenant").asText(), out.toString());
  }

  @Test
  void theOutputIsTheEmittedEvent() throws Exception {
    Conformance run = new Conformance();
    Instant at = Instant.parse("2026-12-01T10:00:00Z");
    JsonNode out =
        run.run(
            WORKFLOW, "{\"user\": {\"firstName\": \"John\", \"lastName\": \"Doe\"}}", "t/w/r1", at);
    assertEquals("1.0", out.path("specversion").asText(), out.toString());
    assertEquals("https://example.com/greeter", out.path("source").asText());
    assertEquals("com.example.user.greeted.v1", out.path("type").asText());
    assertEquals("Hello John Doe!", out.path("data").path("greetings").asText());
    assertEquals(at.toString(), out.path("time").asText());
    assertEquals("t/w/r1//do/0/greet#1", out.path("id").asText());
    assertEquals(1, run.emitted.size());
    assertEquals(out, run.emitted.getFirst().path("with"), "the output is what was published");

    JsonNode resumed =
        run.run(
            WORKFLOW,
            "{\"user\": {\"firstName\": \"John\", \"lastName\": \"Doe\"}}",
            "t/w/r1",
            at.plusSeconds(60));
    assertEquals(out, resumed);
    assertEquals(1, run.emitted.size(), "a replay does not emit again");
  }
}
