package io.tramontane.workflows.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import io.tramontane.agents.Agents;
import io.tramontane.core.ConfigurationException;
import io.tramontane.core.InvalidRequestException;
import io.tramontane.core.NotFoundException;
import io.tramontane.core.UnavailableException;
import io.tramontane.core.definition.StoredDefinitions;
import io.tramontane.core.event.PlatformEvent;
import io.tramontane.core.event.PlatformEvents;
import io.tramontane.core.system.TramontaneSystem;
import io.tramontane.retrieval.Retrieval;
import io.tramontane.workflows.definition.WorkflowDefinition;
import io.tramontane.workflows.definition.WorkflowDefinitionException;
import io.tramontane.workflows.definition.WorkflowDefinitions;
import io.tramontane.workflows.definition.WorkflowSettings;
import io.tramontane.workflows.run.Inbox;
import io.tramontane.workflows.run.Replay;
import io.tramontane.workflows.run.WorkflowError;
import io.tramontane.workflows.run.WorkflowRunEntity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Workflows on one node: deployed definitions (per tenant and name, stored and shared by every
 * node), runs as sharded {@link WorkflowRunEntity}s pinned to the version they started with, and
 * webhook triggers that start one run of the trigger's tenant per accepted delivery.
 */
public final class Workflows {

