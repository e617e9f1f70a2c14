package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import io.tramontane.core.TramontaneConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShutdownPhaseTest {

  private static final String PHASE =
      "pekko.coordinated-shutdown.phases.service-requests-done.timeout";

  @Test
  void inFlightRequestsGetTheWholeShutdownTimeout() {
    Config config = TramontaneConfig.load(Map.of());
    Duration shutdown = config.getDuration("tramontane.server.shutdown-timeout");
    Config adjusted = TramontaneServer.withRequestsDonePhaseTimeout(config, shutdown);
    assertEquals(shutdown.plusSeconds(1), adjusted.getDuration(PHASE));
  }

  @Test
  void aLongerPhaseTimeoutSetByTheOperatorIsKept() {
    Config config = TramontaneConfig.load(Map.of(PHASE, "60s"));
    Config adjusted = TramontaneServer.withRequestsDonePhaseTimeout(config, Duration.ofSeconds(10));
    assertEquals(Duration.ofSeconds(60), adjusted.getDuration(PHASE));
  }
}
