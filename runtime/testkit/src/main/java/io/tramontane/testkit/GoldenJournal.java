package io.tramontane.testkit;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;

/**
 * A recorded journal: the events of one persistence id exactly as the journal stores them
 * (serializer id, manifest, payload bytes — base64 — and a readable JSON form for reviewers). A
 * golden test {@link #replay replays} a fixture recorded from an earlier version through today's
 * serializer, so a change of an event's format that old journals cannot survive fails the build.
 * Fixtures are written by a generator that the build does not run ({@link #record}); never
 * re-record a fixture to make a golden test pass.
 */
public final class GoldenJournal {

  private static final ObjectMapper JSON =
      SerializationContract.TREES
          .copy()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private GoldenJournal() {}

  /** One stored event. */
  public record Entry(int serializerId, String manifest, byte[] payload, JsonNode readable) {}

  /**
   * The entries of the fixture on the classpath at {@code resource} (e.g. {@code /golden/x.json}).
   */
  public static List<Entry> read(Class<?> owner, String resource) {
    try (InputStream in = owner.getResourceAsStream(resource)) {
      assertNotNull(in, "no golden journal " + resource + " on the test classpath");
      JsonNode root = JSON.readTree(in);
      List<Entry> out = new ArrayList<>();
      for (JsonNode e : root.path("events")) {
        out.add(
            new Entry(
                e.path("serializerId").asInt(),
                e.path("manifest").asText(),
                Base64.getDecoder().decode(e.path("payload").asText()),
                e.path("readable")));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads the fixture's events back through {@code system}'s serializers, as recovery does; fails
   * if any recorded bytes no longer decode.
   */
  public static List<Object> replay(ActorSystem<?> system, Class<?> owner, String resource) {
    Serialization serialization = SerializationExtension.get(system.classicSystem());
    List<Object> events = new ArrayList<>();
    int i = 0;
    for (Entry e : read(owner, resource)) {
      // Try.get rethrows the decoding failure: the message names the class and the field
      Object event = serialization.deserialize(e.payload(), e.serializerId(), e.manifest()).get();
      // Every recorded field comes back with its recorded value (a renamed or retyped field
      // would be dropped or changed silently); fields added since are allowed.
      String where = resource + " event " + i++ + " (" + e.manifest() + ")";
      assertContains(where, e.readable(), readable(event));
      events.add(event);
    }
    return events;
  }

  /** The JSON form written to fixtures (through text, as a fixture is read back). */
  private static JsonNode readable(Object event) {
    try {
      return JSON.readTree(JSON.writeValueAsString(event));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertContains(String where, JsonNode recorded, JsonNode now) {
    if (!contains(recorded, now)) {
      fail(where + ": recorded " + recorded + ", read back today as " + now);
    }
  }

  /**
   * Whether {@code now} holds everything of {@code recorded}: every recorded field with its value
   * (fields added since may be there too); arrays element by element, in any order (sets).
   */
  static boolean contains(JsonNode recorded, JsonNode now) {
    if (recorded.isObject()) {
      if (!now.isObject()) {
        return false;
      }
      for (var f : recorded.properties()) {
        if (!(f.getValue().isNull() && now.path(f.getKey()).isMissingNode())
            && !contains(f.getValue(), now.path(f.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (recorded.isArray()) {
      if (!now.isArray() || now.size() != recorded.size()) {
        return false;
      }
      List<JsonNode> left = new ArrayList<>();
      now.forEach(left::add);
      for (JsonNode r : recorded) {
        int found = -1;
        for (int k = 0; k < left.size() && found < 0; k++) {
          if (contains(r, left.get(k))) {
            found = k;
          }
        }
        if (found < 0) {
          return false;
        }
        left.remove(found);
      }
      return true;
    }
    return recorded.equals(now);
  }

  /**
   * Writes {@code events} as {@code system} would journal them under {@code persistenceId} to
   * {@code file}; for generators only.
   */
  public static void record(
      ActorSystem<?> system, String entity, String persistenceId, List<?> events, Path file)
      throws IOException {
    Serialization serialization = SerializationExtension.get(system.classicSystem());
    ObjectNode root = JSON.createObjectNode();
    root.put("entity", entity);
    root.put("persistenceId", persistenceId);
    root.put(
        "note",
        "Recorded from the code of its time; never re-record to make a test pass: old journals"
            + " hold these bytes.");
    ArrayNode list = root.putArray("events");
    for (Object event : events) {
      Serializer serializer = serialization.findSerializerFor(event);
      ObjectNode e = list.addObject();
      e.put("serializerId", serializer.identifier());
      e.put("manifest", Serializers.manifestFor(serializer, event));
      e.put("payload", Base64.getEncoder().encodeToString(serialization.serialize(event).get()));
      e.set("readable", JSON.valueToTree(event));
    }
    Files.createDirectories(file.getParent());
    Files.writeString(file, JSON.writeValueAsString(root) + "\n");
  }
}
