package io.tramontane.bench;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.HashCodeMessageExtractor;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.serialization.SerializationExtension;

/**
 * One node of the recovery benchmark (P8) in its own JVM: {@code java -cp <tramontane classpath>
 * io.tramontane.bench.RecoveryNode <job.json> <node.conf>}. It starts a Tramontane node from {@code
 * node.conf} (the database password comes from the environment, as for {@code serve}), hosts the
 * benchmark entity's shards and writes its report (JSON) when it is ready. A host then runs until
 * SIGTERM. The driver (one per run) then asks every benchmark entity for its step count, so each
 * recovers wherever its shard lives, optionally measures the journal load (P5) from there, writes
 * its final report and leaves. With a {@link FailoverPlan} the driver then takes part in a failover
 * before it leaves: it notes which node hosts which benchmark entities, reports that it waits for
 * the kill, waits for the benchmark's signal file (the benchmark has SIGKILLed a host), asks every
 * entity again until all answer from the survivors, reports that, and waits until the restarted
 * host is Up again. Started by {@link RecoveryCluster}; not a user command.
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
      int members,
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
      Duration measure,
      FailoverPlan failover) {}

  /**
   * The driver's part in a failover (null: none). {@code signal} is the file the benchmark writes
   * (a {@link KillSignal}) once it has killed a host; {@code members} is the cluster size to wait
   * for after the restart; {@code deadline} bounds each wait (signal, all answering, rejoin).
   */
  record FailoverPlan(String signal, int members, Duration askTimeout, Duration deadline) {}

  /** Written by the benchmark right after it SIGKILLed {@code node}. */
  record KillSignal(int node, long killedAtMs) {}

  /**
   * The driver's view of the failover. {@code entitiesByNode} ("host:port" → benchmark entities
   * whose shard that node hosted before the kill); {@code killedAtMs} 0 means "waiting for the
   * kill"; {@code check} (null until then) is what every entity answered after it, the last answer
   * at {@code answeringAtMs}; {@code membership} when this node saw the killed one unreachable,
   * downed and removed; {@code rejoinedAtMs} when this node saw all {@code members} Up again.
   */
  record FailoverReport(
      Map<String, Integer> entitiesByNode,
      long killedAtMs,
      long answeringAtMs,
      RecoveryCheck.Result check,
      Membership membership,
      long rejoinedAtMs,
      String error) {

    static FailoverReport waitingForKill(Map<String, Integer> entitiesByNode, String error) {
      return new FailoverReport(entitiesByNode, 0, 0, null, null, 0, error);
    }
  }

  /**
   * When this node first saw a member unreachable, a member Down (the split brain resolver's
   * decision) and fewer than the cluster's members (the downed one removed, after the removal
   * margin); epoch ms, 0 = not seen.
   */
  record Membership(long unreachableAtMs, long downedAtMs, long removedAtMs) {}

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
      String error,
      FailoverReport failover) {}

  private RecoveryNode() {}

  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: RecoveryNode <job.json> <node.conf> (started by bench recovery)");
      System.exit(64);
    }
    // Never outlive the benchmark: if it dies (even by SIGKILL), so does this node.
    ProcessHandle.current()
        .parent()
        .ifPresent(parent -> parent.onExit().thenRun(() -> System.exit(3)));
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

  static int run(Path jobFile, Path configFile) throws Exception {
    Job job = JSON.readValue(jobFile.toFile(), Job.class);
    Config config = TramontaneConfig.load(Optional.of(configFile), Map.of());
    TramontaneSystem node = TramontaneSystem.start(config);
    try {
      AgentStepEntity.init(node.system(), node.persistence());
      Optional<String> notReady = BenchNode.awaitReady(node, job.readyTimeout());
      if (notReady.isEmpty() && job.drive() && job.members() > 1) {
        notReady = allMembersUp(node, job);
      }
      long readyAt = System.currentTimeMillis();
      if (notReady.isPresent()) {
        write(job, new NodeReport(job.node(), 0, 0, null, List.of(), notReady.get(), null));
        return 2;
      }
      write(job, new NodeReport(job.node(), readyAt, 0, null, List.of(), null, null));
      if (!job.drive()) {
        // A host: runs until SIGTERM (the JVM's shutdown hook leaves the cluster).
        node.system().getWhenTerminated().toCompletableFuture().join();
        return 0;
      }
      ClusterSharding sharding = ClusterSharding.get(node.system());
      RecoveryCheck.Result recovery = check(sharding, job, job.askTimeout()).run(3);
      long recoveredAt = System.currentTimeMillis();
      write(job, new NodeReport(job.node(), readyAt, recoveredAt, recovery, List.of(), null, null));
      List<JournalLoad.Result> loads = new ArrayList<>();
      String error = null;
      if (!job.loadLevels().isEmpty()) {
        try {
          loads = load(node, sharding, job);
        } catch (IllegalStateException e) {
          error = "journal load: " + e.getMessage();
        }
      }
      NodeReport report =
          new NodeReport(job.node(), readyAt, recoveredAt, recovery, loads, error, null);
      write(job, report);
      if (job.failover() != null && recovery.allRecovered()) {
        failover(node, sharding, job, report);
      }
      return 0;
    } finally {
      node.close();
    }
  }

  static List<JournalLoad.Result> load(TramontaneSystem node, ClusterSharding sharding, Job job)
      throws InterruptedException {
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

  /**
   * The driver's failover: who hosts what, then (after the benchmark killed a host) every entity
   * again until all answered from the survivors, then until the restarted host is Up. Each step's
   * outcome is written to the report as soon as it is known; the benchmark acts on it.
   */
  static void failover(TramontaneSystem node, ClusterSharding sharding, Job job, NodeReport report)
      throws IOException, InterruptedException {
    FailoverPlan plan = job.failover();
    Map<String, Integer> byNode;
    String problem = null;
    try {
      byNode = entitiesByNode(node, job);
    } catch (ExecutionException | TimeoutException e) {
      byNode = Map.of();
      problem = "sharding state not known before the kill: " + e.getMessage();
    }
    FailoverReport waiting = FailoverReport.waitingForKill(byNode, problem);
    write(job, withFailover(report, waiting));
    Optional<KillSignal> signal = awaitSignal(Path.of(plan.signal()), plan.deadline());
    if (signal.isEmpty()) {
      write(
          job,
          withFailover(
              report,
              FailoverReport.waitingForKill(
                  byNode,
                  "no kill signal within "
                      + plan.deadline().toSeconds()
                      + " s in "
                      + plan.signal())));
      return;
    }
    long killedAt = signal.get().killedAtMs();
    RecoveryMembership.MembershipWatch watch =
        new RecoveryMembership.MembershipWatch(Cluster.get(node.system()), plan.members());
    Thread watcher = Thread.ofVirtual().name("recovery-bench-membership").start(watch);
    RecoveryCheck.Result check =
        check(sharding, job, plan.askTimeout()).untilDeadline(plan.deadline());
    long answeringAt = System.currentTimeMillis();
    watcher.interrupt();
    watcher.join();
    Membership membership = watch.seen();
    FailoverReport answered =
        new FailoverReport(byNode, killedAt, answeringAt, check, membership, 0, problem);
    write(job, withFailover(report, answered));
    long rejoinedAt = RecoveryMembership.awaitMembers(node, plan.members(), plan.deadline());
    String rejoinProblem =
        rejoinedAt > 0
            ? problem
            : "the cluster did not have "
                + plan.members()
                + " members Up within "
                + plan.deadline().toSeconds()
                + " s of the restart";
    write(
        job,
        withFailover(
            report,
            new FailoverReport(
                byNode, killedAt, answeringAt, check, membership, rejoinedAt, rejoinProblem)));
  }

  /**
   * The driver measures only once every node of the cluster is Up, so that shards spread over all
   * of them. (Not {@code pekko.cluster.min-nr-of-members}: a shard coordinator started later, after
   * its node was killed, would wait for that many shard regions before placing any shard, and the
   * survivors of a kill are one fewer; docs/cluster.md.)
   */
  private static Optional<String> allMembersUp(TramontaneSystem node, Job job)
      throws InterruptedException {
    return RecoveryMembership.awaitMembers(node, job.members(), job.readyTimeout()) > 0
        ? Optional.empty()
        : Optional.of(
            "the cluster did not have "
                + job.members()
                + " members Up within "
                + job.readyTimeout().toSeconds()
                + " s");
  }

  static NodeReport withFailover(NodeReport r, FailoverReport failover) {
    return new NodeReport(
        r.node(), r.readyAtMs(), r.recoveredAtMs(), r.recovery(), r.loads(), r.error(), failover);
  }

  /**
   * The benchmark entities per node ("host:port"), from the shard coordinator's allocation and the
   * entity-to-shard mapping sharding uses by default (hash of the id modulo the number of shards).
   */
  static Map<String, Integer> entitiesByNode(TramontaneSystem node, Job job)
      throws ExecutionException, TimeoutException, InterruptedException {
    Duration timeout = Duration.ofSeconds(10);
    ShardRegion.ClusterShardingStats stats =
        AskPattern.<ClusterShardingQuery, ShardRegion.ClusterShardingStats>ask(
                ClusterSharding.get(node.system()).shardState(),
                replyTo ->
                    new GetClusterShardingStats(AgentStepEntity.ENTITY_KEY, timeout, replyTo),
                timeout.plusSeconds(1),
                node.system().scheduler())
            .toCompletableFuture()
            .get(timeout.toSeconds() + 2, TimeUnit.SECONDS);
    Map<String, String> hostOfShard = new HashMap<>();
    stats
        .getRegions()
        .forEach(
            (address, region) ->
                region
                    .getStats()
                    .keySet()
                    .forEach(
                        shard ->
                            hostOfShard.put(
                                shard,
                                address.getHost().orElse("?")
                                    + ":"
                                    + address.getPort().orElse(0))));
    int shards =
        node.system().settings().config().getInt("pekko.cluster.sharding.number-of-shards");
    HashCodeMessageExtractor<AgentStepEntity.Command> extractor =
        new HashCodeMessageExtractor<>(shards);
    Map<String, Integer> byNode = new TreeMap<>();
    for (int i = 0; i < job.entities(); i++) {
      String host = hostOfShard.getOrDefault(extractor.shardId(job.idPrefix() + i), "unallocated");
      byNode.merge(host, 1, Integer::sum);
    }
    return byNode;
  }

  static Optional<KillSignal> awaitSignal(Path signal, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.isRegularFile(signal)) {
        try {
          return Optional.of(JSON.readValue(signal.toFile(), KillSignal.class));
        } catch (IOException e) {
          // written by a move, so complete when present; a failed read is tried again
        }
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
    return Optional.empty();
  }

  /** Replaces the report file in one move, so the benchmark never reads half of it. */
  static void write(Job job, NodeReport report) throws IOException {
    Path target = Path.of(job.report());
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    JSON.writeValue(tmp.toFile(), report);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The check that every one of the job's entities replays exactly its events. */
  private static RecoveryCheck check(ClusterSharding sharding, Job job, Duration askTimeout) {
    return new RecoveryCheck(
        sharding, job.idPrefix(), job.entities(), job.events(), job.inFlight(), askTimeout);
  }
}
