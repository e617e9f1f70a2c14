package io.tramontane.agents;

import com.typesafe.config.Config;
import io.tramontane.agents.definition.AgentCatalog;
import io.tramontane.agents.definition.AgentDefinition;
import io.tramontane.agents.definition.AgentDefinitions;
import io.tramontane.core.InvalidRequestException;
import io.tramontane.core.TramontaneConfig;
import io.tramontane.core.UnavailableException;
import io.tramontane.core.definition.StoredDefinitions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agent definitions as they are kept: in the journal (stored definitions, shared by every node and
 * read back into the catalog when any node changes one), the definitions directory of the files
 * tenant, and the catalog every session reads its pinned version from.
 */
final class AgentStore {

  private static final Logger LOG = LoggerFactory.getLogger(Agents.class);

  /** The journal's entity type of stored agent definitions. */
  static final String KIND = "AgentDefinition";

  /** How long a node waits for the journal when it reads a definition it has not seen. */
  private static final long READ_SECONDS = 10;

  private final AgentDefinitions loader;
  private final StoredDefinitions store;
  private final AgentCatalog catalog;

  AgentStore(AgentDefinitions loader, StoredDefinitions store, AgentCatalog catalog) {
    this.loader = loader;
    this.store = store;
    this.catalog = catalog;
  }

  AgentDefinition define(String tenant, String expectedName, String source, byte[] yaml) {
    AgentDefinition d = loader.parse(source, yaml, expectedName);
    StoredDefinitions.Key key = new StoredDefinitions.Key(tenant, d.name());
    try {
      store
          .deploy(key, d.version(), source, new String(yaml, StandardCharsets.UTF_8))
          .toCompletableFuture()
          .join();
    } catch (CompletionException e) {
      throw new UnavailableException(
          "the definition could not be stored (" + e.getCause().getMessage() + "); retry",
          Duration.ofSeconds(5));
    }
    if (!refresh(key)) {
      catalog.put(tenant, d);
    }
    return d;
  }

  boolean remove(String tenant, String name) {
    if (!StoredDefinitions.valid(name)) {
      throw new InvalidRequestException(
          "agent name '" + name + "' is not valid: 1-128 letters, digits, '.', '_', ':' or '-'.");
    }
    StoredDefinitions.Key key = new StoredDefinitions.Key(tenant, name);
    boolean removed = store.removeNow(key);
    if (!refresh(key)) {
      catalog.apply(tenant, name, new AgentCatalog.Stored(null, List.of(), Long.MAX_VALUE));
    }
    return removed;
  }

  /** Reads {@code key} from the store into the catalog; false when it cannot be read. */
  private boolean refresh(StoredDefinitions.Key key) {
    try {
      catalog.apply(
          key.tenant(),
          key.name(),
          parsed(
              loader, store.read(key).toCompletableFuture().get(READ_SECONDS, TimeUnit.SECONDS)));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      LOG.warn("Agent {}: stored, but not read back yet: {}", key, e.toString());
      return false;
    }
  }

  /** {@code tramontane.agents.tenant}: the tenant the definitions directory belongs to. */
  static String filesTenant(Config config) {
    return StoredDefinitions.filesTenant(config, "tramontane.agents.tenant");
  }

  /** Stores a file's definition for other nodes and for sessions pinned to it (not awaited). */
  static void storeFile(
      StoredDefinitions store, AgentDefinitions loader, String tenant, AgentDefinition d) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(Path.of(d.source()));
    } catch (IOException | RuntimeException e) {
      LOG.warn("Agent {}: {} not stored: {}", d.name(), d.source(), e.toString());
      return;
    }
    if (!loader.parse(d.source(), bytes).version().equals(d.version())) {
      LOG.warn(
          "Agent {}: {} changed while it was read; stored at the next start", d.name(), d.source());
      return;
    }
    store
        .deploy(
            new StoredDefinitions.Key(tenant, d.name()),
            d.version(),
            d.source(),
            new String(bytes, StandardCharsets.UTF_8))
        .whenComplete(
            (ok, e) -> {
              if (e != null) {
                LOG.warn("Agent {}: not stored for other nodes yet: {}", d.name(), e.toString());
              }
            });
  }

  /**
   * Every stored definition of every tenant (deployed over REST, on any node, before this start).
   */
  static void loadStored(StoredDefinitions store, AgentDefinitions loader, AgentCatalog catalog) {
    List<StoredDefinitions.Stored> all;
    try {
      all = store.all().toCompletableFuture().get(READ_SECONDS * 3, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the journal is not reachable yet: each stored definition is read when first asked for
      LOG.warn(
          "Agents: stored definitions not loaded at start ({}); read on first use", e.toString());
      return;
    }
    for (StoredDefinitions.Stored s : all) {
      catalog.apply(s.key().tenant(), s.key().name(), parsed(loader, s));
    }
    if (!all.isEmpty()) {
      LOG.info("Agents: {} stored definition(s) loaded", all.size());
    }
  }

  /** Reads one stored definition (the catalog's store); null for a name that cannot be stored. */
  static AgentCatalog.Stored read(
      StoredDefinitions store, AgentDefinitions loader, String tenant, String name) {
    if (!StoredDefinitions.validTenant(tenant) || !StoredDefinitions.valid(name)) {
      return null;
    }
    try {
      return parsed(
          loader,
          store
              .read(new StoredDefinitions.Key(tenant, name))
              .toCompletableFuture()
              .get(READ_SECONDS, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the stored definition: " + e, e);
    }
  }

  /** Parses every stored version; one that no longer parses here (a tool gone) is left out. */
  static AgentCatalog.Stored parsed(AgentDefinitions loader, StoredDefinitions.Stored s) {
    List<AgentDefinition> versions = new java.util.ArrayList<>();
    AgentDefinition current = null;
    for (StoredDefinitions.Version v : s.versions().values()) {
      try {
        AgentDefinition d = loader.parse(v.source(), v.text().getBytes(StandardCharsets.UTF_8));
        versions.add(d);
        if (v.hash().equals(s.current())) {
          current = d;
        }
      } catch (RuntimeException e) {
        LOG.warn(
            "Agent {}: stored version {} no longer loads: {}", s.key(), v.hash(), e.getMessage());
      }
    }
    return new AgentCatalog.Stored(current, versions, s.seqNr());
  }

  static Path dir(Config config) {
    return TramontaneConfig.directory(config, "tramontane.agents.dir", "agents");
  }
}
