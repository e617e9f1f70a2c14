package io.tramontane.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tramontane.core.persistence.DatabaseSettings;
import io.tramontane.server.testing.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recovery benchmark's cluster cold start on PostgreSQL at a small size: three fresh node JVMs
 * form a cluster, every entity recovers with exactly its events wherever its shard lands, the
 * journal load runs across the three; then node 3 is SIGKILLed, every entity answers again with
 * exactly its events from nodes 1 and 2, and node 3, started again, rejoins. The benchmark's events
 * are deleted afterwards.
 */
@Tag("cluster")
class RecoveryBenchClusterIT {

  @Test
  void threeFreshNodesRecoverEveryEntity(@TempDir Path dir) throws Exception {
    TestDatabase db = TestDatabase.postgres(Files.createDirectories(dir.resolve("data")));
    RecoveryResults.Plan plan =
        new RecoveryResults.Plan(
            200,
            5,
            3,
            100,
            List.of(20),
            Duration.ZERO,
            Duration.ZERO,
            Duration.ofMillis(500),
            Duration.ofMinutes(1),
            true);
    StringWriter progress = new StringWriter();
    RecoveryResults.Report report =
        RecoveryBench.measure(
            plan,
            true,
            List.of(DatabaseSettings.Kind.POSTGRES),
            Files.createDirectories(dir.resolve("work")),
            db.overrides(),
            new PrintWriter(progress, true));

    RecoveryResults.DatabaseRun run = report.databases().getFirst();
    assertNull(run.skipped(), run.skipped());
    assertEquals(2, run.coldStarts().size(), progress.toString());
    for (RecoveryResults.ColdStart c : run.coldStarts()) {
      assertTrue(c.verified(), c + "\n" + progress);
      assertEquals(1_000, c.recovery().eventsReplayed());
      assertEquals(c.nodes(), c.nodeLaunchToReadyMs().size());
      assertEquals(1, c.loads().size(), c.toString());
      assertTrue(c.loads().getFirst().events() > 0, c.toString());
    }
    assertNull(run.coldStarts().get(0).failover(), "no failover on a single node");
    RecoveryResults.ColdStart cluster = run.coldStarts().get(1);
    assertEquals(3, cluster.nodes());
    RecoveryResults.Failover failover = cluster.failover();
    assertTrue(failover != null && failover.verified(), cluster + "\n" + progress);
    assertEquals(3, failover.killedNode());
    assertEquals(1_000, failover.check().eventsReplayed(), failover.toString());
    assertEquals(
        200,
        failover.entitiesByNode().values().stream().mapToInt(Integer::intValue).sum(),
        failover.toString());
    assertEquals(3, failover.entitiesByNode().size(), "entities on all three nodes: " + failover);
    assertTrue(failover.entitiesOnKilledNode() > 0, failover.toString());
    assertTrue(failover.killToAnsweringMs() > 0, failover.toString());
    // Node 1 saw node 3 unreachable, then downed by the split brain resolver, then removed.
    assertTrue(failover.killToUnreachableMs() >= 0, failover.toString());
    assertTrue(failover.killToDownedMs() >= failover.killToUnreachableMs(), failover.toString());
    assertTrue(failover.killToRemovedMs() >= failover.killToDownedMs(), failover.toString());
    assertTrue(failover.restartToReadyMs() > 0, failover.toString());
    assertTrue(failover.restartToRejoinedMs() > 0, failover.toString());
    assertTrue(report.verified());
    System.out.println(progress);
    // 1,000 populated + the load's events, all removed.
    assertTrue(run.rowsDeleted() > 1_000, "deleted " + run.rowsDeleted());
  }
}
