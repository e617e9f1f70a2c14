package io.tramontane.workflows.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.tramontane.core.InvalidRequestException;
import io.tramontane.core.event.PlatformEvent;
import io.tramontane.core.event.PlatformEvents;
import io.tramontane.workflows.run.Replay;
import io.tramontane.workflows.run.WorkflowError;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import java.util.function.UnaryOperator;

/**
 * A run's effects with {@code emit} publishing a platform event first (id: run and effect key;
 * source {@code tramontane://workflow/<workflow>/<run>} unless the task gives one; the time the run
 * recorded — the event is the emit task's output); everything else goes to the wrapped effects.
 */
final class EmittingEffects implements Replay.Live {

  private final String runId;
  private final Replay.Live live;
  private final PlatformEvents events;

  EmittingEffects(String runId, Replay.Live live, PlatformEvents events) {
    this.runId = runId;
    this.live = live;
    this.events = events;
  }

  @Override
  public JsonNode call(String key, String function, JsonNode with) {
    return live.call(key, function, with);
  }

  @Override
  public JsonNode call(String key, String function, JsonNode with, Instant deadline) {
    return live.call(key, function, with, deadline);
  }

  @Override
  public void emit(String key, JsonNode event) {
    JsonNode with = event.path("with");
    String[] parts = runId.split("/", 3);
    PlatformEvent e;
    try {
      e =
          new PlatformEvent(
              runId + "/" + key,
              with.hasNonNull("source")
                  ? with.get("source").asText()
                  : "tramontane://workflow/" + parts[1] + "/" + parts[2],
              with.path("type").asText(null),
              with.hasNonNull("subject") ? with.get("subject").asText() : null,
              time(with.path("time").asText(null)),
              parts[0],
              with.has("data") ? with.get("data").toString() : null);
    } catch (InvalidRequestException refused) {
      // an event the platform does not store (data over its limit, a bad type …): the task's
      // error, catchable, not the run's
      throw WorkflowError.runtime(400, "Bad event", refused.getMessage(), key);
    }
    try {
      events.publish(e).toCompletableFuture().join();
    } catch (CompletionException ex) {
      throw new WorkflowError(
          WorkflowError.COMMUNICATION,
          503,
          "Emit failed",
          "the event could not be stored: " + ex.getCause().getMessage(),
          key);
    }
    live.emit(key, event);
  }

  /** The event's time as the run recorded it (the task's output shows it), else now. */
  private static Instant time(String recorded) {
    try {
      return recorded == null ? Instant.now() : Instant.parse(recorded);
    } catch (java.time.format.DateTimeParseException e) {
      return Instant.now(); // a time the author wrote in another format
    }
  }

  @Override
  public JsonNode listen(String key, JsonNode to, Instant deadline, UnaryOperator<JsonNode> view) {
    return live.listen(key, to, deadline, view);
  }

  @Override
  public void sleepUntil(Instant instant) {
    live.sleepUntil(instant);
  }
}
