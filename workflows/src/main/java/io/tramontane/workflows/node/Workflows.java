package io.tramontane.workflows.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import io.tramontane.agents.Agents;
import io.tramontane.core.ConfigurationException;
import io.tramontane.core.InvalidRequestException;
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
 * Workflows on one node: deployed definitions (by name, every version kept by hash), runs as
 * sharded {@link WorkflowRunEntity}s pinned to the version they started with, and webhook triggers
 * that start one run per accepted delivery.
 */
public final class Workflows {

  private static final Logger LOG = LoggerFactory.getLogger(Workflows.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern RUN_NAME = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Duration ASK = Duration.ofSeconds(30);

  private final ActorSystem<?> system;
  private final WorkflowDefinitions parser;
  private final Map<String, WorkflowDefinition> current = new ConcurrentHashMap<>();
  private final Map<String, String> triggers;
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
    DefinitionEntity.init(node.system(), node.persistence());
    w.definitionsTopic =
        node.system()
            .systemActorOf(
                Topic.create(DefinitionChanged.class, "workflow-definitions"),
                "workflow-definitions",
                Props.empty());
    node.system()
        .systemActorOf(w.definitionListener(), "workflow-definition-listener", Props.empty());
    w.loadStored();
    w.deployDirectory(dir);
    for (Map.Entry<String, String> t : triggers.entrySet()) {
      if (!w.current.containsKey(t.getValue())) {
        throw new ConfigurationException(
            "tramontane.workflows.triggers."
                + t.getKey()
                + " names workflow '"
                + t.getValue()
                + "', which is not deployed from "
                + dir
                + ".");
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
    w.current.values().forEach(w.schedules::deployed);
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
    for (WorkflowDefinition d : definitions()) {
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

  private void deployDirectory(Path dir) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().matches(".*\\.ya?ml")).sorted().toList()) {
        try {
          install(f.toString(), Files.readAllBytes(f), false);
        } catch (WorkflowDefinitionException e) {
          throw new ConfigurationException("workflow definition " + e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new ConfigurationException("cannot read workflows from " + dir + ": " + e.getMessage());
    }
    LOG.info("Workflows: {} deployed from {}", current.size(), dir);
  }

  /** Validates and deploys a definition; runs already started keep their version. */
  public WorkflowDefinition deploy(String source, byte[] yaml) {
    return install(source, yaml, true);
  }

  /**
   * Parses, stores and installs a definition. A deployment over REST waits until it is stored; a
   * file deployed at start does not (the file is its source, and the journal may not answer yet).
   */
  private WorkflowDefinition install(String source, byte[] yaml, boolean awaitStored) {
    WorkflowDefinition d = parser.parse(source, yaml);
    CompletionStage<Done> stored =
        ClusterSharding.get(system)
            .entityRefFor(DefinitionEntity.ENTITY_KEY, d.name())
            .askWithStatus(
                r ->
                    new DefinitionEntity.Deploy(
                        d.hash(), source, new String(yaml, StandardCharsets.UTF_8), r),
                ASK);
    if (awaitStored) {
      try {
        stored.toCompletableFuture().join();
      } catch (java.util.concurrent.CompletionException e) {
        throw new io.tramontane.core.UnavailableException(
            "the definition could not be stored (" + e.getCause().getMessage() + "); retry",
            Duration.ofSeconds(5));
      }
    } else {
      stored.whenComplete(
          (ok, e) -> {
            if (e != null) {
              LOG.warn("Workflow {}: not stored for other nodes yet: {}", d.name(), e.toString());
            }
          });
    }
    current.put(d.name(), d);
    if (definitionsTopic != null) {
      definitionsTopic.tell(Topic.publish(new DefinitionChanged(d.name(), d.hash())));
    }
    if (schedules != null) {
      schedules.deployed(d); // timer schedule set, changed or removed with the version
    }
    return d;
  }

  /**
   * The deployed version of {@code name}: as known here, else as stored (deployed through another
   * node, or over REST before a restart).
   */
  public Optional<WorkflowDefinition> definition(String name) {
    WorkflowDefinition d = current.get(name);
    if (d != null) {
      return Optional.of(d);
    }
    try {
      return stored(name).toCompletableFuture().join();
    } catch (RuntimeException e) {
      LOG.warn("Workflow {}: cannot read the stored definition: {}", name, e.toString());
      return Optional.empty();
    }
  }

  /** A deployment elsewhere in the cluster: an update for this node's definitions. */
  public record DefinitionChanged(String name, String hash)
      implements io.tramontane.core.CborSerializable {}

  private ActorRef<Topic.Command<DefinitionChanged>> definitionsTopic;

  private org.apache.pekko.actor.typed.Behavior<DefinitionChanged> definitionListener() {
    return org.apache.pekko.actor.typed.javadsl.Behaviors.setup(
        ctx -> {
          definitionsTopic.tell(Topic.subscribe(ctx.getSelf()));
          return org.apache.pekko.actor.typed.javadsl.Behaviors.receiveMessage(
              changed -> {
                WorkflowDefinition mine = current.get(changed.name());
                if (mine == null || !mine.hash().equals(changed.hash())) {
                  stored(changed.name());
                }
                return org.apache.pekko.actor.typed.javadsl.Behaviors.same();
              });
        });
  }

  /** Reads, parses and keeps the stored version of {@code name}. */
  private CompletionStage<Optional<WorkflowDefinition>> stored(String name) {
    if (!RUN_NAME.matcher(name).matches()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return ClusterSharding.get(system)
        .entityRefFor(DefinitionEntity.ENTITY_KEY, name)
        .<DefinitionEntity.State>askWithStatus(DefinitionEntity.Get::new, ASK)
        .thenApply(
            s -> {
              if (s.hash() == null) {
                return Optional.<WorkflowDefinition>empty();
              }
              WorkflowDefinition d =
                  parser.parse(s.source(), s.yaml().getBytes(StandardCharsets.UTF_8));
              current.put(d.name(), d);
              if (schedules != null) {
                schedules.deployed(d);
              }
              return Optional.of(d);
            });
  }

  /** Every stored definition (deployed over REST, on any node, before this start). */
  private void loadStored() {
    String prefix = DefinitionEntity.ENTITY_KEY.name() + "|";
    List<String> names;
    try {
      names =
          org.apache.pekko.persistence.query.PersistenceQuery.get(system.classicSystem())
              .getReadJournalFor(
                  org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal.class,
                  org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal.Identifier())
              .currentPersistenceIds()
              .filter(id -> id.startsWith(prefix))
              .map(id -> id.substring(prefix.length()))
              .runWith(org.apache.pekko.stream.javadsl.Sink.seq(), system)
              .toCompletableFuture()
              .join();
    } catch (RuntimeException e) {
      // the journal is not reachable yet: each stored definition is read when first asked for
      LOG.warn(
          "Workflows: stored definitions not loaded at start ({}); read on first use",
          e.toString());
      return;
    }
    for (String name : names) {
      try {
        stored(name).toCompletableFuture().join();
      } catch (RuntimeException e) {
        LOG.warn("Workflow {}: the stored definition is not loaded: {}", name, e.toString());
      }
    }
    if (!names.isEmpty()) {
      LOG.info("Workflows: {} stored definition(s) loaded", names.size());
    }
  }

  public List<WorkflowDefinition> definitions() {
    return current.values().stream()
        .sorted(java.util.Comparator.comparing(WorkflowDefinition::name))
        .toList();
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
          definition(workflow)
              .orElseThrow(
                  () ->
                      new InvalidRequestException(
                          "no workflow named '" + workflow + "' is deployed."));
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
