package io.tramontane.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.tramontane.core.TramontaneConfig;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The benchmark entity's messages cross nodes in the cluster benchmarks (P5 at cluster scale, P8)
 * and its events are replayed by P8: each survives serialization with the production bindings,
 * through Jackson CBOR.
 */
class AgentStepEntitySerializationTest {

  private static ActorSystem<Void> system;

  @BeforeAll
  static void start() {
    system =
        ActorSystem.create(
            Behaviors.empty(),
            "AgentStepEntitySerializationTest",
            TramontaneConfig.load(Map.of("pekko.actor.provider", "local")));
  }

  @AfterAll
  static void stop() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }

  private static <T> ActorRef<T> replyTo(String name) {
    return system.systemActorOf(Behaviors.ignore(), name, Props.empty());
  }

  static Stream<Object> messages() {
    return Stream.of(
        new AgentStepEntity.RecordStep(
            "search_documents",
            "{\"hits\":[]}",
            AgentStepEntitySerializationTest.<StatusReply<AgentStepEntity.StepAccepted>>replyTo(
                "accepted")),
        new AgentStepEntity.StepAccepted(7),
        new AgentStepEntity.CountSteps(
            AgentStepEntitySerializationTest.<AgentStepEntity.StepCount>replyTo("count")),
        new AgentStepEntity.StepCount(20),
        new AgentStepEntity.StepRecorded(3, "search_documents", "{\"hits\":[\"Zoë\"]}"),
        new AgentStepEntity.State(20));
  }

  @ParameterizedTest
  @MethodSource("messages")
  void roundTripsThroughJacksonCbor(Object message) throws Exception {
    Serialization serialization = SerializationExtension.get(system.classicSystem());
    Serializer serializer = serialization.findSerializerFor(message);
    assertInstanceOf(JacksonCborSerializer.class, serializer);
    byte[] bytes = serialization.serialize(message).get();
    Object back =
        serialization
            .deserialize(
                bytes, serializer.identifier(), Serializers.manifestFor(serializer, message))
            .get();
    assertEquals(message, back);
  }
}
