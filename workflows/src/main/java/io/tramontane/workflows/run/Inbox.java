package io.tramontane.workflows.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The events delivered to one run (CloudEvents-shaped JSON: {@code id}, {@code type}, {@code
 * source}, {@code data} …), for {@code listen}. A listen takes the events that match its filters
 * and were not taken by an earlier listen; it waits while none match. Shared between the run's
 * entity (which adds persisted events) and the run's thread.
 */
public final class Inbox {

  private final List<JsonNode> events = new ArrayList<>();
  private final Set<String> taken = new HashSet<>();

  public synchronized void add(JsonNode event) {
    events.add(event);
    notifyAll();
  }

  /** Marks events as taken by a recorded listen (on replay). */
  public synchronized void taken(JsonNode outcome) {
    if (outcome != null && outcome.isArray()) {
      outcome.forEach(e -> taken.add(e.path("id").asText()));
    }
  }

  /**
   * Blocks until the {@code to} spec ({@code one}, {@code any} or {@code all} with {@code with}
   * attribute filters) is satisfied by untaken events; returns them (an array) and marks them
   * taken.
   */
  public synchronized JsonNode await(JsonNode to) throws InterruptedException {
    while (true) {
      List<JsonNode> match = match(to);
      if (match != null) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (JsonNode e : match) {
          taken.add(e.path("id").asText());
          out.add(e);
        }
        return out;
      }
      wait(1_000);
    }
  }

  private List<JsonNode> match(JsonNode to) {
    if (to.has("one")) {
      JsonNode e = first(to.get("one"), Set.of());
      return e == null ? null : List.of(e);
    }
    if (to.has("any")) {
      for (JsonNode filter : to.get("any")) {
        JsonNode e = first(filter, Set.of());
        if (e != null) {
          return List.of(e);
        }
      }
      return null;
    }
    if (to.has("all")) {
      List<JsonNode> all = new ArrayList<>();
      Set<String> used = new HashSet<>();
      for (JsonNode filter : to.get("all")) {
        JsonNode e = first(filter, used);
        if (e == null) {
          return null;
        }
        used.add(e.path("id").asText());
        all.add(e);
      }
      return all;
    }
    return null;
  }

  private JsonNode first(JsonNode filter, Set<String> exclude) {
    for (JsonNode e : events) {
      String id = e.path("id").asText();
      if (!taken.contains(id) && !exclude.contains(id) && matches(filter.path("with"), e)) {
        return e;
      }
    }
    return null;
  }

  /** Every attribute in {@code with} equals the event's (strings compared as text). */
  static boolean matches(JsonNode with, JsonNode event) {
    for (Iterator<Map.Entry<String, JsonNode>> it = with.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      JsonNode actual = event.get(f.getKey());
      if (actual == null) {
        return false;
      }
      if (f.getValue().isValueNode()
          ? !f.getValue().asText().equals(actual.asText())
          : !f.getValue().equals(actual)) {
        return false;
      }
    }
    return true;
  }
}
