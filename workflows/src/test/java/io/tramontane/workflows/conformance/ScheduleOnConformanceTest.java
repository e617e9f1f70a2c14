package io.tramontane.workflows.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.tramontane.core.event.PlatformEvent;
import io.tramontane.workflows.node.Workflows;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * dsl.md "Input of event-driven scheduled workflows" and dsl-reference.md "Schedule" (on): a run
 * that {@code schedule.on} starts receives an array of the triggering events (CloudEvents), so
 * {@code $workflow.input[0]} is the first event and its payload is {@code .[0].data}.
 */
class ScheduleOnConformanceTest {

  @Test
  void aScheduledRunReceivesTheTriggeringEvents() throws Exception {
    PlatformEvent event =
        new PlatformEvent(
            "m-1",
            "tramontane://connector/imap/support",
            "io.tramontane.mail.received",
            "<m-1@example.com>",
            Instant.parse("2026-12-01T10:00:00Z"),
            "acme",
            "{\"subject\": \"Invoice 42\"}");
    String yaml =
        """
        schedule:
          on:
            one:
              with: {type: io.tramontane.mail.received}
        input:
          from: '${ .[0].data }'
        do:
          - note:
              set:
                subject: '${ .subject }'
                type: '${ $workflow.input[0].type }'
                id: '${ $workflow.input[0].id }'
                count: '${ $workflow.input | length }'
        """;
    JsonNode input = Workflows.scheduledInput(event);
    JsonNode out = new Conformance().run(yaml, input.toString());
    assertEquals(
        Conformance.YAML.readTree(
            "{\"subject\": \"Invoice 42\", \"type\": \"io.tramontane.mail.received\","
                + " \"id\": \"m-1\", \"count\": 1}"),
        out);
  }
}
