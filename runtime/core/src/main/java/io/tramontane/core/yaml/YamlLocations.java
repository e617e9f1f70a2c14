package io.tramontane.core.yaml;

import java.util.HashMap;
import java.util.Map;

/**
 * Where each value of a document read by {@link YamlReader} starts in its source (1-based line and
 * column), by JSON pointer; the position of a key is stored under its value's pointer suffixed
 * {@link #KEY}.
 */
public final class YamlLocations {

  /** Suffix of a pointer naming the key itself rather than its value. */
  public static final String KEY = "#key";

  private final Map<String, int[]> where = new HashMap<>();

  void put(String pointer, int line, int column) {
    where.putIfAbsent(pointer, new int[] {line, column});
  }

  /**
   * {line, column} of the value at {@code pointer} ({@code key}: of its key, when known), else of
   * the nearest enclosing value that is known, else {1, 1}.
   */
  public int[] find(String pointer, boolean key) {
    String p = pointer;
    while (true) {
      int[] found = key ? where.get(p + KEY) : null;
      if (found == null) {
        found = where.get(p);
      }
      if (found == null && !key) {
        found = where.get(p + KEY);
      }
      if (found != null) {
        return found.clone();
      }
      if (p.isEmpty()) {
        return new int[] {1, 1};
      }
      p = p.substring(0, Math.max(0, p.lastIndexOf('/')));
    }
  }

  /** {@code name} as one JSON-pointer segment. */
  public static String escape(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }
}
