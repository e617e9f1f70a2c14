package io.tramontane.workflows.run;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A run's recorded outcomes by effect key: an immutable map that grows by one entry per recorded
 * effect without copying the entries before it, so recovering a run of N effects costs O(N), not
 * O(N²).
 *
 * <p>Successive versions share one append-only log; a version sees the entries numbered below its
 * size, so an older version (held by a reply, a thread) never sees what was added after it. Adding
 * to a version that is not the newest, or adding a key again, copies once. The log is a {@link
 * ConcurrentHashMap}: any thread may read any version while the entity adds. It serializes as a
 * plain map.
 */
final class RecordedEffects extends AbstractMap<String, String> {

  private record Outcome(String value, int number) {}

  /** The shared log; {@code size} only grows, under the log's lock. */
  private static final class Log {
    final ConcurrentHashMap<String, Outcome> outcomes = new ConcurrentHashMap<>();
    int size;
  }

  private final Log log;
  private final int size;

  private RecordedEffects(Log log, int size) {
    this.log = log;
    this.size = size;
  }

  /** {@code effects} as recorded effects (itself when it already is). */
  static RecordedEffects of(Map<String, String> effects) {
    if (effects instanceof RecordedEffects recorded) {
      return recorded;
    }
    RecordedEffects result = new RecordedEffects(new Log(), 0);
    for (Map.Entry<String, String> e : effects.entrySet()) {
      result = result.with(e.getKey(), e.getValue());
    }
    return result;
  }

  /** These effects and {@code key}'s outcome (replacing an earlier one). */
  RecordedEffects with(String key, String outcome) {
    Objects.requireNonNull(key, "key");
    synchronized (log) {
      if (size > 0 && log.size == size && !containsKey(key)) {
        log.outcomes.put(key, new Outcome(outcome, size));
        log.size = size + 1;
        return new RecordedEffects(log, size + 1);
      }
    }
    Log copy = new Log();
    for (Map.Entry<String, String> e : entrySet()) {
      if (!e.getKey().equals(key)) {
        copy.outcomes.put(e.getKey(), new Outcome(e.getValue(), copy.size++));
      }
    }
    copy.outcomes.put(key, new Outcome(outcome, copy.size++));
    return new RecordedEffects(copy, copy.size);
  }

  private Outcome visible(Object key) {
    Outcome o = key == null ? null : log.outcomes.get(key);
    return o != null && o.number() < size ? o : null;
  }

  @Override
  public String get(Object key) {
    Outcome o = visible(key);
    return o == null ? null : o.value();
  }

  @Override
  public boolean containsKey(Object key) {
    return visible(key) != null;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Set<Map.Entry<String, String>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return size;
      }

      @Override
      public Iterator<Map.Entry<String, String>> iterator() {
        return log.outcomes.entrySet().stream()
            .filter(e -> e.getValue().number() < size)
            .<Map.Entry<String, String>>map(
                e -> new SimpleImmutableEntry<>(e.getKey(), e.getValue().value()))
            .iterator();
      }
    };
  }
}
