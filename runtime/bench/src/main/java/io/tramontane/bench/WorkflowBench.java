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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import picocli.CommandLine;
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

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin BenchOptions options;

  static final int STEPS = 5;

  record Row(
      String database,
      int concurrency,
      long runs,
      double transitionsPerSecond,
      double runP50Ms,
      double runP99Ms,
      double plainPerSecond,
      double ratio) {}

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

  /** Effects that cost nothing: the figure is the durable machinery's. */
  /** The entity type of bench runs (their own shards and remembered-entity stores). */
  static final org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey<
          WorkflowRunEntity.Command>
      RUNS =
          org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey.create(
              WorkflowRunEntity.Command.class, "WorkflowRunBench");

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
        String key,
        JsonNode to,
        Instant deadline,
        java.util.function.UnaryOperator<JsonNode> view) {
      return JSON.createArrayNode();
    }

    @Override
    public void sleepUntil(Instant instant) {}
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    int[] levels = options.quick ? new int[] {1, 10} : new int[] {1, 10, 50};
    Duration window = options.quick ? Duration.ofSeconds(5) : Duration.ofSeconds(20);
    String definition = new ObjectMapper(new YAMLFactory()).readTree(DEFINITION).toString();
    List<Row> rows = new ArrayList<>();
    for (DatabaseSettings.Kind kind : options.kinds("h2")) {
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
        AgentStepEntity.init(node.system(), node.persistence());
        ClusterSharding sharding = ClusterSharding.get(node.system());
        JournalLoad plain =
            new JournalLoad(sharding, "noop", "x".repeat(400), Duration.ofSeconds(30));
        runs(sharding, definition, prefix + "-warm", 2, Duration.ofSeconds(2));
        for (int c : levels) {
          out.printf("bench workflow: %s, %d concurrent run(s)...%n", kind, c);
          out.flush();
          double[] ms = runs(sharding, definition, prefix + "-" + c, c, window);
          double seconds = window.toNanos() / 1e9;
          double transitions = ms.length * (double) STEPS / seconds;
          var base = plain.run("wf-plain-" + prefix + "-" + c, c, Duration.ofSeconds(1), window);
          rows.add(
              new Row(
                  kind.name().toLowerCase(java.util.Locale.ROOT),
                  c,
                  ms.length,
                  transitions,
                  AgentBench.percentile(ms, 0.5),
                  AgentBench.percentile(ms, 0.99),
                  base.perSecond(),
                  transitions / base.perSecond()));
        }
      } finally {
        BenchNode.deleteEvents(node.database(), "WorkflowRun|" + prefix, out);
        node.close();
      }
    }
    Table t =
        new Table(
            "P7 workflow — 5 durable steps per run (each outcome persisted before the next)",
            "db · concurrent runs",
            "runs",
            "transitions/s",
            "run p50",
            "run p99",
            "plain events/s",
            "÷ plain");
    for (Row r : rows) {
      t.row(
          r.database() + " · " + r.concurrency(),
          Long.toString(r.runs()),
          Table.rate(r.transitionsPerSecond()),
          Table.millis(r.runP50Ms()),
          Table.millis(r.runP99Ms()),
          Table.rate(r.plainPerSecond()),
          Table.ratio(r.ratio()));
    }
    t.note(
        "target (BENCHMARKS.md P7): ≥ 1K task transitions/s; published anchor: Temporal ≈1K"
            + " transitions/s per history shard. plain = one ~512-byte event per command, same"
            + " journal, same concurrency, same run.");
    Machine m = Machine.describe();
    t.note(m.toString());
    t.print(out);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("machine", m);
    json.put("rows", rows);
    out.println("JSON: " + options.writeJson("workflow", json));
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

  /** Closed loop: each lane starts a run and polls until it completes; latencies in ms. */
  private static double[] runs(
      ClusterSharding sharding, String definition, String prefix, int lanes, Duration window) {
    long until = System.nanoTime() + window.toNanos();
    ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
    List<CompletableFuture<Void>> all = new ArrayList<>();
    var executor = Executors.newVirtualThreadPerTaskExecutor();
    for (int i = 0; i < lanes; i++) {
      String lane = prefix + "-" + i;
      all.add(
          CompletableFuture.runAsync(
              () -> {
                int n = 0;
                while (System.nanoTime() < until) {
                  var ref = sharding.entityRefFor(RUNS, lane + "-" + n++);
                  long t0 = System.nanoTime();
                  ref.<WorkflowRunEntity.State>askWithStatus(
                          r -> new WorkflowRunEntity.Start("v1", definition, "{}", r),
                          Duration.ofSeconds(30))
                      .toCompletableFuture()
                      .join();
                  while (ref.<WorkflowRunEntity.State>askWithStatus(
                              WorkflowRunEntity.Get::new, Duration.ofSeconds(30))
                          .toCompletableFuture()
                          .join()
                          .status()
                      == WorkflowRunEntity.Status.RUNNING) {
                    try {
                      Thread.sleep(1);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                  latencies.add((System.nanoTime() - t0) / 1e6);
                }
              },
              executor));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    return latencies.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
