package io.tramontane.bench;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import io.tramontane.core.system.TramontaneSystem;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Starts {@code size} {@link RecoveryNode} JVMs at once from this JVM's classpath, on 127.0.0.1,
 * and waits for the driver (node 1) to finish: a cold start of a single node ({@code size == 1},
 * joins itself) or of a cluster (each node lists every node as a seed; the driver measures only
 * once all {@code size} members are Up). Then the hosts get SIGTERM. Each node has a directory
 * {@code <dir>/node-<i>} with its {@code node.conf}, {@code job.json}, {@code report.json} and
 * {@code node.log}. Used by {@code tramontane bench recovery} and by its tests.
 *
 * <p>When the driver's job has a {@link RecoveryNode.FailoverPlan}, the last node is the victim:
 * once the driver reports that it waits for the kill, the victim gets SIGKILL and the driver a
 * {@link RecoveryNode.KillSignal} file ({@code node-1/kill.json}); once the driver reports that
 * every entity answered again, the victim is started again (same ports and config; {@code
 * job-restarted.json}, {@code report-restarted.json}, {@code node-restarted.log}). Every JVM
 * started here is stopped on every way out, and killed by a shutdown hook if this JVM is stopped; a
 * node also exits by itself when this JVM dies.
 */
final class RecoveryCluster {

  /**
   * When the JVMs were launched (epoch ms) and what each node reported, node 1 first; {@code
   * failover} what happened to the victim, null without a failover plan.
   */
  record Outcome(
      long launchedAtMs,
      List<Integer> ports,
      List<RecoveryNode.NodeReport> reports,
      long recoveryCpuMs,
      Restart failover,
      String error) {

    RecoveryNode.NodeReport driver() {
      return reports.isEmpty() ? null : reports.getFirst();
    }

    /** The last node's readiness: when the cluster as a whole could take work. */
    long readyAtMs() {
      return reports.stream().mapToLong(RecoveryNode.NodeReport::readyAtMs).max().orElse(0);
    }
  }

  /**
   * The victim of a failover: when it got SIGKILL and was started again (epoch ms, 0 = not done),
   * and the restarted JVM's report (null if it wrote none).
   */
  record Restart(
      int node, long killedAtMs, long restartedAtMs, RecoveryNode.NodeReport restartedReport) {}

  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

  private RecoveryCluster() {}

