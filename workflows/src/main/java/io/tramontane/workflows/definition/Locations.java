package io.tramontane.workflows.definition;

import java.util.HashMap;
import java.util.Map;

/**
 * Where each value of a parsed definition starts in its YAML source, by JSON pointer; the position
 * of a key is stored under its value's pointer suffixed {@link #KEY}.
 */
final class Locations {

  /** Suffix of a pointer naming the key itself rather than its value. */
  static final String KEY = "#key";

  private final String source;
  private final Map<String, int[]> where = new HashMap<>();

  Locations(String source) {
    this.source = source;
  }

  String source() {
    return source;
  }

  void put(String pointer, int line, int column) {
    where.putIfAbsent(pointer, new int[] {line, column});
  }

  /** A problem at the value at {@code pointer} (or the nearest enclosing value that is known). */
  Problem at(String pointer, String message, String hint) {
    int[] p = find(pointer, false);
    return new Problem(source, p[0], p[1], message, hint);
  }

  /** A problem at the key of the value at {@code pointer}, e.g. an unknown or unsupported key. */
  Problem atKey(String pointer, String message, String hint) {
    int[] p = find(pointer, true);
    return new Problem(source, p[0], p[1], message, hint);
  }

  private int[] find(String pointer, boolean key) {
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
        return found;
      }
      if (p.isEmpty()) {
        return new int[] {1, 1};
      }
      p = p.substring(0, p.lastIndexOf('/'));
    }
  }

  /** {@code name} as one JSON-pointer segment. */
  static String escape(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }
}
