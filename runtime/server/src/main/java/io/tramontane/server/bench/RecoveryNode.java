package io.tramontane.server.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.typesafe.config.Config;
import io.tramontane.core.TramontaneConfig;
import io.tramontane.core.system.TramontaneSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.serialization.SerializationExtension;

/**
 * One node of the recovery benchmark (P8) in its own JVM: {@code java -cp <tramontane classpath>
 * io.tramontane.server.bench.RecoveryNode <job.json> <node.conf>}. It starts a Tramontane node from
 * {@code node.conf} (the database password comes from the environment, as for {@code serve}), hosts
 * the benchmark entity's shards and writes its report (JSON) when it is ready. A host then runs
 * until SIGTERM. The driver (one per run) then asks every benchmark entity for its step count, so
 * each recovers wherever its shard lives, optionally measures the journal load (P5) from there,
 * writes its final report and leaves. Started by {@link RecoveryCluster}; not a user command.
 */
public final class RecoveryNode {

  static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);

  /** What one node is asked to do. */
  record Job(
      int node,
      boolean drive,
      String report,
      Duration readyTimeout,
      String idPrefix,
      int entities,
      int events,
      int inFlight,
      Duration askTimeout,
      List<Integer> loadLevels,
      String loadPrefix,
      Duration warmup,
      Duration settle,
      Duration measure) {}

  /**
   * A node's figures: when it was ready (epoch ms), and for the driver when every entity had
   * answered and what they answered, plus the journal load it measured. {@code error} says why a
   * step did not happen.
   */
  record NodeReport(
      int node,
      long readyAtMs,
      long recoveredAtMs,
      RecoveryCheck.Result recovery,
      List<JournalLoad.Result> loads,
      String error) {}

  private RecoveryNode() {}

  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: RecoveryNode <job.json> <node.conf> (started by bench recovery)");
      System.exit(64);
    }
    int code;
    try {
      code = run(Path.of(args[0]), Path.of(args[1]));
    } catch (Exception e) {
      System.err.println("bench node: " + e);
      e.printStackTrace();
      code = 1;
    }
    System.exit(code);
  }

  private static int run(Path jobFile, Path configFile) throws Exception {
    Job job = JSON.readValue(jobFile.toFile(), Job.class);
    Config config = TramontaneConfig.load(Optional.of(configFile), Map.of());
    TramontaneSystem node = TramontaneSystem.start(config);
    try {
      AgentStepEntity.init(node.system(), node.persistence());
      Optional<String> notReady = BenchNode.awaitReady(node, job.readyTimeout());
      long readyAt = System.currentTimeMillis();
      if (notReady.isPresent()) {
        write(job, new NodeReport(job.node(), 0, 0, null, List.of(), notReady.get()));
        return 2;
      }
      write(job, new NodeReport(job.node(), readyAt, 0, null, List.of(), null));
      if (!job.drive()) {
        // A host: runs until SIGTERM (the JVM's shutdown hook leaves the cluster).
        node.system().getWhenTerminated().toCompletableFuture().join();
        return 0;
      }
      ClusterSharding sharding = ClusterSharding.get(node.system());
      RecoveryCheck.Result recovery =
          RecoveryCheck.run(
              sharding,
              job.idPrefix(),
              job.entities(),
              job.events(),
              job.inFlight(),
              job.askTimeout(),
              3);
      long recoveredAt = System.currentTimeMillis();
      write(job, new NodeReport(job.node(), readyAt, recoveredAt, recovery, List.of(), null));
      List<JournalLoad.Result> loads = new ArrayList<>();
      String error = null;
      if (!job.loadLevels().isEmpty()) {
        try {
          loads = load(node, sharding, job);
        } catch (IllegalStateException e) {
          error = "journal load: " + e.getMessage();
        }
      }
      write(job, new NodeReport(job.node(), readyAt, recoveredAt, recovery, loads, error));
      return 0;
    } finally {
      node.close();
    }
  }

  private static List<JournalLoad.Result> load(
      TramontaneSystem node, ClusterSharding sharding, Job job) throws InterruptedException {
    String output =
        JournalBench.outputFor(SerializationExtension.get(node.system().classicSystem()));
    JournalLoad load = new JournalLoad(sharding, JournalBench.TOOL, output, Duration.ofSeconds(10));
    load.run(job.loadPrefix() + "warm-", 100, Duration.ZERO, job.warmup());
    List<JournalLoad.Result> results = new ArrayList<>();
    for (int entities : job.loadLevels()) {
      results.add(
          load.run(job.loadPrefix() + entities + "-", entities, job.settle(), job.measure()));
    }
    return results;
  }

  /** Replaces the report file in one move, so the benchmark never reads half of it. */
  private static void write(Job job, NodeReport report) throws IOException {
    Path target = Path.of(job.report());
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    JSON.writeValue(tmp.toFile(), report);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
