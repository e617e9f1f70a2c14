package io.tramontane.intake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import io.tramontane.core.TramontaneConfig;
import io.tramontane.testkit.TestConfigs;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every message and journal record of the intake survives Pekko serialization with the production
 * configuration, through Jackson CBOR and never Java serialization.
 */
class SerializationTest {

  private static ActorTestKit testKit;
  private static ActorRef<StatusReply<DeliveryEntity.Accepted>> acceptedReplyTo;
  private static ActorRef<StatusReply<DeliveryEntity.Status>> statusReplyTo;

  @BeforeAll
  static void start() {
    testKit =
        ActorTestKit.create(
            "SerializationTest", TestConfigs.local(TramontaneConfig.load(Map.of())));
    acceptedReplyTo = testKit.<StatusReply<DeliveryEntity.Accepted>>createTestProbe().ref();
    statusReplyTo = testKit.<StatusReply<DeliveryEntity.Status>>createTestProbe().ref();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static final Instant AT = Instant.parse("2026-03-01T09:15:30.123456789Z");

  private static Delivery delivery() {
    return new Delivery(
        "orders",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "acme",
        AT,
        Map.of("content-type", "application/json; charset=utf-8", "user-agent", "Svix-Webhooks"),
        "{\"name\": \"Zoë\", \"bytes\": \"\u0000\u00ff\"}".getBytes(StandardCharsets.UTF_8));
  }

  private static Delivery binaryDelivery() {
    byte[] all = new byte[256];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    return new Delivery(
        "github", "72d3162e-cc78-11e3-81ab-4c9367dc0958", "acme", AT, Map.of(), all);
  }

  static Stream<Object> messages() {
    return Stream.of(
        delivery(),
        binaryDelivery(),
        new DeliveryEntity.Accept(delivery(), acceptedReplyTo),
        new DeliveryEntity.GetStatus(statusReplyTo),
        new DeliveryEntity.Accepted("orders", "msg_1", false, AT),
        new DeliveryEntity.Accepted("orders", "msg_1", true, AT),
        new DeliveryEntity.Status(true, "orders", "msg_1", "acme", AT, 42, "accepted"),
        new DeliveryEntity.Status(false, null, null, null, null, 0, "unknown"),
        new DeliveryEntity.DeliveryAccepted(delivery()),
        new DeliveryEntity.DeliveryAccepted(binaryDelivery()),
        new DeliveryEntity.State(delivery()),
        new DeliveryEntity.State(null));
  }

  private static Serialization serialization() {
    return SerializationExtension.get(testKit.system().classicSystem());
  }

  @ParameterizedTest
  @MethodSource("messages")
  void roundTripsThroughJacksonCbor(Object message) {
    Serialization serialization = serialization();
    Serializer serializer = serialization.findSerializerFor(message);
    assertInstanceOf(JacksonCborSerializer.class, serializer, message.getClass().getName());

    byte[] bytes = serialization.serialize(message).get();
    String manifest = Serializers.manifestFor(serializer, message);
    Object back = serialization.deserialize(bytes, serializer.identifier(), manifest).get();

    assertNotSame(message, back);
    assertEquals(message, back);
    assertEquals(message.getClass(), back.getClass());
  }

  @Test
  void theReplyToOfACommandStillReachesTheSameActorAfterDeserialization() {
    var probe = testKit.<StatusReply<DeliveryEntity.Status>>createTestProbe();
    Serialization serialization = serialization();
    var command = new DeliveryEntity.GetStatus(probe.ref());
    Serializer serializer = serialization.findSerializerFor(command);
    var back =
        (DeliveryEntity.GetStatus)
            serialization
                .deserialize(
                    serialization.serialize(command).get(),
                    serializer.identifier(),
                    Serializers.manifestFor(serializer, command))
                .get();
    DeliveryEntity.Status status =
        new DeliveryEntity.Status(false, null, null, null, null, 0, "unknown");
    back.replyTo().tell(StatusReply.success(status));
    assertEquals(status, probe.receiveMessage().getValue());
  }

  @Test
  void theJournaledPayloadIsTheExactBodyBytes() {
    Delivery d = binaryDelivery();
    Serialization serialization = serialization();
    var event = new DeliveryEntity.DeliveryAccepted(d);
    Serializer serializer = serialization.findSerializerFor(event);
    var back =
        (DeliveryEntity.DeliveryAccepted)
            serialization
                .deserialize(
                    serialization.serialize(event).get(),
                    serializer.identifier(),
                    Serializers.manifestFor(serializer, event))
                .get();
    assertArrayEquals(d.payload(), back.delivery().payload());
    assertEquals(AT, back.delivery().receivedAt(), "nanosecond precision is kept");
  }

  @Test
  void javaSerializationIsSwitchedOff() {
    assertFalse(
        testKit.system().settings().config().getBoolean("pekko.actor.allow-java-serialization"));
  }
}
