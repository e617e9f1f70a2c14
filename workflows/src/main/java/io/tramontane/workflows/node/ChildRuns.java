package io.tramontane.workflows.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tramontane.core.Sha256;
import io.tramontane.workflows.call.CallHandler;
import io.tramontane.workflows.definition.WorkflowDefinition;
import io.tramontane.workflows.run.RunningRuns;
import io.tramontane.workflows.run.WorkflowError;
import io.tramontane.workflows.run.WorkflowProcess;
import io.tramontane.workflows.run.WorkflowRunEntity;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The effects of {@code run: workflow} tasks: a child run of the parent's tenant, named after the
 * parent run and the task's effect key (so a re-executed start after a crash finds the same child),
 * pinned to the version deployed when it starts; then waiting for it to end. The child is a run
 * like any other: it resumes by itself after a crash, and the parent, resumed, waits for it again.
 * When the parent is cancelled, or gives up at its timeout, the child is cancelled too.
 */
final class ChildRuns implements CallHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ChildRuns.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Children of children … at most this deep (a workflow that runs itself stops here). */
  static final int MAX_DEPTH = 8;

  private static final Pattern CHILD_NAME = Pattern.compile("sub(\\d+)-[0-9a-f]{40}");
  private static final Duration POLL_MIN = Duration.ofMillis(100);
  private static final Duration POLL_MAX = Duration.ofSeconds(2);
  private static final Duration CANCEL_WATCH = Duration.ofSeconds(30);

  private final Workflows workflows;
  private final RunningRuns running;
  private final int maxRunning;

  /**
   * Children are started while fewer than {@code maxRunning} runs of the parent's tenant run on
   * this node: a fan-out (a fork of run: workflow tasks, nested) stops there with an error.
   */
  ChildRuns(Workflows workflows, RunningRuns running, int maxRunning) {
    this.workflows = workflows;
    this.running = running;
    this.maxRunning = maxRunning;
  }

  @Override
  public String function() {
    return WorkflowProcess.FUNCTION;
  }

  @Override
  public JsonNode call(Call call, JsonNode with) {
    return switch (with.path("op").asText()) {
      case "start" -> start(call, with);
      case "await" -> await(call, with);
      default ->
          throw WorkflowError.runtime(500, "Bad run", "unknown op " + with.get("op"), call.task());
    };
  }

  /** The child's run name: its depth below a top-level run, and a hash of the parent's effect. */
  static String childName(String parentRunId, String idempotencyKey) {
    String parentName = parentRunId.substring(parentRunId.lastIndexOf('/') + 1);
    Matcher m = CHILD_NAME.matcher(parentName);
    int depth = m.matches() ? Integer.parseInt(m.group(1)) + 1 : 1;
    return "sub" + depth + "-" + Sha256.hex(idempotencyKey).substring(0, 40);
  }

  static int depth(String childName) {
    Matcher m = CHILD_NAME.matcher(childName);
    return m.matches() ? Integer.parseInt(m.group(1)) : 0;
  }

  private JsonNode start(Call call, JsonNode with) {
    if (running.of(call.tenant()) >= maxRunning) {
      throw WorkflowError.runtime(
          429,
          "Too many runs",
          "this node already runs "
              + maxRunning
              + " runs of the tenant (tramontane.workflows.max-running-runs-per-tenant); a child"
              + " run is not started",
          call.task());
    }
    String namespace = with.path("namespace").asText();
    String name = with.path("name").asText();
    String version = with.path("version").asText();
    String label = namespace + "/" + name + ":" + version;
    WorkflowDefinition d =
        workflows
            .definition(call.tenant(), name)
            .filter(def -> namespace.equals(def.namespace()))
            .orElseThrow(
                () ->
                    WorkflowError.runtime(
                        404,
                        "Workflow not found",
                        "workflow " + namespace + "/" + name + " is not deployed in this tenant",
                        call.task()));
    if (!"latest".equals(version) && !version.equals(d.version())) {
      throw WorkflowError.runtime(
          404,
          "Workflow not found",
          "workflow "
              + label
              + " is not deployed in this tenant (the deployed version is "
              + d.version()
              + ")",
          call.task());
    }
    String child = childName(call.runId(), call.idempotencyKey());
    if (depth(child) > MAX_DEPTH) {
      throw WorkflowError.runtime(
          400,
          "Workflows nested too deep",
          "run: workflow nests more than " + MAX_DEPTH + " runs deep (does a workflow run itself?)",
          call.task());
    }
    try {
      workflows.start(call.tenant(), name, child, with.get("input")).toCompletableFuture().join();
    } catch (CompletionException e) {
      throw WorkflowError.runtime(
          500, "Child run not started", String.valueOf(e.getCause().getMessage()), call.task());
    }
    LOG.info("Run {} started child run {}/{} ({})", call.runId(), name, child, d.hash());
    ObjectNode out = JSON.createObjectNode();
    out.put("workflow", name);
    out.put("run", child);
    out.put("version", d.version());
    return out;
  }

  private JsonNode await(Call call, JsonNode with) {
    String workflow = with.path("workflow").asText();
    String run = with.path("run").asText();
    Duration pause = POLL_MIN;
    while (true) {
      WorkflowRunEntity.State s;
      try {
        s = workflows.get(call.tenant(), workflow, run).toCompletableFuture().join();
      } catch (CompletionException e) {
        s = null; // the child's shard is moving: ask again
        if (Thread.currentThread().isInterrupted()) {
          watchParent(call, workflow, run);
          throw e;
        }
      }
      if (s != null) {
        switch (s.status()) {
          case COMPLETED:
            return parse(s.output());
          case FAILED:
            throw childError(parse(s.error()), call.task());
          case CANCELLED:
            throw WorkflowError.runtime(
                409,
                "Child run cancelled",
                "the run " + workflow + "/" + run + " was cancelled",
                call.task());
          default:
            break;
        }
      }
      Instant deadline = call.deadline();
      if (deadline != null && !Instant.now().isBefore(deadline)) {
        cancel(call.tenant(), workflow, run, "its parent run's task timed out");
        throw new WorkflowError(
            WorkflowError.TIMEOUT, 408, "Timed out", "waiting for " + run, call.task());
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        watchParent(call, workflow, run);
        throw new IllegalStateException("stopped while waiting for child run " + run, e);
      }
      pause = pause.multipliedBy(2).compareTo(POLL_MAX) > 0 ? POLL_MAX : pause.multipliedBy(2);
    }
  }

  /** The child's RFC 7807 error, raised again at the parent's task. */
  private static WorkflowError childError(JsonNode error, String task) {
    return new WorkflowError(
        error.path("type").asText(WorkflowError.RUNTIME),
        error.path("status").asInt(500),
        error.path("title").asText("Child run failed"),
        error.hasNonNull("detail") ? error.get("detail").asText() : null,
        task);
  }

  /**
   * The parent's thread was stopped: because the parent was cancelled (then the child is cancelled
   * too) or because its entity moved or stopped (then the parent resumes and waits again). The
   * parent's state tells which; it is read off the parent's thread for a while (a cancelled parent
   * shows so once its cancellation is persisted, moments later).
   */
  private void watchParent(Call call, String workflow, String run) {
    String[] parent = call.runId().split("/", 3);
    Thread.ofVirtual()
        .name("child-run-watch-" + run)
        .start(
            () -> {
              long until = System.nanoTime() + CANCEL_WATCH.toNanos();
              Duration pause = POLL_MIN;
              while (System.nanoTime() < until) {
                try {
                  Thread.sleep(pause);
                  WorkflowRunEntity.Status s =
                      workflows
                          .get(parent[0], parent[1], parent[2])
                          .toCompletableFuture()
                          .join()
                          .status();
                  if (s == WorkflowRunEntity.Status.CANCELLED) {
                    cancel(call.tenant(), workflow, run, "its parent run was cancelled");
                    return;
                  }
                } catch (InterruptedException e) {
                  return;
                } catch (RuntimeException e) {
                  // the parent's shard is moving: look again
                }
                pause =
                    pause.multipliedBy(2).compareTo(POLL_MAX) > 0
                        ? POLL_MAX
                        : pause.multipliedBy(2);
              }
            });
  }

  private void cancel(String tenant, String workflow, String run, String why) {
    workflows
        .cancel(tenant, workflow, run, why)
        .whenComplete(
            (done, e) -> {
              if (e == null) {
                LOG.info("Child run {}/{} cancelled: {}", workflow, run, why);
              }
            });
  }

  private static JsonNode parse(String json) {
    try {
      return json == null ? JSON.nullNode() : JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException("a run's recorded JSON does not parse", e);
    }
  }
}