  /**
   * Runs one cold start.
   *
   * @param config configuration every node gets (database kind, URL, user; never the password,
   *     which the nodes read from {@code environment} or the inherited TRAMONTANE_DB_PASSWORD)
   * @param sharedDataDir the data directory of a single node (H2 lives there), or null for a
   *     directory per node
   * @param environment variables set on every node over this JVM's own
   * @param driverJob node 1's job; the others only host shards
   */
  static Outcome coldStart(
      Path dir,
      int size,
      Map<String, Object> config,
      Path sharedDataDir,
      Map<String, String> environment,
      RecoveryNode.Job driverJob,
      Duration timeout)
      throws IOException, InterruptedException {
    List<Integer> ports = new ArrayList<>(size == 1 ? List.of(0) : freePorts(size));
    // The last node, the failover's victim, gets the lowest port: nodes that come Up together are
    // numbered in address order, so it is the oldest member and hosts every shard coordinator. The
    // failover then includes the coordinator's move to a survivor, the slower case.
    ports.sort(Comparator.reverseOrder());
    List<String> seeds = new ArrayList<>();
    if (size > 1) {
      for (int port : ports) {
        seeds.add("pekko://" + TramontaneSystem.SYSTEM_NAME + "@127.0.0.1:" + port);
      }
    }
    List<ProcessBuilder> builders = new ArrayList<>();
    List<Path> reports = new ArrayList<>();
    boolean failover = driverJob.failover() != null && size > 1;
    Path signal = dir.resolve("node-1").resolve("kill.json");
    Files.deleteIfExists(signal);
    for (int i = 1; i <= size; i++) {
      Path nodeDir = Files.createDirectories(dir.resolve("node-" + i));
      Map<String, Object> nodeConfig = new HashMap<>(config);
      Path dataDir = sharedDataDir != null ? sharedDataDir : nodeDir.resolve("data");
      nodeConfig.put("tramontane.data-dir", dataDir.toString());
      nodeConfig.put("tramontane.cluster.host", "127.0.0.1");
      nodeConfig.put("tramontane.cluster.port", ports.get(i - 1));
      nodeConfig.put("tramontane.cluster.seed-nodes", seeds);
      Path conf = nodeDir.resolve("node.conf");
      Files.writeString(
          conf,
          ConfigFactory.parseMap(nodeConfig)
              .root()
              .render(ConfigRenderOptions.defaults().setOriginComments(false)));
      Path report = nodeDir.resolve("report.json");
      Files.deleteIfExists(report);
      reports.add(report);
      RecoveryNode.Job job =
          i == 1
              ? withReport(driverJob, 1, true, report, failover ? signal : null, size)
              : withReport(driverJob, i, false, report, null, size);
      Path jobFile = nodeDir.resolve("job.json");
      RecoveryNode.JSON.writeValue(jobFile.toFile(), job);
      builders.add(builder(jobFile, conf, environment, nodeDir.resolve("node.log")));
    }
    Victim victim = null;
    if (failover) {
      Path nodeDir = dir.resolve("node-" + size);
      Path report = nodeDir.resolve("report-restarted.json");
      Files.deleteIfExists(report);
      Path jobFile = nodeDir.resolve("job-restarted.json");
      RecoveryNode.JSON.writeValue(
          jobFile.toFile(), withReport(driverJob, size, false, report, null, size));
      ProcessBuilder restart =
          builder(
              jobFile,
              nodeDir.resolve("node.conf"),
              environment,
              nodeDir.resolve("node-restarted.log"));
      victim = new Victim(size, restart, report, signal);
    }
    // Every JVM ever started here, so that all are stopped whatever happens (the killed one too).
    List<Process> started = new CopyOnWriteArrayList<>();
    Thread killOnExit =
        new Thread(() -> started.forEach(Process::destroyForcibly), "recovery-bench-nodes-reaper");
    Runtime.getRuntime().addShutdownHook(killOnExit);
    long launchedAt = System.currentTimeMillis();
    try {
      List<Process> processes = new ArrayList<>();
      for (ProcessBuilder pb : builders) {
        Process p = pb.start();
        started.add(p);
        processes.add(p);
      }
      Process driver = processes.getFirst();
      Duration total =
          failover ? timeout.plus(driverJob.failover().deadline().multipliedBy(3)) : timeout;
      Watched watched = watch(processes, reports, victim, started, total);
      String error = watched.error();
      if (error == null && driver.isAlive()) {
        error = "node 1 did not finish within " + total.toSeconds() + " s; see " + dir + "/node-1";
      } else if (error == null && driver.exitValue() != 0) {
        error = "node 1 exited with " + driver.exitValue() + "; see " + dir.resolve("node-1");
      }
      for (int i = 1; i < processes.size(); i++) {
        boolean killedOnPurpose =
            victim != null
                && i == victim.node() - 1
                && watched.killedAtMs() > 0
                && watched.restartedAtMs() == 0;
        if (!processes.get(i).isAlive() && !killedOnPurpose && error == null) {
          error = "node " + (i + 1) + " stopped early; see " + dir.resolve("node-" + (i + 1));
        }
      }
      List<RecoveryNode.NodeReport> read = new ArrayList<>();
      for (Path report : reports) {
        if (Files.isRegularFile(report)) {
          read.add(RecoveryNode.JSON.readValue(report.toFile(), RecoveryNode.NodeReport.class));
        } else {
          error = error != null ? error : "no report from " + report.getParent();
        }
      }
      Restart restart = null;
      if (victim != null) {
        restart =
            new Restart(
                victim.node(),
                watched.killedAtMs(),
                watched.restartedAtMs(),
                read(victim.report()).orElse(null));
      }
      return new Outcome(launchedAt, ports, read, watched.recoveryCpuMs(), restart, error);
    } finally {
      stop(started);
      try {
        Runtime.getRuntime().removeShutdownHook(killOnExit);
      } catch (IllegalStateException e) {
        // this JVM is shutting down already; the hook kills what is left
      }
    }
  }

  /** The node a failover kills and restarts, and how to start it again. */
  private record Victim(int node, ProcessBuilder restart, Path report, Path signal) {}

  /** What the watch saw: recovery CPU (-1 if missed), kill and restart times (0 = not done). */
  private record Watched(long recoveryCpuMs, long killedAtMs, long restartedAtMs, String error) {}

  private static ProcessBuilder builder(
      Path jobFile, Path conf, Map<String, String> environment, Path log) {
    ProcessBuilder pb = new ProcessBuilder(command(jobFile, conf));
    pb.environment().putAll(environment);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
    return pb;
  }

