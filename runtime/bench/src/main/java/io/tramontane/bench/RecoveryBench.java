package io.tramontane.bench;

import com.typesafe.config.Config;
import io.tramontane.bench.RecoveryResults.ColdStart;
import io.tramontane.bench.RecoveryResults.DatabaseRun;
import io.tramontane.bench.RecoveryResults.Plan;
import io.tramontane.bench.RecoveryResults.Report;
import io.tramontane.core.persistence.Database;
import io.tramontane.core.persistence.DatabaseSettings;
import io.tramontane.core.system.TramontaneSystem;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * P8, {@code tramontane bench recovery}: 10,000 entities × 20 agent steps written through a real
 * node, then cold starts on that journal — one fresh node JVM, and on PostgreSQL a cluster of
 * {@code --nodes} fresh JVMs — timed from launch to ready and from ready until every entity has
 * answered with exactly its 20 replayed events. On PostgreSQL the same node JVMs then measure the
 * journal load (P5) at 100 and 1,000 entities, so P5 at cluster scale sits next to the single-node
 * figure of the same run. Then, on a cluster of 3 or more, a failover: the last node gets SIGKILL,
 * node 1 asks every entity again until all answer with exactly their events from the survivors, and
 * the killed node is started again until it is ready (rejoined). Target: all recovered ≤ 30 s.
 */
@Command(
    name = "recovery",
    mixinStandardHelpOptions = true,
    description = {
      "P8: cold start of fresh node JVMs on a journal of 10,000 entities x 20 events (H2: one"
          + " node; PostgreSQL: one node and a cluster of --nodes), until every entity has"
          + " replayed its events (verified); and P5 (events/s at 100 and 1,000 entities) on the"
          + " single node and on the cluster; then on the cluster the last node is SIGKILLed"
          + " until every entity answers again from the survivors (verified), and restarted"
          + " until it has rejoined.",
      "PostgreSQL rows say 'skipped' when the server named by TRAMONTANE_DB_URL is not reachable."
    })
public final class RecoveryBench implements Callable<Integer> {

  static final String NAME = "recovery";
  static final double TARGET_SECONDS = 30;

  @Mixin BenchOptions options;

  @Mixin BenchDatabase database;

  @Option(
      names = "--entities",
      paramLabel = "N",
      description = "Entities to write and recover (default: 10,000; 1,000 with --quick).")
  Integer entities;

  @Option(
      names = "--events",
      paramLabel = "N",
      description = "Events per entity (default: ${DEFAULT-VALUE}).",
      defaultValue = "20")
  int events;

  @Option(
      names = "--nodes",
      paramLabel = "N",
      description =
          "Node JVMs in the PostgreSQL cluster cold start (default: ${DEFAULT-VALUE}; 1 skips"
              + " the cluster).",
      defaultValue = "3")
  int nodes;

  @Option(
      names = "--keep",
      description =
          "Keep the node JVMs' directories (node.conf, node.log, report.json) and print where;"
              + " they are kept anyway when a cold start fails.")
  boolean keep;

  @Option(
      names = "--no-failover",
      description =
          "Skip the failover after the cluster cold start (clusters of 3 or more nodes: SIGKILL"
              + " of the last node, every entity asked again, restart of the node).")
  boolean noFailover;

