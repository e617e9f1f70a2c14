package io.tramontane.workflows.schedule;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tramontane.workflows.definition.ScheduleSpec;
import io.tramontane.workflows.run.WorkflowRunEntity;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The runs a schedule starts and watches, and its passivation: it starts each fired tick's run
 * (idempotently, by name) until the start is confirmed, at most once at a time per run, and ({@code
 * after}) asks for the awaited run's status. Answers come back to the schedule as {@link
 * ScheduleEntity.Started}, {@link ScheduleEntity.StartFailed} and {@link ScheduleEntity.Observed}.
 */
final class ScheduleRuns {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ActorContext<ScheduleEntity.Command> context;
  private final Runs runs;
  private final String tenant;
  private final String workflow;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final Set<String> starting = new HashSet<>();
  private boolean polling;

  /** {@code shard} null: outside sharding (tests), the schedule is never passivated. */
  ScheduleRuns(
      ActorContext<ScheduleEntity.Command> context,
      Runs runs,
      String id,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    int slash = id.indexOf('/');
    if (slash < 1 || slash == id.length() - 1) {
      throw new IllegalArgumentException("a schedule id is <tenant>/<workflow>, not " + id);
    }
    this.context = context;
    this.runs = runs;
    this.tenant = id.substring(0, slash);
    this.workflow = id.substring(slash + 1);
    this.shard = shard;
  }

  /** Stops the schedule (its shard forgets it) once no start is left to confirm. */
  void passivateIfIdle(ScheduleEntity.State s) {
    if (s.unstarted().isEmpty() && shard != null) {
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    }
  }

  /** Starts every fired tick whose start is not confirmed and not under way. */
  void reissue(ScheduleEntity.State s) {
    for (ScheduleEntity.State.Fired f : s.unstarted()) {
      if (!starting.add(f.runName())) {
        continue;
      }
      CompletionStage<?> started;
      try {
        started =
            runs.start(
                tenant,
                workflow,
                f.runName(),
                s.definitionVersion(),
                s.definition(),
                input(f.tick(), s.spec()));
      } catch (RuntimeException e) {
        started = CompletableFuture.failedFuture(e);
      }
      context.pipeToSelf(
          started,
          (ok, err) ->
              err == null
                  ? new ScheduleEntity.Started(f.runName())
                  : new ScheduleEntity.StartFailed(f.runName(), String.valueOf(err.getMessage())));
    }
  }

  /** A start was answered (accepted or failed): it is no longer under way. */
  void answered(String runName) {
    starting.remove(runName);
  }

  /** Asks for {@code run}'s status, unless a question is under way. */
  void poll(String run) {
    if (polling) {
      return;
    }
    polling = true;
    CompletionStage<WorkflowRunEntity.Status> status;
    try {
      status = runs.status(tenant, workflow, run);
    } catch (RuntimeException e) {
      status = CompletableFuture.failedFuture(e);
    }
    context.pipeToSelf(
        status,
        (st, err) ->
            new ScheduleEntity.Observed(
                run, st, err == null ? null : String.valueOf(err.getMessage())));
  }

  /** The status asked for came back. */
  void observed() {
    polling = false;
  }

  /** A scheduled run's input: {@code {"tick": "2026-03-02T06:00:00Z", "schedule": {...}}}. */
  static String input(Instant tick, ScheduleSpec spec) {
    ObjectNode in = JSON.createObjectNode().put("tick", tick.toString());
    if (spec != null) {
      in.set("schedule", spec.toJson());
    }
    return in.toString();
  }
}