  /**
   * Waits for the driver to exit, sampling the node JVMs' CPU time (every 200 ms) and their
   * reports. Returns the CPU time all of them used between "every node ready" and "every entity
   * recovered" (-1 if either moment was missed): the work recovery cost, whatever the wall-clock
   * time on shared cores. With a victim, it also SIGKILLs it when the driver waits for the kill
   * (and writes the driver's signal), and starts it again when the driver reports every entity
   * answering after the kill.
   */
  private static Watched watch(
      List<Process> processes,
      List<Path> reports,
      Victim victim,
      List<Process> started,
      Duration timeout)
      throws InterruptedException, IOException {
    Process driver = processes.getFirst();
    long deadline = System.nanoTime() + timeout.toNanos();
    long atReady = -1;
    long atRecovered = -1;
    long killedAt = 0;
    long restartedAt = 0;
    String error = null;
    while (driver.isAlive() && System.nanoTime() < deadline) {
      if (atReady < 0 && reports.stream().allMatch(r -> readyAt(r) > 0)) {
        atReady = cpuMillis(processes);
      }
      if (atReady >= 0 && atRecovered < 0 && recoveredAt(reports.getFirst()) > 0) {
        atRecovered = cpuMillis(processes);
      }
      if (victim != null && restartedAt == 0) {
        RecoveryNode.FailoverReport f =
            read(reports.getFirst()).map(RecoveryNode.NodeReport::failover).orElse(null);
        if (f != null && killedAt == 0 && f.killedAtMs() == 0) {
          Process p = processes.get(victim.node() - 1);
          killedAt = System.currentTimeMillis();
          p.destroyForcibly(); // SIGKILL: no shutdown hook, no leaving the cluster
          if (!p.waitFor(10, TimeUnit.SECONDS)) {
            error = "node " + victim.node() + " still ran 10 s after SIGKILL";
            break;
          }
          writeSignal(victim.signal(), new RecoveryNode.KillSignal(victim.node(), killedAt));
        } else if (f != null && killedAt > 0 && f.check() != null) {
          Process p = victim.restart().start();
          restartedAt = System.currentTimeMillis();
          started.add(p);
          processes.set(victim.node() - 1, p);
        }
      }
      driver.waitFor(killedAt > 0 && restartedAt == 0 ? 50 : 200, TimeUnit.MILLISECONDS);
    }
    long cpu = atReady >= 0 && atRecovered >= 0 ? atRecovered - atReady : -1;
    return new Watched(cpu, killedAt, restartedAt, error);
  }

  /** Written in one move, so the driver never reads half of it. */
  private static void writeSignal(Path signal, RecoveryNode.KillSignal kill) throws IOException {
    Path tmp = signal.resolveSibling(signal.getFileName() + ".tmp");
    RecoveryNode.JSON.writeValue(tmp.toFile(), kill);
    Files.move(tmp, signal, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static long cpuMillis(List<Process> processes) {
    return processes.stream()
        .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toMillis).orElse(0L))
        .sum();
  }

  private static long readyAt(Path report) {
    return read(report).map(RecoveryNode.NodeReport::readyAtMs).orElse(0L);
  }

  private static long recoveredAt(Path report) {
    return read(report).map(RecoveryNode.NodeReport::recoveredAtMs).orElse(0L);
  }

  private static Optional<RecoveryNode.NodeReport> read(Path report) {
    try {
      return Files.isRegularFile(report)
          ? Optional.of(RecoveryNode.JSON.readValue(report.toFile(), RecoveryNode.NodeReport.class))
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty(); // replaced between the check and the read; the next poll sees it
    }
  }

  private static RecoveryNode.Job withReport(
      RecoveryNode.Job job, int node, boolean drive, Path report, Path signal, int size) {
    RecoveryNode.FailoverPlan f = job.failover();
    return new RecoveryNode.Job(
        node,
        drive,
        size,
        report.toString(),
        job.readyTimeout(),
        job.idPrefix(),
        job.entities(),
        job.events(),
        job.inFlight(),
        job.askTimeout(),
        job.loadLevels(),
        job.loadPrefix(),
        job.warmup(),
        job.settle(),
        job.measure(),
        signal == null || f == null
            ? null
            : new RecoveryNode.FailoverPlan(signal.toString(), size, f.askTimeout(), f.deadline()));
  }

  private static List<String> command(Path job, Path conf) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-Xmx512m");
    cmd.add("-XX:+UseG1GC");
    if (Runtime.version().feature() >= 24) {
      cmd.add("--sun-misc-unsafe-memory-access=allow");
      cmd.add("--enable-native-access=ALL-UNNAMED");
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(RecoveryNode.class.getName());
    cmd.add(job.toString());
    cmd.add(conf.toString());
    return cmd;
  }

  /**
   * SIGTERM (leave the cluster), then SIGKILL for a node still running after a few seconds: the
   * benchmark entity keeps nothing but its journal, so an abrupt stop loses nothing it measures.
   * Processes that already exited (a killed victim) are skipped by both.
   */
  private static void stop(List<Process> processes) throws InterruptedException {
    for (Process p : processes) {
      p.destroy();
    }
    long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
    for (Process p : processes) {
      long left = Math.max(0, deadline - System.nanoTime());
      if (!p.waitFor(left, TimeUnit.NANOSECONDS)) {
        p.destroyForcibly();
        p.waitFor();
      }
    }
  }

  private static List<Integer> freePorts(int n) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0);
        held.add(s);
        ports.add(s.getLocalPort());
      }
      return ports;
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }
}
