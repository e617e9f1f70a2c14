package io.tramontane.workflows.node;

import com.typesafe.config.Config;
import io.tramontane.core.persistence.PersistenceSettings;
import io.tramontane.workflows.definition.ScheduleSpec;
import io.tramontane.workflows.definition.WorkflowDefinition;
import io.tramontane.workflows.run.WorkflowRunEntity;
import io.tramontane.workflows.schedule.Runs;
import io.tramontane.workflows.schedule.ScheduleEntity;
import io.tramontane.workflows.schedule.ScheduleSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Timer schedules on this node: keeps each deployed workflow's {@link ScheduleEntity} in step with
 * its deployed version ({@code schedule.every}, {@code cron}, {@code after}; removed when a version
 * has none), and lets schedules start and watch runs of the sharded {@link WorkflowRunEntity}. A
 * schedule's runs belong to its definition's tenant (entity key {@code <tenant>/<workflow>}).
 */
final class Schedules {

  private static final Logger LOG = LoggerFactory.getLogger(Schedules.class);
  private static final Duration ASK = Duration.ofSeconds(30);
  private static final Duration RETRY = Duration.ofSeconds(5);

  private final ActorSystem<?> system;

  /**
   * The latest change told to each schedule (key {@code <tenant>/<workflow>}), until its entity
   * confirms it.
   */
  private final Map<String, Change> pending = new ConcurrentHashMap<>();

  /** A deployed version ({@code definition} null: the workflow was deleted). */
  private record Change(String tenant, String workflow, WorkflowDefinition definition) {}

  private Schedules(ActorSystem<?> system) {
    this.system = system;
  }

  static Schedules start(ActorSystem<?> system, PersistenceSettings persistence, Config config) {
    ScheduleSettings settings = ScheduleSettings.fromConfig(config);
    ScheduleEntity.init(
        system,
        new ScheduleEntity.Runtime(
            new ShardedRuns(system), settings, Clock.systemUTC(), persistence));
    return new Schedules(system);
  }

  /**
   * A version was deployed in {@code tenant}: set its schedule, or remove the schedule when it has
   * none.
   */
  void deployed(String tenant, WorkflowDefinition d) {
    change(new Change(tenant, d.name(), d));
  }

  /** The workflow was deleted from {@code tenant}: remove its schedule. */
  void removed(String tenant, String workflow) {
    change(new Change(tenant, workflow, null));
  }

  private void change(Change c) {
    pending.put(ScheduleEntity.entityId(c.tenant(), c.workflow()), c);
    tell(c);
  }

  private void tell(Change c) {
    WorkflowDefinition d = c.definition();
    Optional<ScheduleSpec> spec;
    try {
      spec = d == null ? Optional.empty() : d.schedule();
    } catch (IllegalArgumentException e) { // validation refuses these; never leave a stale one
      LOG.error("Workflow {}: schedule not understood ({}); removing it", d.name(), e.getMessage());
      spec = Optional.empty();
    }
    Optional<ScheduleSpec> timer = spec;
    String id = ScheduleEntity.entityId(c.tenant(), c.workflow());
    ClusterSharding.get(system)
        .entityRefFor(ScheduleEntity.ENTITY_KEY, id)
        .<Done>askWithStatus(
            r ->
                timer.isPresent()
                    ? new ScheduleEntity.Ensure(timer.get(), d.hash(), d.tree().toString(), r)
                    : new ScheduleEntity.Remove(r),
            ASK)
        .whenComplete(
            (ok, err) -> {
              if (err == null) {
                pending.remove(id, c);
              } else if (pending.get(id) == c) {
                LOG.warn(
                    "Schedule of workflow {} not updated yet ({}); retrying in {}",
                    id,
                    err.getMessage(),
                    RETRY);
                system
                    .scheduler()
                    .scheduleOnce(RETRY, () -> retry(id, c), system.executionContext());
              }
            });
  }

  private void retry(String id, Change c) {
    if (pending.get(id) == c) {
      tell(c);
    }
  }

  /** Runs as the sharded run entities, named {@code <tenant>/<workflow>/<run>}. */
  private record ShardedRuns(ActorSystem<?> system) implements Runs {

    @Override
    public CompletionStage<?> start(
        String tenant,
        String workflow,
        String runName,
        String definitionVersion,
        String definition,
        String input) {
      return ClusterSharding.get(system)
          .entityRefFor(WorkflowRunEntity.ENTITY_KEY, Workflows.runId(tenant, workflow, runName))
          .<WorkflowRunEntity.State>askWithStatus(
              r -> new WorkflowRunEntity.Start(definitionVersion, definition, input, r), ASK);
    }

    @Override
    public CompletionStage<WorkflowRunEntity.Status> status(
        String tenant, String workflow, String runName) {
      return ClusterSharding.get(system)
          .entityRefFor(WorkflowRunEntity.ENTITY_KEY, Workflows.runId(tenant, workflow, runName))
          .askWithStatus(WorkflowRunEntity.Get::new, ASK)
          .thenApply(WorkflowRunEntity.State::status);
    }
  }
}
