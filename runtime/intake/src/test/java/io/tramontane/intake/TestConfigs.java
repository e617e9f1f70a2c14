package io.tramontane.intake;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tramontane.core.TramontaneConfig;
import java.util.Map;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;

/** The production configuration, reduced to one local node with the in-memory test journal. */
final class TestConfigs {

  private TestConfigs() {}

  /**
   * Tramontane's real layered configuration (so the Jackson CBOR binding from {@code
   * tramontane-defaults.conf} is the one under test) on a local, non-clustered ActorSystem.
   */
  static Config local() {
    return ConfigFactory.parseString(
            """
            pekko.actor.provider = local
            pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
            """)
        .withFallback(TramontaneConfig.load(Map.of()));
  }

  /** {@link #local()} journaling to the persistence testkit's in-memory journal and snapshots. */
  static Config inMemoryJournal() {
    return EventSourcedBehaviorTestKit.config().withFallback(local());
  }
}
