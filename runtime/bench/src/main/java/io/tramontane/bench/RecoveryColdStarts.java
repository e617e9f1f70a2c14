package io.tramontane.bench;

import io.tramontane.bench.RecoveryResults.ColdStart;
import io.tramontane.bench.RecoveryResults.Failover;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cold starts of {@code bench recovery}: fresh node JVMs on the populated journal until every
 * entity has replayed, and the failover figures read from the nodes' reports.
 */
final class RecoveryColdStarts {

  private RecoveryColdStarts() {}

  static ColdStart coldStart(
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
    RecoveryBench.say(progress, String.format("%s: cold start of %s (fresh JVMs)...", label, what));
    RecoveryCluster.Outcome o;
    try {
      o =
          RecoveryCluster.coldStart(
              dir, size, nodeConfig, sharedDataDir, environment, job, timeout);
    } catch (IOException e) {
      String why = "could not start the node JVMs or read their reports in " + dir + ": " + e;
      RecoveryBench.say(progress, label + ", " + what + ": failed: " + why);
      return new ColdStart(
          label, size, null, why, List.of(), 0, 0, 0, -1, null, List.of(), null, null);
    }
    RecoveryNode.NodeReport driver = o.driver();
    if (driver == null || driver.recovery() == null) {
      String why = o.error() != null ? o.error() : "the driver reported no recovery";
      if (driver != null && driver.error() != null) {
        why = driver.error() + " (" + why + ")";
      }
      RecoveryBench.say(progress, label + ", " + what + ": failed: " + why);
      return new ColdStart(
          label, size, null, why, List.of(), 0, 0, 0, -1, null, List.of(), null, null);
    }
    long ready = o.readyAtMs() - o.launchedAtMs();
    long recovered = driver.recoveredAtMs() - driver.readyAtMs();
    long total = driver.recoveredAtMs() - o.launchedAtMs();
    RecoveryCheck.Result r = driver.recovery();
    RecoveryBench.say(
        progress,
        String.format(
            "%s, %s: ready after %.1f s, all %,d recovered %.1f s later (%,d/%,d verified)",
            label, what, ready / 1e3, r.entities(), recovered / 1e3, r.recovered(), r.entities()));
    for (JournalLoad.Result l : driver.loads()) {
      RecoveryBench.say(
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
  static Failover failover(RecoveryCluster.Outcome o, Map<Integer, String> addresses) {
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
  static long since(long from, long at) {
    return at > 0 && from > 0 ? at - from : -1;
  }

  /** "127.0.0.1:port" of each node, as the driver names them in its sharding state. */
  static Map<Integer, String> ports(RecoveryCluster.Outcome o) {
    Map<Integer, String> addresses = new HashMap<>();
    for (int i = 0; i < o.ports().size(); i++) {
      addresses.put(i + 1, "127.0.0.1:" + o.ports().get(i));
    }
    return addresses;
  }

  static void sayFailover(PrintWriter progress, String label, String what, Failover f) {
    if (f.check() == null) {
      RecoveryBench.say(progress, label + ", " + what + ", failover failed: " + f.failure());
      return;
    }
    RecoveryCheck.Result c = f.check();
    RecoveryBench.say(
        progress,
        String.format(
            "%s, %s: node %d SIGKILLed (%s entities there); unreachable / downed / removed after"
                + " %s / %s / %s s, all %,d answering %.1f s after the kill (%,d/%,d verified);"
                + " restarted node ready after %s, Up on node 1 after %s%s",
            label,
            what,
            f.killedNode(),
            f.entitiesOnKilledNode() < 0 ? "?" : String.format("%,d", f.entitiesOnKilledNode()),
            RecoveryTables.secondsOrDash(f.killToUnreachableMs()),
            RecoveryTables.secondsOrDash(f.killToDownedMs()),
            RecoveryTables.secondsOrDash(f.killToRemovedMs()),
            c.entities(),
            f.killToAnsweringMs() / 1e3,
            c.recovered(),
            c.entities(),
            f.restartToReadyMs() < 0 ? "-" : RecoveryTables.seconds(f.restartToReadyMs()),
            f.restartToRejoinedMs() < 0 ? "-" : RecoveryTables.seconds(f.restartToRejoinedMs()),
            f.failure() != null ? "; " + f.failure() : ""));
  }
}
