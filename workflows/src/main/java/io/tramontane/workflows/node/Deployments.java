package io.tramontane.workflows.node;

import io.tramontane.core.ConfigurationException;
import io.tramontane.core.InvalidRequestException;
import io.tramontane.core.UnavailableException;
import io.tramontane.core.definition.StoredDefinitions;
import io.tramontane.core.persistence.PersistenceSettings;
import io.tramontane.workflows.definition.WorkflowDefinition;
import io.tramontane.workflows.definition.WorkflowDefinitionException;
import io.tramontane.workflows.definition.WorkflowDefinitions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployed workflow definitions on this node, per tenant and name: read from the shared store
 * (deployed through any node, kept across restarts), from the definitions directory at start, and
 * over REST. A definition is checked completely before anything is stored, so a refused one changes
 * nothing; each change is handed to the timer {@link Schedules}.
 */
final class Deployments {

  private static final Logger LOG = LoggerFactory.getLogger(Deployments.class);

  /** The journal's entity type of stored workflow definitions. */
  static final String KIND = "WorkflowDefinition";

  private static final long READ_SECONDS = 10;

  private final WorkflowDefinitions parser;
  private final StoredDefinitions store;

  /** Deployed definitions by {@code <tenant>/<name>}. */
  private final Map<String, WorkflowDefinition> current = new ConcurrentHashMap<>();

  /** The journal sequence number each definition was last read at (older reads are ignored). */
  private final Map<String, Long> seqNrs = new ConcurrentHashMap<>();

  private volatile Schedules schedules;

  /** Starts the store, follows its changes and loads what it holds. */
  Deployments(ActorSystem<?> system, PersistenceSettings persistence, WorkflowDefinitions parser) {
    this.parser = parser;
    this.store = StoredDefinitions.start(system, persistence, KIND);
    store.onChange(
        k ->
            store
                .read(k)
                .thenAccept(this::apply)
                .whenComplete(
                    (ok, e) -> {
                      if (e != null) {
                        LOG.warn("Workflow {}: change not read: {}", k, e.toString());
                      }
                    }));
    loadStored();
  }

  /** From now on every deployed, changed or removed definition sets its timer schedule. */
  void scheduleWith(Schedules schedules) {
    this.schedules = schedules;
    current.forEach((key, def) -> schedules.deployed(key.substring(0, key.indexOf('/')), def));
  }

