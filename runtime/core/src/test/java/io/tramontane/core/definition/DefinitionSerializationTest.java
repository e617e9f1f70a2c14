package io.tramontane.core.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tramontane.core.TramontaneConfig;
import io.tramontane.testkit.SerializationContract;
import io.tramontane.testkit.TestConfigs;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stored definitions' events, state, commands and announcements survive Jackson CBOR as
 * configured, and the state folds events as the journal holds them.
 */
class DefinitionSerializationTest {

  private static ActorTestKit testKit;
  private static final Instant AT = Instant.parse("2026-03-02T06:00:00Z");

  @BeforeAll
  static void start() {
    testKit =
        ActorTestKit.create(
            "DefinitionSerializationTest", TestConfigs.local(TramontaneConfig.load(Map.of())));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static Object roundTrip(Object message) {
    return SerializationContract.roundTrip(testKit.system(), message);
  }

  @Test
  void eventsStateAndAnnouncementsRoundTrip() {
    DefinitionEntity.State state =
        DefinitionEntity.State.EMPTY
            .apply(new DefinitionEntity.DefinitionDeployed("h1", "PUT /agents/a", "name: a", AT))
            .apply(new DefinitionEntity.DefinitionDeployed("h2", "a.yaml", "name: a\n#2", AT))
            .apply(new DefinitionEntity.DefinitionRemoved(AT));
    for (Object message :
        List.of(
            new DefinitionEntity.DefinitionDeployed("h1", "PUT /agents/a", "name: a", AT),
            new DefinitionEntity.DefinitionRemoved(AT),
            state,
            DefinitionEntity.State.EMPTY,
            new StoredDefinitions.Key("acme", "a"))) {
      Object back = roundTrip(message);
      assertEquals(message, back);
    }
    assertEquals(null, state.current());
    assertEquals(
        List.of("h1", "h2"), List.copyOf(new java.util.TreeMap<>(state.versions()).keySet()));
  }

  @Test
  void commandsKeepTheirReplyTo() {
    var done = testKit.<StatusReply<Done>>createTestProbe();
    var deploy =
        (DefinitionEntity.Deploy)
            roundTrip(new DefinitionEntity.Deploy("h", "s", "text", done.ref()));
    deploy.replyTo().tell(StatusReply.ack());
    assertEquals(Done.getInstance(), done.receiveMessage().getValue());
    var removed = testKit.<StatusReply<Boolean>>createTestProbe();
    var remove = (DefinitionEntity.Remove) roundTrip(new DefinitionEntity.Remove(removed.ref()));
    remove.replyTo().tell(StatusReply.success(true));
    assertEquals(true, removed.receiveMessage().getValue());
  }
}
