package io.tramontane.core.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tramontane.core.ConfigurationException;
import io.tramontane.core.TramontaneConfig;
import io.tramontane.core.persistence.DatabaseSettings;
import io.tramontane.testkit.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TramontaneSystemTest {

  @Test
  void aSingleNodeOnH2JoinsItselfAndBecomesReady(@TempDir Path dir) throws Exception {
    Path dataDir = dir.resolve("fresh");
    try (TramontaneSystem node =
        TramontaneSystem.start(
            TramontaneConfig.load(
                Map.of("tramontane.data-dir", dataDir.toString(), "tramontane.cluster.port", 0)))) {
      assertTrue(Files.isDirectory(dataDir.resolve("db")), "data directory created on first start");
      ClusterSharding.get(node.system())
          .init(Entity.of(EntityTypeKey.create(String.class, "probe"), ctx -> Behaviors.empty()));
      Readiness r =
          Await.until(
              "the node ready",
              Duration.ofSeconds(20),
              () -> node.readiness().toCompletableFuture().join(),
              Readiness::ready);
      assertEquals("up", r.checks().get("cluster"));
      assertEquals("ready", r.checks().get("sharding"), r.toString());
      assertEquals(
          "15s",
          node.system()
              .settings()
              .config()
              .getString("pekko.cluster.split-brain-resolver.down-all-when-unstable"));
      assertEquals(
          Duration.ofSeconds(20),
          node.system()
              .settings()
              .config()
              .getDuration("pekko.cluster.split-brain-resolver.stable-after"));
      assertTrue(
          node.system()
              .settings()
              .config()
              .getBoolean("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook"));
      assertEquals(
          "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider",
          node.system().settings().config().getString("pekko.cluster.downing-provider-class"));
      assertEquals(
          "keep-majority",
          node.system()
              .settings()
              .config()
              .getString("pekko.cluster.split-brain-resolver.active-strategy"));
    }
  }

  @Test
  void severalSeedNodesOnH2AreRefused(@TempDir Path dir) {
    ConfigurationException e =
        assertThrows(
            ConfigurationException.class,
            () ->
                TramontaneSystem.start(
                    TramontaneConfig.load(
                        Map.of(
                            "tramontane.data-dir", dir.toString(),
                            "tramontane.cluster.port", 0,
                            "tramontane.cluster.seed-nodes",
                                List.of(
                                    "pekko://tramontane@10.0.0.1:25520",
                                    "pekko://tramontane@10.0.0.2:25520")))));
    assertTrue(e.getMessage().contains("H2 cannot be shared"), e.getMessage());
  }

  @Test
  void oneSeedNodeElsewhereOnH2IsRefusedWithTheFix(@TempDir Path dir) {
    ConfigurationException e =
        assertThrows(
            ConfigurationException.class,
            () ->
                TramontaneSystem.start(
                    TramontaneConfig.load(
                        Map.of(
                            "tramontane.data-dir", dir.toString(),
                            "tramontane.cluster.port", 0,
                            "tramontane.cluster.seed-nodes",
                                List.of("pekko://tramontane@127.0.0.1:25521")))));
    assertTrue(e.getMessage().contains("H2 cannot be shared"), e.getMessage());
    assertTrue(e.getMessage().contains("local to one node"), e.getMessage());
    assertTrue(e.getMessage().contains("TRAMONTANE_DB_KIND=postgres"), e.getMessage());
    assertTrue(e.getMessage().contains("127.0.0.1:25521"), e.getMessage());
  }

  @Test
  void seedNodesAreCheckedBeforeAnythingStarts() {
    // Only itself: a single node, fine on H2.
    TramontaneSystem.checkClusterConfig(
        List.of("pekko://tramontane@127.0.0.1:25520"),
        "127.0.0.1",
        25520,
        DatabaseSettings.Kind.H2);
    TramontaneSystem.checkClusterConfig(List.of(), "127.0.0.1", 25520, DatabaseSettings.Kind.H2);
    // Three nodes on PostgreSQL.
    TramontaneSystem.checkClusterConfig(
        List.of(
            "pekko://tramontane@127.0.0.1:25520",
            "pekko://tramontane@127.0.0.1:25521",
            "pekko://tramontane@127.0.0.1:25522"),
        "127.0.0.1",
        25521,
        DatabaseSettings.Kind.POSTGRES);
    // Itself and another node on H2.
    ConfigurationException h2 =
        assertThrows(
            ConfigurationException.class,
            () ->
                TramontaneSystem.checkClusterConfig(
                    List.of(
                        "pekko://tramontane@127.0.0.1:25520", "pekko://tramontane@127.0.0.1:25521"),
                    "127.0.0.1",
                    25520,
                    DatabaseSettings.Kind.H2));
    assertTrue(h2.getMessage().contains("H2 cannot be shared"), h2.getMessage());
    assertTrue(
        !h2.getMessage().contains("25520"), "only the other nodes are named: " + h2.getMessage());
    ConfigurationException malformed =
        assertThrows(
            ConfigurationException.class,
            () ->
                TramontaneSystem.checkClusterConfig(
                    List.of("10.0.0.1:25520"), "127.0.0.1", 25520, DatabaseSettings.Kind.POSTGRES));
    assertTrue(malformed.getMessage().contains("pekko://tramontane@host:port"));
    ConfigurationException foreign =
        assertThrows(
            ConfigurationException.class,
            () ->
                TramontaneSystem.checkClusterConfig(
                    List.of("pekko://other@10.0.0.1:25520"),
                    "127.0.0.1",
                    25520,
                    DatabaseSettings.Kind.POSTGRES));
    assertTrue(foreign.getMessage().contains("'tramontane'"), foreign.getMessage());
  }

  @Test
  void aLeavingNodeIsNotReady(@TempDir Path dir) throws Exception {
    TramontaneSystem node =
        TramontaneSystem.start(
            TramontaneConfig.load(
                Map.of("tramontane.data-dir", dir.toString(), "tramontane.cluster.port", 0)));
    try {
      Await.until(
          "the node ready",
          Duration.ofSeconds(20),
          () -> node.readiness().toCompletableFuture().join().ready());
      // What a Kubernetes probe sees once SIGTERM started coordinated shutdown, before the HTTP
      // edge unbinds.
      CompletableFuture<Readiness> seen = new CompletableFuture<>();
      CoordinatedShutdown.get(node.system())
          .addTask(
              CoordinatedShutdown.PhaseBeforeServiceUnbind(),
              "probe-readiness",
              () -> {
                node.readiness().whenComplete((r, e) -> seen.complete(r));
                return seen.thenApply(r -> Done.getInstance());
              });
      CoordinatedShutdown.get(node.system()).run(CoordinatedShutdown.jvmExitReason());
      Readiness r = seen.get(10, TimeUnit.SECONDS);
      assertFalse(r.ready(), r.toString());
      assertTrue(r.checks().get("shutdown").startsWith("leaving"), r.toString());
    } finally {
      node.close();
    }
  }
}
