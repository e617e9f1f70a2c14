package io.tramontane.server.bench;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import io.tramontane.core.system.TramontaneSystem;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Starts {@code size} {@link RecoveryNode} JVMs at once from this JVM's classpath, on 127.0.0.1,
 * and waits for the driver (node 1) to finish: a cold start of a single node ({@code size == 1},
 * joins itself) or of a cluster (each node lists every node as a seed and {@code
 * pekko.cluster.min-nr-of-members = size}, so no node is Up, hence ready, before all have joined).
 * Then the hosts get SIGTERM. Each node has a directory {@code <dir>/node-<i>} with its {@code
 * node.conf}, {@code job.json}, {@code report.json} and {@code node.log}. Used by {@code tramontane
 * bench recovery} and by its tests.
 */
final class RecoveryCluster {

  /** When the JVMs were launched (epoch ms) and what each node reported, node 1 first. */
  record Outcome(
      long launchedAtMs, List<RecoveryNode.NodeReport> reports, long recoveryCpuMs, String error) {

    RecoveryNode.NodeReport driver() {
      return reports.isEmpty() ? null : reports.getFirst();
    }

    /** The last node's readiness: when the cluster as a whole could take work. */
    long readyAtMs() {
      return reports.stream().mapToLong(RecoveryNode.NodeReport::readyAtMs).max().orElse(0);
    }
  }

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
    List<Integer> ports = size == 1 ? List.of(0) : freePorts(size);
    List<String> seeds = new ArrayList<>();
    if (size > 1) {
      for (int port : ports) {
        seeds.add("pekko://" + TramontaneSystem.SYSTEM_NAME + "@127.0.0.1:" + port);
      }
    }
    List<ProcessBuilder> builders = new ArrayList<>();
    List<Path> reports = new ArrayList<>();
    for (int i = 1; i <= size; i++) {
      Path nodeDir = Files.createDirectories(dir.resolve("node-" + i));
      Map<String, Object> nodeConfig = new HashMap<>(config);
      Path dataDir = sharedDataDir != null ? sharedDataDir : nodeDir.resolve("data");
      nodeConfig.put("tramontane.data-dir", dataDir.toString());
      nodeConfig.put("tramontane.cluster.host", "127.0.0.1");
      nodeConfig.put("tramontane.cluster.port", ports.get(i - 1));
      nodeConfig.put("tramontane.cluster.seed-nodes", seeds);
      nodeConfig.put("pekko.cluster.min-nr-of-members", size);
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
          i == 1 ? withReport(driverJob, 1, true, report) : withReport(driverJob, i, false, report);
      Path jobFile = nodeDir.resolve("job.json");
      RecoveryNode.JSON.writeValue(jobFile.toFile(), job);
      ProcessBuilder pb = new ProcessBuilder(command(jobFile, conf));
      pb.environment().putAll(environment);
      pb.redirectErrorStream(true);
      pb.redirectOutput(ProcessBuilder.Redirect.to(nodeDir.resolve("node.log").toFile()));
      builders.add(pb);
    }
    List<Process> processes = new ArrayList<>();
    long launchedAt = System.currentTimeMillis();
    try {
      for (ProcessBuilder pb : builders) {
        processes.add(pb.start());
      }
      Process driver = processes.getFirst();
      long recoveryCpuMs = watchCpu(processes, reports, timeout);
      String error = null;
      if (driver.isAlive()) {
        error =
            "node 1 did not finish within " + timeout.toSeconds() + " s; see " + dir + "/node-1";
      } else if (driver.exitValue() != 0) {
        error = "node 1 exited with " + driver.exitValue() + "; see " + dir.resolve("node-1");
      }
      for (int i = 1; i < processes.size(); i++) {
        if (!processes.get(i).isAlive()) {
          error =
              error != null
                  ? error
                  : "node " + (i + 1) + " stopped early; see " + dir.resolve("node-" + (i + 1));
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
      return new Outcome(launchedAt, read, recoveryCpuMs, error);
    } finally {
      stop(processes);
    }
  }

  /**
   * Waits for the driver to exit, sampling the node JVMs' CPU time (every 200 ms) and their
   * reports, and returns the CPU time all of them used between "every node ready" and "every entity
   * recovered" (-1 if either moment was missed): the work recovery cost, whatever the wall-clock
   * time on shared cores.
   */
  private static long watchCpu(List<Process> processes, List<Path> reports, Duration timeout)
      throws InterruptedException {
    Process driver = processes.getFirst();
    long deadline = System.nanoTime() + timeout.toNanos();
    long atReady = -1;
    long atRecovered = -1;
    while (driver.isAlive() && System.nanoTime() < deadline) {
      if (atReady < 0 && reports.stream().allMatch(r -> readyAt(r) > 0)) {
        atReady = cpuMillis(processes);
      }
      if (atReady >= 0 && atRecovered < 0 && recoveredAt(reports.getFirst()) > 0) {
        atRecovered = cpuMillis(processes);
      }
      driver.waitFor(200, TimeUnit.MILLISECONDS);
    }
    return atReady >= 0 && atRecovered >= 0 ? atRecovered - atReady : -1;
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
      RecoveryNode.Job job, int node, boolean drive, Path report) {
    return new RecoveryNode.Job(
        node,
        drive,
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
        job.measure());
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
