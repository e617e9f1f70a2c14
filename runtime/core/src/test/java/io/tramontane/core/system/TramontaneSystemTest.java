package io.tramontane.core.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tramontane.core.ConfigurationException;
import io.tramontane.core.TramontaneConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
      Readiness r = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (System.nanoTime() < deadline) {
        r = node.readiness().toCompletableFuture().join();
        if (r.ready()) {
          break;
        }
        Thread.sleep(100);
      }
      assertTrue(r.ready(), r.toString());
      assertEquals("up", r.checks().get("cluster"));
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
                            "tramontane.cluster.seed-nodes",
                                List.of(
                                    "pekko://tramontane@10.0.0.1:25520",
                                    "pekko://tramontane@10.0.0.2:25520")))));
    assertTrue(e.getMessage().contains("H2 cannot be shared"), e.getMessage());
  }
}
