package io.tramontane.workflows.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.tramontane.workflows.call.CallHandler;
import io.tramontane.workflows.run.Replay;
import io.tramontane.workflows.run.WorkflowError;
import io.tramontane.workflows.run.WorkflowProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live side of a run's effects on this node: {@code call: <function>} handed to the {@link
 * CallHandler} of that name (with the run's idempotency key {@code <run id>/<effect key>}), {@code
 * emit} (logged), durable {@code wait} (sleeps on the run's virtual thread).
 */
public final class NodeEffects implements Replay.Live {

  private static final Logger LOG = LoggerFactory.getLogger(NodeEffects.class);

  private final String runId;
  private final String tenant;
  private final Map<String, CallHandler> handlers;

  public NodeEffects(String runId, String tenant, List<CallHandler> handlers) {
    this.runId = runId;
    this.tenant = tenant;
    Map<String, CallHandler> byName = new LinkedHashMap<>();
    for (CallHandler h : handlers) {
      if (byName.putIfAbsent(h.function(), h) != null) {
        throw new IllegalArgumentException("two handlers for call: " + h.function());
      }
    }
    this.handlers = Map.copyOf(byName);
  }

  @Override
  public JsonNode call(String key, String function, JsonNode with) {
    return call(key, function, with, null);
  }

  @Override
  public JsonNode call(String key, String function, JsonNode with, Instant deadline) {
    CallHandler handler = handlers.get(function);
    if (handler == null) {
      if (function.equals(WorkflowProcess.FUNCTION)) {
        throw WorkflowError.runtime(
            400,
            "Unsupported task",
            "run: workflow starts a workflow deployed on a server; a run of one file has none"
                + " (deploy both, then start the parent on the server)",
            key);
      }
      throw WorkflowError.runtime(400, "Unsupported call", "call '" + function + "'", key);
    }
    return handler.call(
        new CallHandler.Call(runId, tenant, runId + "/" + key, key, deadline), with);
  }

  @Override
  public void emit(String key, JsonNode event) {
    LOG.info(
        "Run {} emitted {} at {}", runId, event.path("with").path("type").asText("event"), key);
  }

  @Override
  public JsonNode listen(String key, JsonNode to, Instant deadline, UnaryOperator<JsonNode> view) {
    // the run's entity answers listen from its persisted inbox; this side never sees it
    throw new IllegalStateException("listen is served by the run's inbox");
  }

  @Override
  public void sleepUntil(Instant instant) {
    long millis = Duration.between(Instant.now(), instant).toMillis();
    if (millis > 0) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting", e);
      }
    }
  }
}
