package io.tramontane.workflows.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import io.tramontane.core.ConfigurationException;
import io.tramontane.core.InvalidRequestException;
import io.tramontane.core.NotFoundException;
import io.tramontane.core.Sha256;
import io.tramontane.core.TramontaneConfig;
import io.tramontane.core.definition.StoredDefinitions;
import io.tramontane.core.event.PlatformEvent;
import io.tramontane.core.event.PlatformEvents;
import io.tramontane.core.system.TramontaneSystem;
import io.tramontane.workflows.call.CallHandler;
import io.tramontane.workflows.call.HttpCall;
import io.tramontane.workflows.call.OpenApiCall;
import io.tramontane.workflows.definition.WorkflowDefinition;
import io.tramontane.workflows.definition.WorkflowDefinitions;
import io.tramontane.workflows.definition.WorkflowSettings;
import io.tramontane.workflows.run.DataSchemas;
import io.tramontane.workflows.run.Inbox;
import io.tramontane.workflows.run.RunningRuns;
import io.tramontane.workflows.run.WorkflowRunEntity;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

  private final ActorSystem<?> system;
  private final Deployments deployments;
  private final Map<String, String> triggers;
  private final PlatformEvents events;
  private ActorRef<Topic.Command<WorkflowRunEntity.Notify>> topic;

  private Workflows(
      ActorSystem<?> system,
      Deployments deployments,
      Map<String, String> triggers,
      PlatformEvents events) {
    this.system = system;
    this.deployments = deployments;
    this.triggers = Map.copyOf(triggers);
    this.events = events;
  }

  /**
   * Starts workflows on this node: deploys the definitions directory, registers runs, and consumes
   * platform events (starting the workflows whose {@code schedule.on} they satisfy, and handing
   * them to runs waiting in a {@code listen}).
   *
   * @param calls what {@code call: <function>} does besides {@code http} and {@code openapi} (which
   *     this module answers itself, under {@code tramontane.workflows.http}): {@code agent}, {@code
   *     retrieve} and later others, wired by the node
   */
  public static Workflows start(
      TramontaneSystem node, List<CallHandler> calls, PlatformEvents events, Config config) {
    Config c = config.getConfig("tramontane.workflows");
    List<CallHandler> handlers = new ArrayList<>(calls);
    HttpCall http = HttpCall.fromConfig(config);
    handlers.add(http);
    handlers.add(new OpenApiCall(http));
    Map<String, String> triggers = new LinkedHashMap<>();
    for (String t : c.getConfig("triggers").root().keySet()) {
      triggers.put(t, c.getString("triggers." + t));
    }
    Path dir = TramontaneConfig.directory(config, "tramontane.workflows.dir", "workflows");
    String filesTenant = StoredDefinitions.filesTenant(config, "tramontane.workflows.tenant");
    Deployments deployments =
        new Deployments(
            node.system(),
            node.persistence(),
            new WorkflowDefinitions(WorkflowSettings.fromConfig(config)));
    Workflows w = new Workflows(node.system(), deployments, triggers, events);
    RunningRuns running = new RunningRuns();
    handlers.add(new ChildRuns(w, running, c.getInt("max-running-runs-per-tenant")));
    deployments.deployDirectory(filesTenant, dir);
    for (Map.Entry<String, String> t : triggers.entrySet()) {
      checkTrigger(config, t.getKey(), t.getValue(), w, dir, filesTenant);
    }
    w.topic =
        node.system()
            .systemActorOf(
                WorkflowRunEntity.eventsTopic(), "workflow-platform-events", Props.empty());
    WorkflowRunEntity.init(
        node.system(),
        new WorkflowRunEntity.Runtime(
            runId ->
                new EmittingEffects(
                    runId, new NodeEffects(runId, tenantOf(runId), handlers), events),
            Clock.systemUTC(),
            node.persistence(),
            w.topic,
            running));
    deployments.scheduleWith(Schedules.start(node.system(), node.persistence(), config));
    // its own consumer id: offsets are stored per consumer id, and "workflows" reads deliveries
    events.subscribeClusterWide(
        "workflow-events", (tx, event) -> w.onEvent(event).toCompletableFuture().join());
    return w;
  }

  /** A trigger must be declared and its workflow deployed in the trigger's tenant. */
  private static void checkTrigger(
      Config config, String trigger, String workflow, Workflows w, Path dir, String filesTenant) {
    String path = "tramontane.intake.triggers." + trigger + ".tenant";
    if (!config.hasPath(path)) {
      throw new ConfigurationException(
          "tramontane.workflows.triggers."
              + trigger
              + " names trigger '"
              + trigger
              + "', which is not declared: declare it under tramontane.intake.triggers.");
    }
    String tenant = config.getString(path);
    if (w.definition(tenant, workflow).isEmpty()) {
      throw new ConfigurationException(
          "tramontane.workflows.triggers."
              + trigger
              + " names workflow '"
              + workflow
              + "', which is not deployed in the trigger's tenant '"
              + tenant
              + "': put it in "
              + dir
              + (tenant.equals(filesTenant)
                  ? ""
                  : " with tramontane.workflows.tenant = \"" + tenant + "\"")
              + ", or deploy it with PUT /workflows/"
              + workflow
              + " and a key of that tenant.");
    }
  }

  /**
   * Validates and deploys a definition of {@code tenant} whose name must be {@code name}; runs
   * already started keep their version. Everything is checked before anything is stored, so a
   * refused definition changes nothing.
   */
  public WorkflowDefinition deploy(String tenant, String name, String source, byte[] yaml) {
    return deployments.deploy(tenant, name, source, yaml);
  }

  /**
   * Deletes the workflow {@code name} of {@code tenant}: it is no longer listed, started, scheduled
   * or started by events; runs in flight finish on their version. Idempotent: true when a version
   * was deployed. A file in the definitions directory is deployed again at the next start.
   */
  public boolean remove(String tenant, String name) {
    return deployments.remove(tenant, name);
  }

  /** The deployed version of {@code name} in {@code tenant}, as known here or as stored. */
  public Optional<WorkflowDefinition> definition(String tenant, String name) {
    return deployments.definition(tenant, name);
  }

  /** The deployed definitions of {@code tenant}, by name. */
  public List<WorkflowDefinition> definitions(String tenant) {
    return deployments.definitions(tenant);
  }

  /**
   * A published platform event: starts each deployed workflow whose {@code schedule.on} it
   * satisfies (once per event: the run is named after the event's source and id), and hands it to
   * the runs of its tenant waiting in a {@code listen}. Completes when the runs are started.
   */
  public CompletionStage<Done> onEvent(PlatformEvent event) {
    ObjectNode cloudEvent = event.toCloudEvent();
    topic.tell(Topic.publish(new WorkflowRunEntity.Notify(event.tenant(), cloudEvent.toString())));
    List<CompletableFuture<?>> started = new ArrayList<>();
    for (WorkflowDefinition d : definitions(event.tenant())) {
      JsonNode on = d.tree().path("schedule").get("on");
      if (on != null && Inbox.satisfies(on, cloudEvent)) {
        if (!inputProblems(d, scheduledInput(event)).isEmpty()) {
          LOG.warn(
              "Event {} from {} does not start {}: it does not match the input.schema",
              event.type(),
              event.source(),
              d.name());
          continue;
        }
        Optional<String> named = eventRunName(event);
        if (named.isEmpty()) {
          LOG.warn(
              "Event {} from {} does not start {}: it ends a chain of {} runs each started by an"
                  + " event the previous one emitted (a workflow triggering itself?)",
              event.type(),
              event.source(),
              d.name(),
              MAX_EVENT_CHAIN);
          continue;
        }
        String runName = named.get();
        LOG.debug(
            "Event {} from {} starts {} run {}", event.type(), event.source(), d.name(), runName);
        started.add(
            start(event.tenant(), d.name(), runName, scheduledInput(event)).toCompletableFuture());
      }
    }
    return CompletableFuture.allOf(started.toArray(CompletableFuture[]::new))
        .thenApply(x -> Done.getInstance());
  }

  /**
   * The input of a run that {@code schedule.on} started: dsl.md "Input of event-driven scheduled
   * workflows": an array of the triggering events (CloudEvents; one event, as {@code schedule.on}
   * is {@code one} or {@code any}), so {@code $workflow.input[0].data} is the event's payload.
   */
  public static JsonNode scheduledInput(PlatformEvent event) {
    return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
        .arrayNode()
        .add(event.toCloudEvent());
  }

  /**
   * What is wrong with {@code input} by the definition's {@code input.schema} (dsl.md "Data Flow").
   */
  private static List<String> inputProblems(WorkflowDefinition d, JsonNode input) {
    return DataSchemas.problems(
        d.tree().path("input").get("schema"),
        input == null
            ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
            : input);
  }

  /** Publishes a CloudEvents JSON object for {@code tenant} (REST {@code POST /events}). */
  public CompletionStage<Boolean> publish(String tenant, JsonNode cloudEvent) {
    try {
      return events.publish(PlatformEvent.fromCloudEvent(tenant, cloudEvent));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Runs started by events that runs emitted, one after the other: at most this many. */
  static final int MAX_EVENT_CHAIN = 16;

  private static final Pattern CHAINED = Pattern.compile("evt(\\d+)-[0-9a-f]{40}");

  /**
   * The name of the run {@code event} starts: {@code evt-<hash>} (once per event source and id) for
   * an event from outside; {@code evt<n>-<hash>} for one a run emitted, n being how many runs in a
   * row were started by events their predecessor emitted. Empty past {@link #MAX_EVENT_CHAIN}: a
   * workflow whose emit satisfies its own {@code schedule.on} stops there instead of looping.
   */
  static Optional<String> eventRunName(PlatformEvent event) {
    String hash = shortHash(event.source() + "\n" + event.id());
    String[] emitter = event.id().split("/", 4);
    if (emitter.length < 4 || !emitter[0].equals(event.tenant())) {
      return Optional.of("evt-" + hash);
    }
    Matcher m = CHAINED.matcher(emitter[2]);
    int depth = (m.matches() ? Integer.parseInt(m.group(1)) : 0) + 1;
    return depth > MAX_EVENT_CHAIN ? Optional.empty() : Optional.of("evt" + depth + "-" + hash);
  }

  /** The first 40 hex digits of the SHA-256 of {@code s}. */
  private static String shortHash(String s) {
    return Sha256.hex(s).substring(0, 40);
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
      List<String> invalid = inputProblems(d, input);
      if (!invalid.isEmpty()) {
        throw new InvalidRequestException(
            "The input does not match the workflow's input.schema: "
                + String.join("; ", invalid)
                + ".");
      }
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
