package io.tramontane.workflows.definition;

import io.tramontane.core.yaml.YamlLocations;

/**
 * Where each value of a parsed definition starts in its YAML source, by JSON pointer (recorded by
 * the platform's {@code YamlReader}); problems are reported at these positions.
 */
final class Locations {

  private final String source;
  private final YamlLocations where = new YamlLocations();

  Locations(String source) {
    this.source = source;
  }

  String source() {
    return source;
  }

  /** The positions the YAML reader fills. */
  YamlLocations positions() {
    return where;
  }

  /** A problem at the value at {@code pointer} (or the nearest enclosing value that is known). */
  Problem at(String pointer, String message, String hint) {
    int[] p = where.find(pointer, false);
    return new Problem(source, p[0], p[1], message, hint);
  }

  /** A problem at the key of the value at {@code pointer}, e.g. an unknown or unsupported key. */
  Problem atKey(String pointer, String message, String hint) {
    int[] p = where.find(pointer, true);
    return new Problem(source, p[0], p[1], message, hint);
  }

  /** {@code name} as one JSON-pointer segment. */
  static String escape(String name) {
    return YamlLocations.escape(name);
  }
}
