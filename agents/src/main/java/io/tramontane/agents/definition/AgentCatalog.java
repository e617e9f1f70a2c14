package io.tramontane.agents.definition;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent definitions this node knows, per tenant: the deployed one per name, and every version
 * ever deployed (a session keeps the version it started with, even after the definition is replaced
 * or deleted). The same name in two tenants is two definitions; nothing here answers across
 * tenants. What is not in memory is read from the {@link Store} (deployed on another node, or
 * before this node started).
 */
public final class AgentCatalog {

  private static final Logger LOG = LoggerFactory.getLogger(AgentCatalog.class);

  /** Reads what is stored for one definition; throws when the store cannot be read. */
  @FunctionalInterface
  public interface Store {
    Stored load(String tenant, String name);

    /** No store: only what was put here (tests, offline tools). */
    Store NONE = (tenant, name) -> null;
  }

  /**
   * A stored definition, parsed: the deployed version (null when none is), every readable version,
   * and the journal sequence number it was read at (older reads never overwrite newer ones).
   */
  public record Stored(AgentDefinition current, List<AgentDefinition> versions, long seqNr) {
    public Stored {
      versions = List.copyOf(versions);
    }
  }

  private final Store store;
  private final Map<String, AgentDefinition> current = new ConcurrentHashMap<>();
  private final Map<String, AgentDefinition> versions = new ConcurrentHashMap<>();
  private final Map<String, Long> seqNrs = new ConcurrentHashMap<>();

  public AgentCatalog() {
    this(Store.NONE);
  }

  public AgentCatalog(Store store) {
    this.store = store;
  }

  private static String key(String tenant, String name) {
    return tenant + "/" + name;
  }

  /** Makes {@code d} the deployed version of its name in {@code tenant} (a file read at start). */
  public void put(String tenant, AgentDefinition d) {
    current.put(key(tenant, d.name()), d);
    versions.put(key(tenant, d.version()), d);
  }

  /** What the store holds for {@code name} in {@code tenant}, unless this node read newer. */
  public void apply(String tenant, String name, Stored s) {
    String k = key(tenant, name);
    synchronized (this) {
      if (s.seqNr() < seqNrs.getOrDefault(k, -1L)) {
        return;
      }
      seqNrs.put(k, s.seqNr());
      for (AgentDefinition v : s.versions()) {
        versions.put(key(tenant, v.version()), v);
      }
      if (s.current() == null) {
        current.remove(k);
      } else {
        current.put(k, s.current());
      }
    }
  }

  /** Reads the store for {@code name}; false when it cannot be read. */
  private boolean load(String tenant, String name) {
    try {
      Stored s = store.load(tenant, name);
      if (s != null) {
        apply(tenant, name, s);
      }
      return true;
    } catch (RuntimeException e) {
      LOG.warn("Agent {}/{}: the stored definition cannot be read: {}", tenant, name, e.toString());
      return false;
    }
  }

  /** The deployed version of {@code name} in {@code tenant}. */
  public Optional<AgentDefinition> current(String tenant, String name) {
    AgentDefinition d = current.get(key(tenant, name));
    if (d == null && load(tenant, name)) {
      d = current.get(key(tenant, name));
    }
    return Optional.ofNullable(d);
  }

  /**
   * True when {@code name} is deployed in {@code tenant}, or was (sessions pinned to one of its
   * versions may continue).
   */
  public boolean known(String tenant, String name) {
    String prefix = key(tenant, "");
    if (current(tenant, name).isPresent()) {
      return true;
    }
    return versions.entrySet().stream()
        .anyMatch(e -> e.getKey().startsWith(prefix) && e.getValue().name().equals(name));
  }

  /**
   * The version a session pinned ({@code null}: the deployed one). One that was never stored
   * (pinned before definitions were stored) falls back to the deployed one. Empty when the store
   * cannot be read: a session never runs another version than its own because of a failed read.
   */
  public Optional<AgentDefinition> version(String tenant, String name, String version) {
    if (version == null) {
      return current(tenant, name);
    }
    Optional<AgentDefinition> pinned = inMemory(tenant, name, version);
    if (pinned.isPresent()) {
      return pinned;
    }
    if (!load(tenant, name)) {
      return Optional.empty();
    }
    pinned = inMemory(tenant, name, version);
    if (pinned.isPresent()) {
      return pinned;
    }
    Optional<AgentDefinition> now = Optional.ofNullable(current.get(key(tenant, name)));
    now.ifPresent(
        d ->
            LOG.warn(
                "Agent {}/{}: version {} is not stored; using the deployed version {}",
                tenant,
                name,
                version,
                d.version()));
    return now;
  }

  /** Exactly that version of {@code name} in {@code tenant} (read from the store if need be). */
  public Optional<AgentDefinition> exact(String tenant, String name, String version) {
    Optional<AgentDefinition> d = inMemory(tenant, name, version);
    if (d.isEmpty() && version != null && load(tenant, name)) {
      d = inMemory(tenant, name, version);
    }
    return d;
  }

  private Optional<AgentDefinition> inMemory(String tenant, String name, String version) {
    AgentDefinition d = version == null ? null : versions.get(key(tenant, version));
    return d != null && d.name().equals(name) ? Optional.of(d) : Optional.empty();
  }

  /** The deployed definitions of {@code tenant}, by name. */
  public List<AgentDefinition> all(String tenant) {
    String prefix = key(tenant, "");
    return current.entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .map(Map.Entry::getValue)
        .sorted(Comparator.comparing(AgentDefinition::name))
        .toList();
  }
}
