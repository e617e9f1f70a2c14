package io.tramontane.connectors;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.tramontane.agents.tool.Tool;
import io.tramontane.core.ConfigurationException;
import io.tramontane.core.InvalidRequestException;
import io.tramontane.retrieval.ingest.SourceDocument;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connectors of a node: every instance declared under {@code tramontane.connectors.<name>},
 * each run by its {@link ConnectorSyncEntity}, and the tools they offer agents. Instances are
 * managed by name; they belong to their settings' tenant (the edge hides other tenants').
 */
public final class Connectors {

  private static final Logger LOG = LoggerFactory.getLogger(Connectors.class);
  private static final Duration ASK = Duration.ofSeconds(30);
  static final String PATH = "tramontane.connectors";

  private final ActorSystem<?> system;
  private final Map<String, ConnectorSyncEntity.Instance> instances;
  private final Map<String, ConnectorKind> kinds;
  private final List<Tool> tools;

  private Connectors(
      ActorSystem<?> system,
      Map<String, ConnectorSyncEntity.Instance> instances,
      Map<String, ConnectorKind> kinds,
      List<Tool> tools) {
    this.system = system;
    this.instances = instances;
    this.kinds = kinds;
    this.tools = tools;
  }

  /** Instance {@code name}'s change-notification endpoint, when its kind has one. */
  public Optional<Notifications> notifications(String name) {
    return find(name).flatMap(s -> kinds.get(s.kind()).notifications(name));
  }

  /**
   * Reads every instance block, builds its source with its kind, and starts the sync entities (and
   * so their watches and first passes). A block naming an unknown kind, or bad settings, is a
   * {@link ConfigurationException} naming the key.
   */
  public static Connectors start(
      ConnectorResources resources, Config config, List<ConnectorKind> kinds) {
    Map<String, ConnectorKind> byKind = new TreeMap<>();
    for (ConnectorKind k : kinds) {
      if (byKind.put(k.kind(), k) != null) {
        throw new IllegalArgumentException("two connector kinds are named '" + k.kind() + "'");
      }
    }
    Map<String, ConnectorSyncEntity.Instance> instances = new LinkedHashMap<>();
    List<Tool> tools = new ArrayList<>();
    ConfigObject blocks = config.hasPath(PATH) ? config.getObject(PATH) : null;
    for (String name : blocks == null ? List.<String>of() : new TreeMap<>(blocks).keySet()) {
      ConfigValue value = blocks.get(name);
      if (value.valueType() != ConfigValueType.OBJECT) {
        throw new ConfigurationException(
            PATH
                + "."
                + name
                + " must be a block, e.g. "
                + name
                + " { kind = filesystem, collection = docs, path = /srv/docs }.");
      }
      ConnectorSettings settings =
          ConnectorSettings.fromConfig(name, ((ConfigObject) value).toConfig(), config);
      ConnectorKind kind = byKind.get(settings.kind());
      if (kind == null) {
        throw new ConfigurationException(
            PATH
                + "."
                + name
                + ".kind = '"
                + settings.kind()
                + "' is not a known connector kind; known: "
                + String.join(", ", byKind.keySet())
                + ".");
      }
      checkName(name, "tenant", settings.tenant());
      checkName(name, "collection", settings.collection());
      SyncSource source = kind.source(settings, resources);
      tools.addAll(kind.tools(settings, resources));
      instances.put(name, new ConnectorSyncEntity.Instance(settings, source, resources));
    }
    ActorSystem<?> system = resources.node().system();
    ConnectorSyncEntity.init(
        system,
        new ConnectorSyncEntity.Runtime(
            name -> Optional.ofNullable(instances.get(name)),
            resources.node().persistence(),
            resources.clock()));
    Connectors connectors = new Connectors(system, instances, byKind, List.copyOf(tools));
    for (String name : instances.keySet()) {
      connectors.entity(name).tell(new ConnectorSyncEntity.Activate());
    }
    if (!instances.isEmpty()) {
      LOG.info("Connectors: {}", instances.keySet());
    }
    return connectors;
  }

  private static void checkName(String name, String key, String value) {
    try {
      SourceDocument.checkName(key, value);
    } catch (InvalidRequestException e) {
      throw new ConfigurationException(PATH + "." + name + "." + key + ": " + e.getMessage());
    }
  }

  /** Every instance's settings, by name. */
  public List<ConnectorSettings> list() {
    return instances.values().stream().map(ConnectorSyncEntity.Instance::settings).toList();
  }

  /** An instance's settings. */
  public Optional<ConnectorSettings> find(String name) {
    return Optional.ofNullable(instances.get(name)).map(ConnectorSyncEntity.Instance::settings);
  }

  public CompletionStage<ConnectorStatus> status(String name) {
    return ask(name, ConnectorSyncEntity.GetStatus::new);
  }

  /** Runs a pass now, or right after the running one; refused (an error reply) while paused. */
  public CompletionStage<Done> syncNow(String name) {
    return ask(name, ConnectorSyncEntity.SyncNow::new);
  }

  /** Stops the running pass at its next safe point and closes the watch, until resumed. */
  public CompletionStage<Done> pause(String name) {
    return ask(name, ConnectorSyncEntity.Pause::new);
  }

  public CompletionStage<Done> resume(String name) {
    return ask(name, ConnectorSyncEntity.Resume::new);
  }

  /** The tools every instance offers agents. */
  public List<Tool> tools() {
    return tools;
  }

  private <T> CompletionStage<T> ask(
      String name,
      java.util.function.Function<
              org.apache.pekko.actor.typed.ActorRef<org.apache.pekko.pattern.StatusReply<T>>,
              ConnectorSyncEntity.Command>
          command) {
    if (!instances.containsKey(name)) {
      return CompletableFuture.failedFuture(
          new InvalidRequestException(
              "there is no connector named '"
                  + name
                  + "'; configured: "
                  + instances.keySet()
                  + " ("
                  + PATH
                  + ")."));
    }
    return entity(name).askWithStatus(command::apply, ASK);
  }

  private EntityRef<ConnectorSyncEntity.Command> entity(String name) {
    return ClusterSharding.get(system).entityRefFor(ConnectorSyncEntity.ENTITY_KEY, name);
  }
}
