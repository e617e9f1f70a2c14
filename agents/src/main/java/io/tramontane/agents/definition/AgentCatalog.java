package io.tramontane.agents.definition;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent definitions this node knows: the current one per name, and every version ever loaded (a
 * session keeps the version it started with, even after the file changes).
 */
public final class AgentCatalog {

  private final Map<String, AgentDefinition> current = new ConcurrentHashMap<>();
  private final Map<String, AgentDefinition> versions = new ConcurrentHashMap<>();

  public void put(AgentDefinition d) {
    current.put(d.name(), d);
    versions.put(d.version(), d);
  }

  public Optional<AgentDefinition> current(String name) {
    return Optional.ofNullable(current.get(name));
  }

  /** The version a session pinned, or the current one if this node never saw that version. */
  public Optional<AgentDefinition> version(String name, String version) {
    AgentDefinition d = version == null ? null : versions.get(version);
    return d != null && d.name().equals(name) ? Optional.of(d) : current(name);
  }

  /** Exactly that version, if this node has loaded it. */
  public Optional<AgentDefinition> exactVersion(String version) {
    return Optional.ofNullable(version == null ? null : versions.get(version));
  }

  public List<AgentDefinition> all() {
    return current.values().stream()
        .sorted(java.util.Comparator.comparing(AgentDefinition::name))
        .toList();
  }
}
