package io.tramontane.connectors;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The items a connector instance has taken, each with the version the source chose for it (mtime
 * and size, an eTag, a content hash). Safe for a pass's threads; only the contexts of this package
 * change it, through {@link SyncContext#remember} and {@link SyncContext#forget}.
 */
public final class Manifest {

  private final Map<String, String> versions;

  Manifest(Map<String, String> versions) {
    this.versions = new LinkedHashMap<>(versions);
  }

  /** The version recorded for {@code item}, or null. */
  public synchronized String version(String item) {
    return versions.get(item);
  }

  /** Every item recorded. */
  public synchronized Set<String> items() {
    return Set.copyOf(versions.keySet());
  }

  /** A copy: item to version, in the order they were first recorded. */
  public synchronized Map<String, String> versions() {
    return new LinkedHashMap<>(versions);
  }

  synchronized void put(String item, String version) {
    versions.put(item, version);
  }

  synchronized void remove(String item) {
    versions.remove(item);
  }
}
