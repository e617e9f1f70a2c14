package io.tramontane.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;

/**
 * The contract of every persisted or cluster message: the actor system's configured serializer for
 * it is Jackson CBOR (never Java serialization), and it comes back equal.
 */
public final class SerializationContract {

  /** Compares two messages by their JSON form (records holding byte arrays or lists of them). */
  public static final ObjectMapper TREES =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private SerializationContract() {}

  /** Serializes {@code message} as {@code system} would and reads it back. */
  public static Object roundTrip(ActorSystem<?> system, Object message) {
    Serialization serialization = SerializationExtension.get(system.classicSystem());
    Serializer serializer = serialization.findSerializerFor(message);
    assertInstanceOf(
        JacksonCborSerializer.class,
        serializer,
        message.getClass().getName() + " must be serialized as Jackson CBOR");
    return serialization
        .deserialize(
            serialization.serialize(message).get(),
            serializer.identifier(),
            Serializers.manifestFor(serializer, message))
        .get();
  }

  /** {@link #roundTrip} and asserts the same class and the same content; returns the copy. */
  public static Object assertRoundTrips(ActorSystem<?> system, Object message) {
    Object back = roundTrip(system, message);
    assertEquals(message.getClass(), back.getClass());
    assertEquals(TREES.valueToTree(message), TREES.valueToTree(back), message.getClass().getName());
    return back;
  }
}