  private static final Logger LOG = LoggerFactory.getLogger(Workflows.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern RUN_NAME = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Duration ASK = Duration.ofSeconds(30);

  /** The journal's entity type of stored workflow definitions. */
  static final String KIND = "WorkflowDefinition";

  private static final long READ_SECONDS = 10;

  private final ActorSystem<?> system;
  private final WorkflowDefinitions parser;

  /** Deployed definitions by {@code <tenant>/<name>}. */
  private final Map<String, WorkflowDefinition> current = new ConcurrentHashMap<>();

  /** The journal sequence number each definition was last read at (older reads are ignored). */
  private final Map<String, Long> seqNrs = new ConcurrentHashMap<>();

  private final Map<String, String> triggers;
  private StoredDefinitions store;
  private final PlatformEvents events;
  private ActorRef<Topic.Command<WorkflowRunEntity.Notify>> topic;
  private volatile Schedules schedules;

  private Workflows(
      ActorSystem<?> system,
      WorkflowDefinitions parser,
      Map<String, String> triggers,
      PlatformEvents events) {
    this.system = system;
    this.parser = parser;
    this.triggers = Map.copyOf(triggers);
    this.events = events;
  }

  /**
   * Starts workflows on this node: deploys the definitions directory, registers runs, and consumes
   * platform events (starting the workflows whose {@code schedule.on} they satisfy, and handing
   * them to runs waiting in a {@code listen}).
   */
  public static Workflows start(
      TramontaneSystem node,
      Agents agents,
      Retrieval retrieval,
      PlatformEvents events,
      Config config) {
    Config c = config.getConfig("tramontane.workflows");
    List<String> hosts = c.getStringList("http.allowed-hosts");
    boolean allowPrivate = c.getBoolean("http.allow-private-networks");
    Map<String, String> triggers = new LinkedHashMap<>();
    for (String t : c.getConfig("triggers").root().keySet()) {
      triggers.put(t, c.getString("triggers." + t));
    }
    Workflows w =
        new Workflows(
            node.system(),
            new WorkflowDefinitions(WorkflowSettings.fromConfig(config)),
            triggers,
            events);
    String d = c.getString("dir");
    Path dir =
        d.isBlank()
            ? Path.of(config.getString("tramontane.data-dir")).resolve("workflows")
            : Path.of(d);
    String filesTenant = c.getString("tenant");
    if (!StoredDefinitions.validTenant(filesTenant)) {
      throw new ConfigurationException(
          "tramontane.workflows.tenant must be a tenant name (1-128 characters, no '/'), not '"
              + filesTenant
              + "'.");
    }
    w.store = StoredDefinitions.start(node.system(), node.persistence(), KIND);
    w.store.onChange(
        k ->
            w.store
                .read(k)
                .thenAccept(w::apply)
                .whenComplete(
                    (ok, e) -> {
                      if (e != null) {
                        LOG.warn("Workflow {}: change not read: {}", k, e.toString());
                      }
                    }));
    w.loadStored();
    w.deployDirectory(filesTenant, dir);
    for (Map.Entry<String, String> t : triggers.entrySet()) {
      String path = "tramontane.intake.triggers." + t.getKey() + ".tenant";
      if (!config.hasPath(path)) {
        throw new ConfigurationException(
            "tramontane.workflows.triggers."
                + t.getKey()
                + " names trigger '"
                + t.getKey()
                + "', which is not declared: declare it under tramontane.intake.triggers.");
      }
      String tenant = config.getString(path);
      if (w.definition(tenant, t.getValue()).isEmpty()) {
        throw new ConfigurationException(
            "tramontane.workflows.triggers."
                + t.getKey()
                + " names workflow '"
                + t.getValue()
                + "', which is not deployed in the trigger's tenant '"
                + tenant
                + "': put it in "
                + dir
                + (tenant.equals(filesTenant)
                    ? ""
                    : " with tramontane.workflows.tenant = \"" + tenant + "\"")
                + ", or deploy it with PUT /workflows/"
                + t.getValue()
                + " and a key of that tenant.");
      }
    }
    w.topic =
        node.system()
            .systemActorOf(
                WorkflowRunEntity.eventsTopic(), "workflow-platform-events", Props.empty());
    WorkflowRunEntity.init(
        node.system(),
        new WorkflowRunEntity.Runtime(
            runId ->
                w.emitting(
                    runId,
                    new NodeEffects(
                        runId, tenantOf(runId), agents, retrieval, hosts, allowPrivate)),
            Clock.systemUTC(),
            node.persistence(),
            w.topic));
    w.schedules = Schedules.start(node.system(), node.persistence(), config);
    w.current.forEach((key, def) -> w.schedules.deployed(tenantOf(key), def));
    // its own consumer id: offsets are stored per consumer id, and "workflows" reads deliveries
    events.subscribeClusterWide(
        "workflow-events", (tx, event) -> w.onEvent(event).toCompletableFuture().join());
    return w;
  }

  /** The run's effects, with {@code emit} publishing a platform event (id: run and effect key). */
  private Replay.Live emitting(String runId, Replay.Live live) {
    return new Replay.Live() {
      @Override
      public JsonNode call(String key, String function, JsonNode with) {
        return live.call(key, function, with);
      }

      @Override
      public void emit(String key, JsonNode event) {
        JsonNode with = event.path("with");
        String[] parts = runId.split("/", 3);
        PlatformEvent e =
            new PlatformEvent(
                runId + "/" + key,
                with.hasNonNull("source")
                    ? with.get("source").asText()
                    : "tramontane://workflow/" + parts[1] + "/" + parts[2],
                with.path("type").asText(null),
                with.hasNonNull("subject") ? with.get("subject").asText() : null,
                java.time.Instant.now(),
                parts[0],
                with.has("data") ? with.get("data").toString() : null);
        try {
          events.publish(e).toCompletableFuture().join();
        } catch (java.util.concurrent.CompletionException ex) {
          throw new WorkflowError(
              WorkflowError.COMMUNICATION,
              503,
              "Emit failed",
              "the event could not be stored: " + ex.getCause().getMessage(),
              key);
        }
        live.emit(key, event);
      }

      @Override
      public JsonNode listen(
          String key,
          JsonNode to,
          java.time.Instant deadline,
          java.util.function.UnaryOperator<JsonNode> view) {
        return live.listen(key, to, deadline, view);
      }

      @Override
      public void sleepUntil(java.time.Instant instant) {
        live.sleepUntil(instant);
      }
    };
  }

  /**
   * A published platform event: starts each deployed workflow whose {@code schedule.on} it
   * satisfies (once per event: the run is named after the event's source and id), and hands it to
   * the runs of its tenant waiting in a {@code listen}. Completes when the runs are started.
   */
  public CompletionStage<Done> onEvent(PlatformEvent event) {
    ObjectNode cloudEvent = event.toCloudEvent();
    topic.tell(Topic.publish(new WorkflowRunEntity.Notify(event.tenant(), cloudEvent.toString())));
    List<CompletableFuture<?>> started = new java.util.ArrayList<>();
    for (WorkflowDefinition d : definitions(event.tenant())) {
      JsonNode on = d.tree().path("schedule").get("on");
      if (on != null && Inbox.satisfies(on, cloudEvent)) {
        String runName = "evt-" + shortHash(event.source() + "\n" + event.id());
        LOG.debug(
            "Event {} from {} starts {} run {}", event.type(), event.source(), d.name(), runName);
        started.add(
            start(event.tenant(), d.name(), runName, event.dataJson()).toCompletableFuture());
      }
    }
    return CompletableFuture.allOf(started.toArray(CompletableFuture[]::new))
        .thenApply(x -> Done.getInstance());
  }

  /** Publishes a CloudEvents JSON object for {@code tenant} (REST {@code POST /events}). */
  public CompletionStage<Boolean> publish(String tenant, JsonNode cloudEvent) {
    try {
      return events.publish(PlatformEvent.fromCloudEvent(tenant, cloudEvent));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static String shortHash(String s) {
    try {
      byte[] h =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(h, 0, 20);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void deployDirectory(String tenant, Path dir) {
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
  public WorkflowDefinition deploy(String tenant, String name, String source, byte[] yaml) {
    return install(tenant, name, source, yaml, true);
  }

  /**
   * Parses, checks, stores and installs a definition. A deployment over REST waits until it is
   * stored; a file deployed at start does not (the file is its source, and the journal may not
   * answer yet).
   */
  private WorkflowDefinition install(
      String tenant, String expectedName, String source, byte[] yaml, boolean awaitStored) {
    WorkflowDefinition d = parser.parse(source, yaml);
    if (expectedName != null && !d.name().equals(expectedName)) {
      throw new InvalidRequestException(
          "the definition's name (document.name) '"
              + d.name()
              + "' differs from the path's '"
              + expectedName
              + "': deploy it to /workflows/"
              + d.name()
              + " or change document.name to '"
              + expectedName
              + "'; nothing was deployed.");
    }
    StoredDefinitions.Key key = new StoredDefinitions.Key(tenant, d.name());
    CompletionStage<Done> stored =
        store.deploy(key, d.hash(), source, new String(yaml, StandardCharsets.UTF_8));
    if (awaitStored) {
      try {
        stored.toCompletableFuture().join();
      } catch (java.util.concurrent.CompletionException e) {
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
  public boolean remove(String tenant, String name) {
    if (!StoredDefinitions.valid(name)) {
      throw new InvalidRequestException(
          "workflow name '"
              + name
              + "' is not valid: 1-128 letters, digits, '.', '_', ':' or '-'.");
    }
    StoredDefinitions.Key key = new StoredDefinitions.Key(tenant, name);
    boolean removed;
    try {
      removed = store.remove(key).toCompletableFuture().join();
    } catch (java.util.concurrent.CompletionException e) {
      throw new UnavailableException(
          "the definition could not be deleted (" + e.getCause().getMessage() + "); retry",
          Duration.ofSeconds(5));
    }
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
  public Optional<WorkflowDefinition> definition(String tenant, String name) {
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
  public List<WorkflowDefinition> definitions(String tenant) {
    String prefix = id(tenant, "");
    return current.entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .map(Map.Entry::getValue)
        .sorted(java.util.Comparator.comparing(WorkflowDefinition::name))
        .toList();
  }

  private static String id(String tenant, String name) {
    return tenant + "/" + name;
  }

  static String runId(String tenant, String workflow, String runName) {
    return tenant + "/" + workflow + "/" + runName;
  }

  static String tenantOf(String runId) {
    return runId.substring(0, runId.indexOf('/'));
  }

  private EntityRef<WorkflowRunEntity.Command> run(String tenant, String workflow, String runName) {
    if (!RUN_NAME.matcher(runName).matches()) {
      throw new InvalidRequestException(
          "run name '" + runName + "' is not valid: 1-128 letters, digits, '.', '_', ':' or '-'.");
    }
    return ClusterSharding.get(system)
        .entityRefFor(WorkflowRunEntity.ENTITY_KEY, runId(tenant, workflow, runName));
  }

  /**
   * Starts a run of the workflow's current version. Starting the same run name again returns the
   * existing run (idempotent).
   */
  public CompletionStage<WorkflowRunEntity.State> start(
      String tenant, String workflow, String runName, JsonNode input) {
    try {
      WorkflowDefinition d =
          definition(tenant, workflow)
              .orElseThrow(
                  () ->
                      new NotFoundException(
                          "No workflow '"
                              + workflow
                              + "' is deployed in this tenant; GET /workflows lists the tenant's"
                              + " workflows."));
      return run(tenant, workflow, runName)
          .askWithStatus(
              r ->
                  new WorkflowRunEntity.Start(
                      d.hash(), d.tree().toString(), input == null ? "{}" : input.toString(), r),
              ASK);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  public CompletionStage<WorkflowRunEntity.State> get(
      String tenant, String workflow, String runName) {
    try {
      return run(tenant, workflow, runName).askWithStatus(WorkflowRunEntity.Get::new, ASK);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  public CompletionStage<Done> cancel(String tenant, String workflow, String runName, String by) {
    try {
      return run(tenant, workflow, runName)
          .askWithStatus(r -> new WorkflowRunEntity.Cancel(by, r), ASK);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Delivers an event to a run (e.g. an approval), for its {@code listen} tasks. Without an {@code
   * id} one is assigned; the same id twice is delivered once.
   */
  public CompletionStage<Done> deliver(
      String tenant, String workflow, String runName, JsonNode event) {
    try {
      if (event == null || !event.isObject() || !event.hasNonNull("type")) {
        throw new InvalidRequestException(
            "an event is a JSON object with a 'type', e.g. {\"type\": \"io.tramontane.approval.granted\"}.");
      }
      com.fasterxml.jackson.databind.node.ObjectNode e =
          ((com.fasterxml.jackson.databind.node.ObjectNode) event).deepCopy();
      if (!e.hasNonNull("id")) {
        e.put("id", java.util.UUID.randomUUID().toString());
      }
      if (!e.hasNonNull("specversion")) {
        e.put("specversion", "1.0");
      }
      String text = e.toString();
      return run(tenant, workflow, runName)
          .askWithStatus(r -> new WorkflowRunEntity.Deliver(text, r), ASK);
    } catch (RuntimeException ex) {
      return CompletableFuture.failedFuture(ex);
    }
  }

  /**
   * A webhook delivery was accepted: start the workflow bound to its trigger, once (the run name
   * comes from the delivery id). Returns the run's stage, or empty when no workflow is bound.
   */
  public Optional<CompletionStage<WorkflowRunEntity.State>> onDelivery(
      String trigger, String tenant, String deliveryId, byte[] payload) {
    String workflow = triggers.get(trigger);
    if (workflow == null) {
      return Optional.empty();
    }
    JsonNode input;
    try {
      input = JSON.readTree(payload);
    } catch (IOException e) {
      input =
          JSON.createObjectNode()
              .put("payload", new String(payload, java.nio.charset.StandardCharsets.UTF_8));
    }
    String runName = "hook-" + deliveryId.replaceAll("[^A-Za-z0-9._:-]", "_");
    return Optional.of(start(tenant, workflow, runName, input));
  }
}
