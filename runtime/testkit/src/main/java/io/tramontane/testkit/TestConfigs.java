package io.tramontane.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;

/**
 * A module's production configuration (e.g. {@code TramontaneConfig.load(Map.of())}, so the Jackson
 * CBOR bindings under test are the real ones) reduced to one local, non-clustered actor system,
 * optionally journaling to the persistence test kit's in-memory journal.
 */
public final class TestConfigs {

  private TestConfigs() {}

  /** {@code production} on a local actor system that leaves the JVM's shutdown alone. */
  public static Config local(Config production) {
    return ConfigFactory.parseString(
            """
            pekko.actor.provider = local
            pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
            """)
        .withFallback(production);
  }

  /** {@link #local} journaling to the in-memory journal and snapshot store of the test kit. */
  public static Config inMemoryJournal(Config production) {
    return EventSourcedBehaviorTestKit.config().withFallback(local(production));
  }
}
