package io.tramontane.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tramontane.core.persistence.DatabaseSettings;
import io.tramontane.core.system.TramontaneSystem;
import io.tramontane.server.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tramontane bench recovery} on H2 at a small size: a fresh node JVM recovers every entity
 * with exactly its events, and the check that says so does notice a wrong count. No timing is
 * asserted (benchmarks are commands, not tests).
 */
class RecoveryBenchIT {

  @Test
  void smallRunRecoversEveryEntityInAFreshJvm(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("recovery.json");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        Main.run(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            "bench",
            "recovery",
            "--quick",
            "--db",
            "h2",
            "--entities",
            "200",
            "--events",
            "5",
            "--out",
            json.toString());
    String table = out.toString();
    assertEquals(0, exit, err + table);
    assertTrue(table.contains("P8 recovery — 200 entities × 5 events"), table);
    assertTrue(table.contains("200/200"), table);

    JsonNode h2 = new ObjectMapper().readTree(json.toFile()).get("databases").get(0);
    assertEquals("H2", h2.get("database").asText());
    assertEquals(1_000, h2.get("populate").get("events").asLong());
    JsonNode single = h2.get("coldStarts").get(0);
    assertEquals(1, single.get("nodes").asInt());
    JsonNode recovery = single.get("recovery");
    assertEquals(200, recovery.get("recovered").asInt(), single.toString());
    assertEquals(0, recovery.get("wrongCount").asInt());
    assertEquals(1_000, recovery.get("eventsReplayed").asLong());
    assertTrue(single.get("launchToReadyMs").asLong() > 0, single.toString());
    assertTrue(
        single.get("launchToRecoveredMs").asLong() >= single.get("launchToReadyMs").asLong());
    JsonNode cluster = h2.get("coldStarts").get(1);
    assertTrue(cluster.get("skipped").asText().contains("H2 cannot be shared"), h2.toString());
  }

  @Test
  void theCheckCountsReplayedEventsAfterARestart(@TempDir Path dir) throws Exception {
    var config = BenchNode.config(dir, DatabaseSettings.Kind.H2, Map.of());
    TramontaneSystem first = TramontaneSystem.start(config);
    try {
      assertEquals(Optional.empty(), BenchNode.awaitReady(first, Duration.ofSeconds(30)));
      AgentStepEntity.init(first.system(), first.persistence());
      RecoveryPopulation.Result written =
          new RecoveryPopulation(
                  ClusterSharding.get(first.system()), "tool", "output", Duration.ofSeconds(10))
              .run("e-", 20, 3, 7);
      assertEquals(60, written.events());
    } finally {
      first.close();
    }

    TramontaneSystem second = TramontaneSystem.start(config);
    try {
      assertEquals(Optional.empty(), BenchNode.awaitReady(second, Duration.ofSeconds(30)));
      AgentStepEntity.init(second.system(), second.persistence());
      ClusterSharding sharding = ClusterSharding.get(second.system());
      Duration timeout = Duration.ofSeconds(10);

      RecoveryCheck.Result right = new RecoveryCheck(sharding, "e-", 20, 3, 5, timeout).run(1);
      assertTrue(right.allRecovered(), right.toString());
      assertEquals(60, right.eventsReplayed());

      RecoveryCheck.Result tooMany = new RecoveryCheck(sharding, "e-", 20, 4, 5, timeout).run(1);
      assertEquals(20, tooMany.wrongCount(), tooMany.toString());
      assertTrue(tooMany.firstProblem().contains("replayed 3 events, expected 4"));

      RecoveryCheck.Result neverWritten =
          new RecoveryCheck(sharding, "x-", 5, 3, 5, timeout).run(1);
      assertEquals(5, neverWritten.wrongCount(), neverWritten.toString());
      assertFalse(neverWritten.allRecovered());
    } finally {
      second.close();
    }
  }
}