  @Option(
      names = "--no-load",
      description = "Skip the journal load (P5) on the single node and the cluster.")
  boolean noLoad;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = options.out();
    PrintWriter progress = options.progress();
    if (events < 1 || (entities != null && entities < 1) || nodes < 1) {
      throw new CommandLine.ParameterException(
          options.command.commandLine(), "--entities, --events and --nodes must be at least 1.");
    }
    BenchNode.quietLogs();
    Plan plan = Plan.of(options.quick, entities, events, nodes, !noLoad, !noFailover);
    Path workDir = BenchNode.tempDataDir(NAME);
    Report report =
        measure(plan, options.quick, database.kinds("both"), workDir, Map.of(), progress);
    if (report.verified() && !keep) {
      BenchNode.deleteTree(workDir);
    } else {
      progress.println("bench recovery: node directories (config, logs) kept in " + workDir);
    }
    RecoveryTables.table(report).print(out);
    if (report.databases().stream()
        .anyMatch(d -> d.coldStarts().stream().anyMatch(c -> c.failover() != null))) {
      RecoveryTables.failoverTable(report).print(out);
    }
    if (report.databases().stream()
        .anyMatch(d -> d.coldStarts().stream().anyMatch(c -> !c.loads().isEmpty()))) {
      RecoveryTables.loadTable(report).print(out);
    }
    options.printJson(NAME, report);
    return report.verified() ? 0 : 1;
  }

  /**
   * Runs the benchmark on each database in {@code kinds}; {@code overrides} is configuration over
   * the defaults and environment (tests name their own PostgreSQL schema there). The node JVMs get
   * the PostgreSQL password through their environment, never a file.
   */
  static Report measure(
      Plan plan,
      boolean quick,
      List<DatabaseSettings.Kind> kinds,
      Path workDir,
      Map<String, Object> overrides,
      PrintWriter progress)
      throws IOException, InterruptedException {
    String runId = "r" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    String loadBefore = loadAverage();
    int[] eventBytes = {0};
    List<DatabaseRun> runs = new ArrayList<>();
    for (DatabaseSettings.Kind kind : kinds) {
      runs.add(runDatabase(kind, plan, workDir, overrides, runId, progress, eventBytes));
    }
    return new Report(
        new ReportHeader(NAME, "P8", quick, Machine.describe()),
        plan,
        eventBytes[0],
        runs,
        TARGET_SECONDS,
        loadBefore,
        loadAverage());
  }

  /** The 1, 5 and 15 minute load averages: other processes on the same cores move the figures. */
  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  static DatabaseRun runDatabase(
      DatabaseSettings.Kind kind,
      Plan plan,
      Path workDir,
      Map<String, Object> overrides,
      String runId,
      PrintWriter progress,
      int[] eventBytes)
      throws IOException, InterruptedException {
    String label = JournalBench.label(kind);
    Path dir = workDir.resolve(kind.name().toLowerCase(Locale.ROOT));
    Path dataDir = dir.resolve("data");
    Config config = BenchNode.config(dataDir, kind, overrides);
    DatabaseSettings settings = DatabaseSettings.fromConfig(config);
    String journal = settings.describe();
    boolean postgres = kind == DatabaseSettings.Kind.POSTGRES;
    if (postgres) {
      Optional<String> problem = BenchNode.postgresProblem(config);
      if (problem.isPresent()) {
        say(progress, "PostgreSQL skipped: " + problem.get());
        return new DatabaseRun(label, journal, problem.get(), null, null, List.of(), 0);
      }
    }
    String idPrefix = runId + "-e";
    String persistencePrefix = AgentStepEntity.ENTITY_KEY.name() + "|" + runId + "-";
    long deleted = 0;
    DatabaseRun run;
    try {
      run =
          populateAndColdStart(
              kind, plan, dir, dataDir, config, settings, idPrefix, runId, progress, eventBytes);
    } finally {
      if (postgres) {
        try (Database database = Database.open(settings)) {
          deleted = BenchNode.deleteEvents(database, persistencePrefix, progress);
        }
        say(progress, String.format("removed %,d benchmark events from PostgreSQL", deleted));
      }
    }
    return new DatabaseRun(
        run.database(),
        run.journal(),
        run.skipped(),
        run.failure(),
        run.populate(),
        run.coldStarts(),
        deleted);
  }

  static DatabaseRun populateAndColdStart(
      DatabaseSettings.Kind kind,
      Plan plan,
      Path dir,
      Path dataDir,
      Config config,
      DatabaseSettings settings,
      String idPrefix,
      String runId,
      PrintWriter progress,
      int[] eventBytes)
      throws IOException, InterruptedException {
    String label = JournalBench.label(kind);
    String journal = settings.describe();
    boolean postgres = kind == DatabaseSettings.Kind.POSTGRES;
    say(
        progress,
        String.format(
            "%s: writing %,d entities × %d events through a node...",
            label, plan.entities(), plan.events()));
    RecoveryPopulation.Result populate;
    try {
      populate = populate(config, idPrefix, plan, eventBytes);
    } catch (IllegalStateException e) {
      say(progress, label + ": populating failed: " + e.getMessage());
      return new DatabaseRun(label, journal, null, e.getMessage(), null, List.of(), 0);
    }
    say(
        progress,
        String.format(
            "%s: %,d events in %.1f s (%,.0f events/s)",
            label, populate.events(), populate.seconds(), populate.perSecond()));
    Map<String, Object> nodeConfig = new HashMap<>();
    nodeConfig.put("tramontane.database.kind", kind.name().toLowerCase(Locale.ROOT));
    Map<String, String> environment = new HashMap<>();
    if (postgres) {
      nodeConfig.put("tramontane.database.url", settings.jdbcUrl());
      nodeConfig.put("tramontane.database.user", settings.user());
      environment.put("TRAMONTANE_DB_PASSWORD", settings.password());
    }
    List<ColdStart> coldStarts = new ArrayList<>();
    List<Integer> levels = postgres ? plan.loadLevels() : List.of();
    coldStarts.add(
        RecoveryColdStarts.coldStart(
            label,
            1,
            dir.resolve("single"),
            nodeConfig,
            postgres ? null : dataDir,
            environment,
            job(plan, idPrefix, levels, runId + "-single-load-", false),
            plan.timeout(),
            progress));
    if (plan.nodes() > 1) {
      if (postgres) {
        coldStarts.add(
            RecoveryColdStarts.coldStart(
                label,
                plan.nodes(),
                dir.resolve("cluster"),
                nodeConfig,
                null,
                environment,
                job(
                    plan,
                    idPrefix,
                    levels,
                    runId + "-cluster-load-",
                    plan.failover() && plan.nodes() >= 3),
                plan.timeout(),
                progress));
      } else {
        coldStarts.add(
            new ColdStart(
                label,
                plan.nodes(),
                "H2 cannot be shared between nodes; the cluster runs on PostgreSQL",
                null,
                List.of(),
                0,
                0,
                0,
                -1,
                null,
                List.of(),
                null,
                null));
      }
    }
    return new DatabaseRun(label, journal, null, null, populate, coldStarts, 0);
  }

  static RecoveryPopulation.Result populate(
      Config config, String idPrefix, Plan plan, int[] eventBytes) throws InterruptedException {
    TramontaneSystem node = TramontaneSystem.start(config);
    try {
      Optional<String> notReady = BenchNode.awaitReady(node, Duration.ofSeconds(60));
      if (notReady.isPresent()) {
        throw new IllegalStateException(notReady.get());
      }
      AgentStepEntity.init(node.system(), node.persistence());
      Serialization serialization = SerializationExtension.get(node.system().classicSystem());
      String output = JournalBench.outputFor(serialization);
      AgentStepEntity.StepRecorded sample =
          new AgentStepEntity.StepRecorded(plan.events(), JournalBench.TOOL, output);
      eventBytes[0] = serialization.findSerializerFor(sample).toBinary(sample).length;
      return new RecoveryPopulation(
              ClusterSharding.get(node.system()), JournalBench.TOOL, output, Duration.ofSeconds(30))
          .run(idPrefix, plan.entities(), plan.events(), plan.inFlight());
    } finally {
      node.close();
    }
  }

  static RecoveryNode.Job job(
      Plan plan, String idPrefix, List<Integer> levels, String loadPrefix, boolean failover) {
    return new RecoveryNode.Job(
        1,
        true,
        1,
        "",
        Duration.ofSeconds(120),
        idPrefix,
        plan.entities(),
        plan.events(),
        plan.inFlight(),
        Duration.ofSeconds(30),
        levels,
        loadPrefix,
        plan.warmup(),
        plan.settle(),
        plan.measure(),
        failover
            ? new RecoveryNode.FailoverPlan(
                "", plan.nodes(), Plan.FAILOVER_ASK_TIMEOUT, Plan.FAILOVER_DEADLINE)
            : null);
  }

  static void say(PrintWriter progress, String line) {
    progress.println("bench recovery: " + line);
    progress.flush();
  }
}