  void deployDirectory(String tenant, Path dir) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    int n = 0;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().matches(".*\\.ya?ml")).sorted().toList()) {
        try {
          install(tenant, null, f.toString(), Files.readAllBytes(f), false);
          n++;
        } catch (WorkflowDefinitionException e) {
          throw new ConfigurationException("workflow definition " + e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new ConfigurationException("cannot read workflows from " + dir + ": " + e.getMessage());
    }
    LOG.info("Workflows: {} deployed from {}, tenant {}", n, dir, tenant);
  }

  /**
   * Validates and deploys a definition of {@code tenant} whose name must be {@code name}; runs
   * already started keep their version. Everything is checked before anything is stored, so a
   * refused definition changes nothing.
   */
  WorkflowDefinition deploy(String tenant, String name, String source, byte[] yaml) {
    return install(tenant, name, source, yaml, true);
  }

  /**
   * Parses, checks, stores and installs a definition. A deployment over REST waits until it is
   * stored; a file deployed at start does not (the file is its source, and the journal may not
   * answer yet).
   */
  private WorkflowDefinition install(
      String tenant, String expectedName, String source, byte[] yaml, boolean awaitStored) {
    WorkflowDefinition d = parser.parse(source, yaml, expectedName);
    StoredDefinitions.Key key = new StoredDefinitions.Key(tenant, d.name());
    CompletionStage<Done> stored =
        store.deploy(key, d.hash(), source, new String(yaml, StandardCharsets.UTF_8));
    if (awaitStored) {
      try {
        stored.toCompletableFuture().join();
      } catch (CompletionException e) {
        throw new UnavailableException(
            "the definition could not be stored (" + e.getCause().getMessage() + "); retry",
            Duration.ofSeconds(5));
      }
      if (refresh(key)) {
        return d;
      }
    } else {
      stored.whenComplete(
          (ok, e) -> {
            if (e != null) {
              LOG.warn("Workflow {}: not stored for other nodes yet: {}", key, e.toString());
            }
          });
    }
    current.put(id(tenant, d.name()), d);
    if (schedules != null) {
      schedules.deployed(tenant, d); // timer schedule set, changed or removed with the version
    }
    return d;
  }

  /**
   * Deletes the workflow {@code name} of {@code tenant}: it is no longer listed, started, scheduled
   * or started by events; runs in flight finish on their version. Idempotent: true when a version
   * was deployed. A file in the definitions directory is deployed again at the next start.
   */
  boolean remove(String tenant, String name) {
    if (!StoredDefinitions.valid(name)) {
      throw new InvalidRequestException(
          "workflow name '"
              + name
              + "' is not valid: 1-128 letters, digits, '.', '_', ':' or '-'.");
    }
    StoredDefinitions.Key key = new StoredDefinitions.Key(tenant, name);
    boolean removed = store.removeNow(key);
    refresh(key);
    // Nothing is deployed now, also when the store never had it (a file not stored yet).
    boolean wasHere = current.remove(id(tenant, name)) != null;
    if (wasHere && schedules != null) {
      schedules.removed(tenant, name);
    }
    return removed || wasHere;
  }

  /**
   * The deployed version of {@code name} in {@code tenant}: as known here, else as stored (deployed
   * through another node, or over REST before a restart).
   */
  Optional<WorkflowDefinition> definition(String tenant, String name) {
    if (!StoredDefinitions.validTenant(tenant) || !StoredDefinitions.valid(name)) {
      return Optional.empty();
    }
    WorkflowDefinition d = current.get(id(tenant, name));
    if (d == null) {
      refresh(new StoredDefinitions.Key(tenant, name));
      d = current.get(id(tenant, name));
    }
    return Optional.ofNullable(d);
  }

  /** Reads {@code key} from the store and applies it here; false when it cannot be read. */
  private boolean refresh(StoredDefinitions.Key key) {
    try {
      apply(store.read(key).toCompletableFuture().get(READ_SECONDS, TimeUnit.SECONDS));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      LOG.warn("Workflow {}: cannot read the stored definition: {}", key, e.toString());
      return false;
    }
  }

  /** What the store holds for one definition, unless this node already read a newer state. */
  private synchronized void apply(StoredDefinitions.Stored s) {
    String id = id(s.key().tenant(), s.key().name());
    if (s.seqNr() < seqNrs.getOrDefault(id, -1L)) {
      return;
    }
    Optional<StoredDefinitions.Version> v = s.deployed();
    if (v.isEmpty()) {
      if (s.seqNr() > 0) {
        seqNrs.put(id, s.seqNr());
        if (current.remove(id) != null && schedules != null) {
          schedules.removed(s.key().tenant(), s.key().name());
        }
      }
      return;
    }
    WorkflowDefinition d;
    try {
      d = parser.parse(v.get().source(), v.get().text().getBytes(StandardCharsets.UTF_8));
    } catch (WorkflowDefinitionException e) {
      LOG.warn("Workflow {}: the stored definition no longer loads: {}", s.key(), e.getMessage());
      return;
    }
    seqNrs.put(id, s.seqNr());
    WorkflowDefinition before = current.put(id, d);
    if (schedules != null && (before == null || !before.hash().equals(d.hash()))) {
      schedules.deployed(s.key().tenant(), d);
    }
  }

  /**
   * Every stored definition of every tenant (deployed over REST, on any node, before this start).
   */
  private void loadStored() {
    List<StoredDefinitions.Stored> all;
    try {
      all = store.all().toCompletableFuture().get(READ_SECONDS * 3, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the journal is not reachable yet: each stored definition is read when first asked for
      LOG.warn(
          "Workflows: stored definitions not loaded at start ({}); read on first use",
          e.toString());
      return;
    }
    all.forEach(this::apply);
    if (!all.isEmpty()) {
      LOG.info("Workflows: {} stored definition(s) loaded", all.size());
    }
  }

  /** The deployed definitions of {@code tenant}, by name. */
  List<WorkflowDefinition> definitions(String tenant) {
    String prefix = id(tenant, "");
    return current.entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .map(Map.Entry::getValue)
        .sorted(Comparator.comparing(WorkflowDefinition::name))
        .toList();
  }

  private static String id(String tenant, String name) {
    return tenant + "/" + name;
  }
}
