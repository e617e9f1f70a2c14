package io.tramontane.workflows.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * The event an {@code emit} task publishes, as a CloudEvent (dsl-reference.md "Emit", "Event
 * Properties"): the task's {@code emit.event.with} attributes, with {@code specversion} 1.0, the
 * platform's {@code id} ({@code <run id>/<effect key>}: unique and stable across replays), {@code
 * source} {@code tramontane://workflow/<workflow>/<run>} unless given, and {@code time} when the
 * task emitted it unless given; its {@code tenant} is the run's (a {@code tenant} the task writes
 * is not the one it is published in, so it is replaced). It is also the task's output.
 */
final class EmittedEvent {

  private EmittedEvent() {}

  static ObjectNode of(JsonNode with, String runId, String key, Instant time) {
    ObjectNode e = JsonNodeFactory.instance.objectNode();
    e.put("specversion", "1.0");
    e.put("id", runId == null ? key : runId + "/" + key);
    e.put("source", defaultSource(runId));
    if (time != null) {
      e.put("time", time.toString());
    }
    if (with != null && with.isObject()) {
      with.fields()
          .forEachRemaining(
              f -> {
                if (!f.getKey().equals("id")
                    && !f.getKey().equals("tenant")
                    && !f.getValue().isNull()) {
                  e.set(f.getKey(), f.getValue());
                }
              });
    }
    if (runId != null && runId.contains("/")) {
      // published in the run's tenant, whatever the task wrote
      e.put("tenant", runId.substring(0, runId.indexOf('/')));
    }
    return e;
  }

  private static String defaultSource(String runId) {
    String[] parts = runId == null ? new String[0] : runId.split("/", 3);
    return parts.length == 3
        ? "tramontane://workflow/" + parts[1] + "/" + parts[2]
        : "tramontane://workflow";
  }
}
