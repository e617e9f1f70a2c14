package io.tramontane.bench;

import io.tramontane.bench.RecoveryResults.ColdStart;
import io.tramontane.bench.RecoveryResults.DatabaseRun;
import io.tramontane.bench.RecoveryResults.Failover;
import io.tramontane.bench.RecoveryResults.Plan;
import io.tramontane.bench.RecoveryResults.Report;
import java.util.HashMap;
import java.util.Map;

/** The tables {@code bench recovery} prints: cold starts, failover, journal load. */
final class RecoveryTables {

  private RecoveryTables() {}

  static Table table(Report r) {
    Plan p = r.plan();
    Table t =
        new Table(
            String.format(
                "P8 recovery — %,d entities × %d events (%d B), fresh JVMs, cold start until every"
                    + " entity has replayed its events%s",
                p.entities(), p.events(), r.eventBytes(), r.header().quickSuffix()),
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
        t.rowThenDashes(run.database(), "-", run.skipped() != null ? "skipped" : "FAILED");
        continue;
      }
      for (ColdStart c : run.coldStarts()) {
        String populate = Table.rate(run.populate().perSecond());
        if (c.skipped() != null || c.failure() != null) {
          t.rowThenDashes(
              run.database(),
              Integer.toString(c.nodes()),
              populate,
              c.skipped() != null ? "skipped" : "FAILED");
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
            + r.header().machine().nproc()
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
        r.header().machine().line()
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
                + r.header().quickSuffix(),
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
                + r.header().quickSuffix(),
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

  static String secondsOrDash(long ms) {
    return ms < 0 ? "-" : String.format("%.1f", ms / 1e3);
  }

  static String seconds(long ms) {
    return String.format("%.1f s", ms / 1e3);
  }
}
