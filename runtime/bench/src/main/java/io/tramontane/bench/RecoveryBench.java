package io.tramontane.bench;

import com.typesafe.config.Config;
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

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin BenchOptions options;

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

  /** What the run does; the durations are the journal load's phases (as in bench journal). */
  public record Plan(
      int entities,
      int events,
      int nodes,
      int inFlight,
      List<Integer> loadLevels,
      Duration warmup,
      Duration settle,
      Duration measure,
      Duration timeout,
      boolean failover) {

    /** How long an ask waits after the kill, before it is sent again. */
    static final Duration FAILOVER_ASK_TIMEOUT = Duration.ofSeconds(2);

    /** Bounds each failover wait: for the kill, for every entity answering, for the rejoin. */
    static final Duration FAILOVER_DEADLINE = Duration.ofMinutes(3);

    static Plan of(
        boolean quick, Integer entities, int events, int nodes, boolean load, boolean failover) {
      List<Integer> levels = load ? List.of(100, 1_000) : List.of();
      return quick
          ? new Plan(
              entities != null ? entities : 1_000,
              events,
              nodes,
              500,
              levels,
              Duration.ofSeconds(1),
              Duration.ofMillis(500),
              Duration.ofSeconds(2),
              Duration.ofMinutes(3),
              failover)
          : new Plan(
              entities != null ? entities : 10_000,
              events,
              nodes,
              1_000,
              levels,
              Duration.ofSeconds(5),
              Duration.ofSeconds(2),
              Duration.ofSeconds(10),
              Duration.ofMinutes(10),
              failover);
    }
  }

  /**
   * One cold start: {@code nodes} fresh JVMs launched at once. Times are from launch (all JVMs
   * started) to the last node ready, from the driver's readiness until the last entity answered,
   * and the sum; {@code recovery} is what the entities answered.
   */
  public record ColdStart(
      String database,
      int nodes,
      String skipped,
      String failure,
      List<Long> nodeLaunchToReadyMs,
      long launchToReadyMs,
      long readyToRecoveredMs,
      long launchToRecoveredMs,
      long recoveryCpuMs,
      RecoveryCheck.Result recovery,
      List<JournalLoad.Result> loads,
      String loadProblem,
      Failover failover) {

    /** Recovered every entity, and if a failover ran, it lost or doubled nothing either. */
    boolean verified() {
      return skipped == null
          && failure == null
          && recovery != null
          && recovery.allRecovered()
          && (failover == null || failover.verified());
    }
  }

  /**
   * The failover after a cluster cold start: node {@code killedNode} got SIGKILL; {@code
   * entitiesOnKilledNode} benchmark entities had their shard there (-1 if unknown); {@code
   * killToAnsweringMs} until the last entity answered again (node 1 saw the node unreachable,
   * downed by the split brain resolver and removed at the {@code killTo…Ms} before), {@code check}
   * what they answered; the killed node's restart until it was ready ({@code restartToReadyMs}:
   * member Up, journal, shard regions) and until node 1 saw every member Up ({@code
   * restartToRejoinedMs}); -1 where a moment was missed, and {@code failure} then says why.
   */
  public record Failover(
      int killedNode,
      int entitiesOnKilledNode,
      Map<String, Integer> entitiesByNode,
      long killToUnreachableMs,
      long killToDownedMs,
      long killToRemovedMs,
      long killToAnsweringMs,
      RecoveryCheck.Result check,
      long restartToReadyMs,
      long restartToRejoinedMs,
      String failure) {

    boolean verified() {
      return failure == null && check != null && check.allRecovered() && restartToReadyMs >= 0;
    }
  }

  /** One database's figures, or why it was skipped. */
  public record DatabaseRun(
      String database,
      String journal,
      String skipped,
      String failure,
      RecoveryPopulation.Result populate,
      List<ColdStart> coldStarts,
      long rowsDeleted) {}

  /** Everything the run measured; written as JSON. */
  public record Report(
      String benchmark,
      String id,
      boolean quick,
      Machine machine,
      Plan plan,
      int eventBytes,
      List<DatabaseRun> databases,
      double targetSeconds,
      String loadAverageBefore,
      String loadAverageAfter) {

    /** Every cold start that ran recovered every entity with exactly its events. */
    boolean verified() {
      return databases.stream().allMatch(d -> d.failure() == null)
          && databases.stream()
              .flatMap(d -> d.coldStarts().stream())
              .filter(c -> c.skipped() == null)
              .allMatch(ColdStart::verified);
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter progress = spec.commandLine().getErr();
    if (events < 1 || (entities != null && entities < 1) || nodes < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--entities, --events and --nodes must be at least 1.");
    }
    BenchNode.quietLogs();
    Plan plan = Plan.of(options.quick, entities, events, nodes, !noLoad, !noFailover);
    Path workDir = BenchNode.tempDataDir(NAME);
    Report report =
        measure(plan, options.quick, options.kinds("both"), workDir, Map.of(), progress);
    if (report.verified() && !keep) {
      BenchNode.deleteTree(workDir);
    } else {
      progress.println("bench recovery: node directories (config, logs) kept in " + workDir);
    }
    table(report).print(out);
    if (report.databases().stream()
        .anyMatch(d -> d.coldStarts().stream().anyMatch(c -> c.failover() != null))) {
      failoverTable(report).print(out);
    }
    if (report.databases().stream()
        .anyMatch(d -> d.coldStarts().stream().anyMatch(c -> !c.loads().isEmpty()))) {
      loadTable(report).print(out);
    }
    Path json = options.writeJson(NAME, report);
    out.println("JSON: " + json);
    out.flush();
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
        NAME,
        "P8",
        quick,
        Machine.describe(),
        plan,
        eventBytes[0],
        runs,
        TARGET_SECONDS,
        loadBefore,
        loadAverage());
  }

  /** The 1, 5 and 15 minute load averages: other processes on the same cores move the figures. */
  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static DatabaseRun runDatabase(
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

  private static DatabaseRun populateAndColdStart(
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
        coldStart(
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
            coldStart(
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

  private static RecoveryPopulation.Result populate(
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

  private static RecoveryNode.Job job(
      Plan plan, String idPrefix, List<Integer> levels, String loadPrefix, boolean failover) {
    return new RecoveryNode.Job(
        1,
        true,
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

  private static ColdStart coldStart(
      String label,
      int size,
      Path dir,
      Map<String, Object> nodeConfig,
      Path sharedDataDir,
      Map<String, String> environment,
      RecoveryNode.Job job,
      Duration timeout,
      PrintWriter progress)
      throws IOException, InterruptedException {
    String what = size == 1 ? "1 node" : size + " nodes";
    say(progress, String.format("%s: cold start of %s (fresh JVMs)...", label, what));
    RecoveryCluster.Outcome o;
    try {
      o =
          RecoveryCluster.coldStart(
              dir, size, nodeConfig, sharedDataDir, environment, job, timeout);
    } catch (IOException e) {
      String why = "could not start the node JVMs or read their reports in " + dir + ": " + e;
      say(progress, label + ", " + what + ": failed: " + why);
      return new ColdStart(
          label, size, null, why, List.of(), 0, 0, 0, -1, null, List.of(), null, null);
    }
    RecoveryNode.NodeReport driver = o.driver();
    if (driver == null || driver.recovery() == null) {
      String why = o.error() != null ? o.error() : "the driver reported no recovery";
      if (driver != null && driver.error() != null) {
        why = driver.error() + " (" + why + ")";
      }
      say(progress, label + ", " + what + ": failed: " + why);
      return new ColdStart(
          label, size, null, why, List.of(), 0, 0, 0, -1, null, List.of(), null, null);
    }
    long ready = o.readyAtMs() - o.launchedAtMs();
    long recovered = driver.recoveredAtMs() - driver.readyAtMs();
    long total = driver.recoveredAtMs() - o.launchedAtMs();
    RecoveryCheck.Result r = driver.recovery();
    say(
        progress,
        String.format(
            "%s, %s: ready after %.1f s, all %,d recovered %.1f s later (%,d/%,d verified)",
            label, what, ready / 1e3, r.entities(), recovered / 1e3, r.recovered(), r.entities()));
    for (JournalLoad.Result l : driver.loads()) {
      say(
          progress,
          String.format(
              "%s, %s, %,d entities: %,.0f events/s", label, what, l.entities(), l.perSecond()));
    }
    String loadProblem = driver.error() != null ? driver.error() : o.error();
    Failover failover = o.failover() == null ? null : failover(o, ports(o));
    if (failover != null) {
      sayFailover(progress, label, what, failover);
    }
    List<Long> nodeReady = o.reports().stream().map(n -> n.readyAtMs() - o.launchedAtMs()).toList();
    return new ColdStart(
        label,
        size,
        null,
        null,
        nodeReady,
        ready,
        recovered,
        total,
        o.recoveryCpuMs(),
        r,
        driver.loads(),
        loadProblem,
        failover);
  }

  /** Reads the failover's figures from the driver's and the restarted node's reports. */
  private static Failover failover(RecoveryCluster.Outcome o, Map<Integer, String> addresses) {
    RecoveryCluster.Restart r = o.failover();
    RecoveryNode.FailoverReport f = o.driver().failover();
    Map<String, Integer> byNode = f != null ? f.entitiesByNode() : Map.of();
    String victim = addresses.get(r.node());
    int onVictim = victim == null || byNode.isEmpty() ? -1 : byNode.getOrDefault(victim, 0);
    String failure = null;
    if (f == null) {
      failure = "node 1 never got to the failover" + (o.error() != null ? ": " + o.error() : "");
    } else if (r.killedAtMs() == 0) {
      failure =
          "node " + r.node() + " was not killed" + (o.error() != null ? ": " + o.error() : "");
    } else if (f.check() == null) {
      failure = f.error() != null ? f.error() : "node 1 did not ask the entities after the kill";
    } else if (r.restartedAtMs() == 0) {
      failure = "node " + r.node() + " was not restarted";
    } else if (r.restartedReport() == null || r.restartedReport().readyAtMs() == 0) {
      failure =
          "the restarted node "
              + r.node()
              + " was not ready"
              + (r.restartedReport() != null && r.restartedReport().error() != null
                  ? ": " + r.restartedReport().error()
                  : "");
    } else if (f.rejoinedAtMs() == 0) {
      failure = f.error();
    }
    long answering = f != null && f.check() != null ? f.answeringAtMs() - r.killedAtMs() : -1;
    long ready =
        r.restartedReport() != null && r.restartedReport().readyAtMs() > 0
            ? r.restartedReport().readyAtMs() - r.restartedAtMs()
            : -1;
    long rejoined =
        f != null && f.rejoinedAtMs() > 0 && r.restartedAtMs() > 0
            ? f.rejoinedAtMs() - r.restartedAtMs()
            : -1;
    RecoveryNode.Membership m = f != null ? f.membership() : null;
    return new Failover(
        r.node(),
        onVictim,
        byNode,
        m == null ? -1 : since(r.killedAtMs(), m.unreachableAtMs()),
        m == null ? -1 : since(r.killedAtMs(), m.downedAtMs()),
        m == null ? -1 : since(r.killedAtMs(), m.removedAtMs()),
        answering,
        f != null ? f.check() : null,
        ready,
        rejoined,
        failure);
  }

  /** Milliseconds from {@code from} to {@code at}, -1 if {@code at} was not seen (0). */
  private static long since(long from, long at) {
    return at > 0 && from > 0 ? at - from : -1;
  }

  /** "127.0.0.1:port" of each node, as the driver names them in its sharding state. */
  private static Map<Integer, String> ports(RecoveryCluster.Outcome o) {
    Map<Integer, String> addresses = new HashMap<>();
    for (int i = 0; i < o.ports().size(); i++) {
      addresses.put(i + 1, "127.0.0.1:" + o.ports().get(i));
    }
    return addresses;
  }

  private static void sayFailover(PrintWriter progress, String label, String what, Failover f) {
    if (f.check() == null) {
      say(progress, label + ", " + what + ", failover failed: " + f.failure());
      return;
    }
    RecoveryCheck.Result c = f.check();
    say(
        progress,
        String.format(
            "%s, %s: node %d SIGKILLed (%s entities there); unreachable / downed / removed after"
                + " %s / %s / %s s, all %,d answering %.1f s after the kill (%,d/%,d verified);"
                + " restarted node ready after %s, Up on node 1 after %s%s",
            label,
            what,
            f.killedNode(),
            f.entitiesOnKilledNode() < 0 ? "?" : String.format("%,d", f.entitiesOnKilledNode()),
            secondsOrDash(f.killToUnreachableMs()),
            secondsOrDash(f.killToDownedMs()),
            secondsOrDash(f.killToRemovedMs()),
            c.entities(),
            f.killToAnsweringMs() / 1e3,
            c.recovered(),
            c.entities(),
            f.restartToReadyMs() < 0 ? "-" : seconds(f.restartToReadyMs()),
            f.restartToRejoinedMs() < 0 ? "-" : seconds(f.restartToRejoinedMs()),
            f.failure() != null ? "; " + f.failure() : ""));
  }

  private static void say(PrintWriter progress, String line) {
    progress.println("bench recovery: " + line);
    progress.flush();
  }

  static Table table(Report r) {
    Plan p = r.plan();
    Table t =
        new Table(
            String.format(
                "P8 recovery — %,d entities × %d events (%d B), fresh JVMs, cold start until every"
                    + " entity has replayed its events%s",
                p.entities(), p.events(), r.eventBytes(), r.quick() ? " (--quick)" : ""),
            "journal",
            "nodes",
            "populate events/s",
            "launch → ready",
            "ready → all recovered",
            "launch → all recovered",
            "recovery CPU",
            "verified",
            "≤ " + (int) r.targetSeconds() + " s");
    for (DatabaseRun run : r.databases()) {
      if (run.skipped() != null || run.failure() != null) {
        t.row(
            run.database(),
            "-",
            run.skipped() != null ? "skipped" : "FAILED",
            "-",
            "-",
            "-",
            "-",
            "-",
            "-");
        continue;
      }
      for (ColdStart c : run.coldStarts()) {
        String populate = Table.rate(run.populate().perSecond());
        if (c.skipped() != null || c.failure() != null) {
          t.row(
              run.database(),
              Integer.toString(c.nodes()),
              populate,
              c.skipped() != null ? "skipped" : "FAILED",
              "-",
              "-",
              "-",
              "-",
              "-");
          continue;
        }
        RecoveryCheck.Result v = c.recovery();
        t.row(
            run.database(),
            Integer.toString(c.nodes()),
            populate,
            seconds(c.launchToReadyMs()),
            seconds(c.readyToRecoveredMs()),
            seconds(c.launchToRecoveredMs()),
            c.recoveryCpuMs() < 0 ? "-" : seconds(c.recoveryCpuMs()),
            String.format("%,d/%,d", v.recovered(), v.entities()),
            !c.recovery().allRecovered()
                ? "NOT verified"
                : c.launchToRecoveredMs() <= r.targetSeconds() * 1000 ? "met" : "NOT met");
      }
    }
    t.note(
        "launch → ready: all node JVMs started at once until the last one is ready (cluster Up,"
            + " journal reachable, shard regions registered); ready → all recovered: the driver"
            + " (node 1, a shard host too) asks every entity for its step count, "
            + p.inFlight()
            + " asks in flight; each must answer "
            + p.events()
            + " (the events it replayed). recovery CPU: CPU time of all node JVMs over that"
            + " interval (sampled every 200 ms), which the wall-clock time cannot beat on "
            + r.machine().nproc()
            + " cores.");
    t.note(
        "The target applies to launch → all recovered. On PostgreSQL both cold starts read the same journal;"
            + " the database's page cache is warm from the populate phase in both.");
    for (DatabaseRun run : r.databases()) {
      if (run.skipped() != null) {
        t.note(run.database() + ": skipped: " + run.skipped());
      }
      if (run.failure() != null) {
        t.note(run.database() + ": populating the journal failed: " + run.failure());
      }
      for (ColdStart c : run.coldStarts()) {
        if (c.skipped() != null) {
          t.note(run.database() + ", " + c.nodes() + " node(s): " + c.skipped());
        } else if (c.failure() != null) {
          t.note(run.database() + ", " + c.nodes() + " node(s) failed: " + c.failure());
        } else if (!c.verified() && c.recovery().firstProblem() != null) {
          t.note(
              run.database()
                  + ", "
                  + c.nodes()
                  + " node(s): "
                  + c.recovery().failed()
                  + " without an answer, "
                  + c.recovery().wrongCount()
                  + " with a wrong count; first: "
                  + c.recovery().firstProblem());
        }
      }
      if (run.populate() != null && run.populate().failures() > 0) {
        t.note(
            run.database() + ": " + run.populate().failures() + " asks failed while populating.");
      }
    }
    t.note(
        r.machine().line()
            + " · load average (1/5/15 min) "
            + r.loadAverageBefore()
            + " at start, "
            + r.loadAverageAfter()
            + " at end");
    return t;
  }

  /** The failover after the cluster cold start: kill, every entity answering again, rejoin. */
  static Table failoverTable(Report r) {
    Table t =
        new Table(
            "P8 failover — after the cluster cold start and its load, one node (not node 1) gets"
                + " SIGKILL; node 1 asks every entity again until all answer from the survivors"
                + (r.quick() ? " (--quick)" : ""),
            "journal",
            "nodes",
            "killed",
            "its entities",
            "→ unreachable / downed / removed",
            "kill → all answering",
            "asked again",
            "verified",
            "restart → Up on node 1",
            "restart → ready");
    for (DatabaseRun run : r.databases()) {
      for (ColdStart c : run.coldStarts()) {
        Failover f = c.failover();
        if (f == null) {
          continue;
        }
        RecoveryCheck.Result v = f.check();
        t.row(
            run.database(),
            Integer.toString(c.nodes()),
            "node " + f.killedNode(),
            f.entitiesOnKilledNode() < 0 ? "?" : String.format("%,d", f.entitiesOnKilledNode()),
            secondsOrDash(f.killToUnreachableMs())
                + " / "
                + secondsOrDash(f.killToDownedMs())
                + " / "
                + secondsOrDash(f.killToRemovedMs()),
            v == null ? "-" : seconds(f.killToAnsweringMs()),
            v == null ? "-" : String.format("%,d", v.retried()),
            v == null
                ? "FAILED"
                : v.allRecovered()
                    ? String.format("%,d/%,d", v.recovered(), v.entities())
                    : String.format("NOT verified %,d/%,d", v.recovered(), v.entities()),
            f.restartToRejoinedMs() < 0 ? "-" : seconds(f.restartToRejoinedMs()),
            f.restartToReadyMs() < 0 ? "-" : seconds(f.restartToReadyMs()));
        if (f.failure() != null) {
          t.note(run.database() + ", " + c.nodes() + " nodes, failover: " + f.failure());
        }
        if (v != null && v.firstProblem() != null) {
          t.note(
              run.database()
                  + ", failover: "
                  + v.failed()
                  + " without an answer, "
                  + v.wrongCount()
                  + " with a wrong count; first: "
                  + v.firstProblem());
        }
      }
    }
    t.note(
        "its entities: benchmark entities whose shard the killed node hosted (the coordinator's"
            + " allocation just before the kill); they recover again on the survivors. asked"
            + " again: entities whose first ask after the kill timed out ("
            + Plan.FAILOVER_ASK_TIMEOUT.toSeconds()
            + " s; each is asked again until it answers, at most "
            + r.plan().inFlight()
            + " in flight, so this counts the first waves only).");
    t.note(
        "kill → all answering is mostly waiting, by design: failure detection (a few seconds;"
            + " → unreachable, as node 1 saw it), the split brain resolver's stable-after (20 s)"
            + " before it downs the node (→ downed); the leader removes it from the membership"
            + " right after (→ removed), but the survivors treat its actors, hence its shard"
            + " region, as gone only after the down-removal margin (= stable-after, 20 s) — so an"
            + " entity is never live on two nodes — and only then do its shards start elsewhere"
            + " and its entities replay there; expect 45–50 s. The killed node is then started"
            + " again (fresh JVM, same port and config): → Up on node 1: until node 1 sees every"
            + " member Up and none unreachable; → ready: until the node itself is ready (member"
            + " Up, journal reachable, shard regions registered).");
    return t;
  }

  /** P5 at cluster scale: the journal load on the single node and on the cluster, same run. */
  static Table loadTable(Report r) {
    Table t =
        new Table(
            "P5 at cluster scale — agent steps persisted and confirmed, closed loop, asked from"
                + " node 1"
                + (r.quick() ? " (--quick)" : ""),
            "journal",
            "nodes",
            "entities",
            "events",
            "seconds",
            "events/s",
            "÷ 1 node");
    for (DatabaseRun run : r.databases()) {
      Map<Integer, Double> single = new HashMap<>();
      for (ColdStart c : run.coldStarts()) {
        for (JournalLoad.Result l : c.loads()) {
          if (c.nodes() == 1) {
            single.put(l.entities(), l.perSecond());
          }
          Double base = single.get(l.entities());
          t.row(
              run.database(),
              Integer.toString(c.nodes()),
              String.format("%,d", l.entities()),
              String.format("%,d", l.events()),
              String.format("%.1f", l.seconds()),
              Table.rate(l.perSecond()),
              base == null ? "-" : Table.ratio(l.perSecond() / base));
        }
        if (c.loadProblem() != null) {
          t.note(run.database() + ", " + c.nodes() + " node(s): " + c.loadProblem());
        }
      }
    }
    t.note(
        "All node JVMs share this machine's cores and one PostgreSQL server; with more nodes than"
            + " cores the cluster figure measures remoting and sharding overhead, not added"
            + " capacity.");
    return t;
  }

  private static String secondsOrDash(long ms) {
    return ms < 0 ? "-" : String.format("%.1f", ms / 1e3);
  }

  private static String seconds(long ms) {
    return String.format("%.1f s", ms / 1e3);
  }
}
