package io.tramontane.core.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.tramontane.core.ConflictException;
import io.tramontane.core.InvalidRequestException;
import io.tramontane.core.NotFoundException;
import io.tramontane.core.TramontaneConfig;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An entity's refusal may answer a node other than its own: the reply {@code
 * StatusReply.error(refusal)} is serialized, and the asking node must get the same refusal back
 * (class, so kind, and message), not pekko's "not serializable" stand-in that would become a 500.
 */
class RefusalSerializationTest {

  private static ActorTestKit testKit;

  @BeforeAll
  static void start() {
    testKit =
        ActorTestKit.create(
            "RefusalSerializationTest",
            ConfigFactory.parseString(
                    "pekko.actor.provider = cluster\n"
                        + "pekko.remote.artery.canonical.port = 0\n"
                        + "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off")
                .withFallback(TramontaneConfig.load(Map.of())));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static Object roundTrip(Object message) {
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
    Serializer serializer = serialization.findSerializerFor(message);
    return serialization
        .deserialize(
            serialization.serialize(message).get(),
            serializer.identifier(),
            Serializers.manifestFor(serializer, message))
        .get();
  }

  @Test
  void aRefusalCrossesNodesWithItsKindAndMessage() {
    List<Refusal> refusals =
        List.of(
            new ConflictException("no turn is running"),
            new NotFoundException("no such session"),
            new InvalidRequestException("the event is not JSON"));
    for (Refusal refusal : refusals) {
      StatusReply<?> back = (StatusReply<?>) roundTrip(StatusReply.error((Throwable) refusal));
      assertTrue(back.isError(), refusal.getMessage());
      Throwable error = back.getError();
      assertInstanceOf(refusal.getClass(), error, error.toString());
      assertEquals(refusal.getMessage(), error.getMessage());
      assertEquals(refusal.kind(), ((Refusal) error).kind());
    }
  }
}
