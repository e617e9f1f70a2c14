package io.tramontane.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.typesafe.config.Config;
import io.tramontane.core.persistence.DatabaseSettings;
import io.tramontane.core.system.ResumableSharding;
import io.tramontane.core.system.TramontaneSystem;
import io.tramontane.workflows.run.Replay;
import io.tramontane.workflows.run.WorkflowRunEntity;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * P7: 5-step durable workflows (five calls, each outcome persisted before the next) on 1, 10 and 50
 * concurrent runs: task transitions per second and run latency, against the same journal's plain
 * persist rate (P5's AgentStepEntity) measured in the same run.
 */
@Command(
    name = "workflow",
    mixinStandardHelpOptions = true,
    description =
        "P7: 5-step durable workflows; transitions/s and p99 per run vs the journal's plain persist"
            + " rate in the same run (--db h2|postgres|both).")
public final class WorkflowBench implements Callable<Integer> {

  @Mixin BenchOptions options;

  @Mixin BenchDatabase database;

  static final int STEPS = 5;

  static final String DEFINITION =
      """
      document: {dsl: '1.0.0', namespace: bench, name: five, version: '1.0.0'}
      do:
        - s1: {call: http, with: {n: 1}}
        - s2: {call: http, with: {n: 2}}
        - s3: {call: http, with: {n: 3}}
        - s4: {call: http, with: {n: 4}}
        - s5: {call: http, with: {n: 5}}
      """;

  /** The entity type of bench runs (their own shards and remembered-entity stores). */
  static final EntityTypeKey<WorkflowRunEntity.Command> RUNS =
      EntityTypeKey.create(WorkflowRunEntity.Command.class, "WorkflowRunBench");

  /** Effects that cost nothing: the figure is the durable machinery's. */
  static final class Noop implements Replay.Live {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public JsonNode call(String key, String function, JsonNode with) {
      return JSON.createObjectNode().put("ok", true);
    }

    @Override
    public void emit(String key, JsonNode event) {}

    @Override
    public JsonNode listen(
        String key, JsonNode to, Instant deadline, UnaryOperator<JsonNode> view) {
      return JSON.createArrayNode();
    }

    @Override
    public void sleepUntil(Instant instant) {}
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = options.out();
    ClosedLoopBench bench = new ClosedLoopBench("workflow", "concurrent run(s)", STEPS, options);
    String definition = new ObjectMapper(new YAMLFactory()).readTree(DEFINITION).toString();
    List<ClosedLoopBench.Level> levels = new ArrayList<>();
    for (DatabaseSettings.Kind kind : database.kinds("h2")) {
      if (kind == DatabaseSettings.Kind.POSTGRES) {
        var problem = BenchNode.postgresProblem(BenchNode.config(Path.of("."), kind, Map.of()));
        if (problem.isPresent()) {
          out.println("bench workflow: skipping PostgreSQL: " + problem.get());
          continue;
        }
      }
      Path data = Files.createTempDirectory("tramontane-bench-workflow");
      Config config = BenchNode.config(data, kind, Map.of());
      TramontaneSystem node = TramontaneSystem.start(config);
      String prefix = UUID.randomUUID().toString().substring(0, 8);
      try {
        // Bench runs have their own entity type: the shards' remembered runs stay apart from the
        // node's, and are removed with the runs' events at the end.
        BenchNode.deleteEvents(node.database(), "/sharding/" + RUNS.name(), out);
        initRuns(node);
        ClusterSharding sharding = ClusterSharding.get(node.system());
        // Each operation is a new run of the lane's, started and polled until it completes.
        levels.addAll(
            bench.measure(
                kind,
                node,
                prefix,
                "wf-plain-" + prefix,
                (lane, n) -> run(sharding.entityRefFor(RUNS, lane + "-" + n), definition)));
      } finally {
        BenchNode.deleteEvents(node.database(), "WorkflowRun|" + prefix, out);
        node.close();
      }
    }
    bench.report(
        "P7 workflow — 5 durable steps per run (each outcome persisted before the next)",
        List.of(
            "db · concurrent runs",
            "runs",
            "transitions/s",
            "run p50",
            "run p99",
            "plain events/s",
            "÷ plain"),
        "target (BENCHMARKS.md P7): ≥ 1K task transitions/s; published anchor: Temporal ≈1K"
            + " transitions/s per history shard. plain = one ~512-byte event per command, same"
            + " journal, same concurrency, same run.",
        levels);
    return 0;
  }

  /**
   * Registers bench runs under their own entity type, with the production run behaviour and
   * sharding settings (runs passivated 10 s after they end, as {@code WorkflowRunEntity.init}).
   */
  private static void initRuns(TramontaneSystem node) {
    var runtime =
        new WorkflowRunEntity.Runtime(run -> new Noop(), Clock.systemUTC(), node.persistence());
    ResumableSharding.init(
        node.system(),
        RUNS,
        ctx ->
            WorkflowRunEntity.create(
                ctx.getEntityId(), runtime, ctx.getShard(), Duration.ofSeconds(10)));
  }

  /** Starts one run and polls until it is no longer running. */
  private static void run(EntityRef<WorkflowRunEntity.Command> ref, String definition)
      throws InterruptedException {
    ref.<WorkflowRunEntity.State>askWithStatus(
            r -> new WorkflowRunEntity.Start("v1", definition, "{}", r), Duration.ofSeconds(30))
        .toCompletableFuture()
        .join();
    while (ref.<WorkflowRunEntity.State>askWithStatus(
                WorkflowRunEntity.Get::new, Duration.ofSeconds(30))
            .toCompletableFuture()
            .join()
            .status()
        == WorkflowRunEntity.Status.RUNNING) {
      Thread.sleep(1);
    }
  }
}
