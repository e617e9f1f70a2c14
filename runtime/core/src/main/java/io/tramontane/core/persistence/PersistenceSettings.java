package io.tramontane.core.persistence;

import com.typesafe.config.Config;
import java.time.Duration;
import org.apache.pekko.actor.typed.BackoffSupervisorStrategy;
import org.apache.pekko.actor.typed.SupervisorStrategy;

/**
 * How entities react to a journal that refuses a write: restart with backoff (stashed commands
 * survive) instead of stopping. Read from {@code tramontane.persistence}.
 */
public record PersistenceSettings(Duration minBackoff, Duration maxBackoff, double randomFactor) {

  public static PersistenceSettings fromConfig(Config config) {
    Config c = config.getConfig("tramontane.persistence.on-persist-failure");
    return new PersistenceSettings(
        c.getDuration("min-backoff"), c.getDuration("max-backoff"), c.getDouble("random-factor"));
  }

  public BackoffSupervisorStrategy onPersistFailure() {
    return SupervisorStrategy.restartWithBackoff(minBackoff, maxBackoff, randomFactor);
  }
}
