package io.tramontane.workflows.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The events delivered to one run (CloudEvents JSON: {@code id}, {@code type}, {@code source},
 * {@code data} …), for {@code listen}. A listen takes the events that match its consumption
 * strategy and were not taken by an earlier listen, in arrival order; it waits while none match.
 * Shared between the run's entity (which adds persisted events) and the run's thread.
 *
 * <p>Event filters follow the DSL: every {@code with} attribute must match — a constant equals the
 * event's attribute (an object matches when its fields are a subset of the event's), a runtime
 * expression is evaluated on the event's attribute and must be truthy; every {@code correlate} key
 * evaluates {@code from} on the event and must equal {@code expect} (already resolved against the
 * task input by the interpreter) or, without {@code expect}, the value the first event of this
 * listen gave.
 */
public final class Inbox {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

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
   * Whether the event alone satisfies a {@code one} or {@code any} strategy (a workflow's {@code
   * schedule.on}); an empty {@code any} takes every event.
   */
  public static boolean satisfies(JsonNode strategy, JsonNode event) {
    if (strategy.has("one")) {
      return matches(strategy.get("one"), event, new HashMap<>());
    }
    JsonNode any = strategy.path("any");
    if (!strategy.has("any")) {
      return false;
    }
    if (any.isEmpty()) {
      return true;
    }
    for (JsonNode filter : any) {
      if (matches(filter, event, new HashMap<>())) {
        return true;
      }
    }
    return false;
  }

  /** Whether the event could satisfy one of the strategy's filters (before correlation). */
  public static boolean interested(JsonNode to, JsonNode event) {
    List<JsonNode> filters = new ArrayList<>();
    if (to.has("one")) {
      filters.add(to.get("one"));
    }
    to.path("any").forEach(filters::add);
    to.path("all").forEach(filters::add);
    JsonNode until = to.get("until");
    if (until != null && until.isObject()) {
      return to.path("any").isEmpty() || interested(until, event) || anyFilter(filters, event);
    }
    return (to.has("any") && to.get("any").isEmpty()) || anyFilter(filters, event);
  }

  private static boolean anyFilter(List<JsonNode> filters, JsonNode event) {
    for (JsonNode f : filters) {
      if (attributes(f.path("with"), event)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Blocks until the {@code to} strategy ({@code one}, {@code any} (with {@code until}) or {@code
   * all}) is satisfied by untaken events, or until {@code deadline} (null: none) passes. Returns
   * the consumed events (an array, in arrival order) and marks them taken, or null at the deadline.
   * {@code view} turns consumed events into what an {@code until} expression sees.
   */
  public synchronized JsonNode await(
      JsonNode to, Instant deadline, Clock clock, java.util.function.UnaryOperator<JsonNode> view)
      throws InterruptedException {
    while (true) {
      List<Integer> match = match(to, view);
      if (match != null) {
        ArrayNode out = F.arrayNode();
        List<Integer> sorted = new ArrayList<>(match);
        sorted.sort(Integer::compare);
        for (int i : sorted) {
          JsonNode e = events.get(i);
          taken.add(e.path("id").asText());
          if (!consumedOnly.contains(i)) {
            out.add(e);
          }
        }
        return out;
      }
      long wait = 1_000;
      if (deadline != null) {
        long left = deadline.toEpochMilli() - clock.millis();
        if (left <= 0) {
          return null;
        }
        wait = Math.min(wait, left);
      }
      wait(wait);
    }
  }

  /** Indices of events consumed only to satisfy an {@code until} strategy (not in the output). */
  private Set<Integer> consumedOnly = Set.of();

  private List<Integer> match(JsonNode to, java.util.function.UnaryOperator<JsonNode> view) {
    consumedOnly = Set.of();
    if (to.has("one")) {
      Integer e = first(to.get("one"), Set.of(), new HashMap<>(), 0);
      return e == null ? null : List.of(e);
    }
    if (to.has("all")) {
      return all(to.get("all"), Set.of(), 0);
    }
    if (to.has("any")) {
      return any(to, view);
    }
    return null;
  }

  private List<Integer> any(JsonNode to, java.util.function.UnaryOperator<JsonNode> view) {
    JsonNode filters = to.get("any");
    JsonNode until = to.get("until");
    Map<String, JsonNode> expected = new HashMap<>();
    if (until == null) {
      Integer e = firstOfAny(filters, Set.of(), expected, 0);
      return e == null ? null : List.of(e);
    }
    List<Integer> consumed = new ArrayList<>();
    Set<Integer> used = new HashSet<>();
    int from = 0;
    while (true) {
      Map<String, JsonNode> before = new HashMap<>(expected);
      Integer next = firstOfAny(filters, used, expected, from);
      if (until.isObject()) {
        // the closing events end the listen when they arrive before the next matching event
        List<Integer> stop = untilStrategy(until, used, from);
        if (stop != null && (next == null || stop.stream().allMatch(i -> i < next))) {
          List<Integer> all = new ArrayList<>(consumed);
          all.addAll(stop);
          consumedOnly = new HashSet<>(stop);
          return all;
        }
      }
      if (next == null) {
        expected.clear();
        expected.putAll(before);
        return null;
      }
      consumed.add(next);
      used.add(next);
      from = next + 1;
      if (until.isTextual()) {
        ArrayNode so = F.arrayNode();
        consumed.forEach(i -> so.add(events.get(i)));
        if (Expressions.test(until, view.apply(so), Map.of())) {
          return consumed;
        }
      }
    }
  }

  /** An {@code until} strategy, satisfied by events after {@code from} not otherwise used. */
  private List<Integer> untilStrategy(JsonNode until, Set<Integer> used, int from) {
    if (until.has("one")) {
      Integer e = first(until.get("one"), used, new HashMap<>(), from);
      return e == null ? null : List.of(e);
    }
    if (until.has("all")) {
      return all(until.get("all"), used, from);
    }
    Integer e = firstOfAny(until.path("any"), used, new HashMap<>(), from);
    return e == null ? null : List.of(e);
  }

  private List<Integer> all(JsonNode filters, Set<Integer> exclude, int from) {
    List<Integer> all = new ArrayList<>();
    Set<Integer> used = new HashSet<>(exclude);
    Map<String, JsonNode> expected = new HashMap<>();
    for (JsonNode filter : filters) {
      Integer e = first(filter, used, expected, from);
      if (e == null) {
        return null;
      }
      used.add(e);
      all.add(e);
    }
    return all;
  }

  private Integer firstOfAny(
      JsonNode filters, Set<Integer> exclude, Map<String, JsonNode> expected, int from) {
    if (filters.isEmpty()) {
      return first(F.objectNode(), exclude, expected, from);
    }
    Integer best = null;
    for (JsonNode filter : filters) {
      Integer e = first(filter, exclude, new HashMap<>(expected), from);
      if (e != null && (best == null || e < best)) {
        best = e;
      }
    }
    if (best != null) {
      // fix the correlation values the chosen event gives (for later events of this listen)
      for (JsonNode filter : filters) {
        if (matches(filter, events.get(best), expected)) {
          break;
        }
      }
    }
    return best;
  }

  private Integer first(
      JsonNode filter, Set<Integer> exclude, Map<String, JsonNode> expected, int from) {
    for (int i = from; i < events.size(); i++) {
      JsonNode e = events.get(i);
      if (!taken.contains(e.path("id").asText())
          && !exclude.contains(i)
          && matches(filter, e, expected)) {
        return i;
      }
    }
    return null;
  }

  /**
   * The filter's attributes and correlations match; correlation values without an {@code expect}
   * are fixed in {@code expected} by the first match.
   */
  static boolean matches(JsonNode filter, JsonNode event, Map<String, JsonNode> expected) {
    if (!attributes(filter.path("with"), event)) {
      return false;
    }
    JsonNode correlate = filter.path("correlate");
    Map<String, JsonNode> fixed = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = correlate.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> c = it.next();
      JsonNode value;
      try {
        value = Expressions.evaluate(c.getValue().path("from").asText(), event, Map.of());
      } catch (Expressions.ExpressionException ex) {
        return false;
      }
      JsonNode expect = c.getValue().get("expect");
      if (expect == null) {
        expect = expected.get(c.getKey());
      }
      if (expect != null && !same(expect, value)) {
        return false;
      }
      fixed.put(c.getKey(), value);
    }
    fixed.forEach(expected::putIfAbsent);
    return true;
  }

  /** Every attribute in {@code with} matches the event's. */
  static boolean attributes(JsonNode with, JsonNode event) {
    for (Iterator<Map.Entry<String, JsonNode>> it = with.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      JsonNode actual = event.get(f.getKey());
      JsonNode want = f.getValue();
      if (Expressions.isExpression(want)) {
        try {
          if (!Expressions.test(want, actual, Map.of())) {
            return false;
          }
        } catch (Expressions.ExpressionException ex) {
          return false;
        }
      } else if (actual == null || !subset(want, actual)) {
        return false;
      }
    }
    return true;
  }

  private static boolean subset(JsonNode want, JsonNode actual) {
    if (want.isObject()) {
      if (!actual.isObject()) {
        return false;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = want.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        JsonNode a = actual.get(f.getKey());
        if (a == null || !subset(f.getValue(), a)) {
          return false;
        }
      }
      return true;
    }
    return same(want, actual);
  }

  private static boolean same(JsonNode a, JsonNode b) {
    if (a.isValueNode() && b.isValueNode()) {
      return a.asText().equals(b.asText());
    }
    return a.equals(b);
  }
}
