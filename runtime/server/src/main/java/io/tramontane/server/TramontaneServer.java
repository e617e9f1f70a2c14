package io.tramontane.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tramontane.agents.Agents;
import io.tramontane.connectors.ConnectorKind;
import io.tramontane.connectors.ConnectorResources;
import io.tramontane.connectors.Connectors;
import io.tramontane.connectors.email.ImapKind;
import io.tramontane.connectors.filesystem.FileSystemConnector;
import io.tramontane.connectors.sharepoint.SharePointKind;
import io.tramontane.core.ConfigurationException;
import io.tramontane.core.event.PlatformEvents;
import io.tramontane.core.system.TramontaneSystem;
import io.tramontane.inference.InferenceRuntime;
import io.tramontane.intake.WebhookIntake;
import io.tramontane.intake.feed.DeliveryFeed;
import io.tramontane.intake.signature.TriggerSettings;
import io.tramontane.retrieval.Retrieval;
import io.tramontane.server.http.ApiKeys;
import io.tramontane.server.http.HttpEdge;
import io.tramontane.server.http.NodeModules;
import io.tramontane.server.logging.SecretRedactingFilter;
import io.tramontane.workflows.call.CallHandler;
import io.tramontane.workflows.node.Workflows;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.remote.RemoteTransportException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Tramontane node with its HTTP edge. Configuration (API keys, triggers) is validated
 * before anything starts, so a mistake stops the process with one clear message.
 */
public final class TramontaneServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TramontaneServer.class);

  private final NodeModules modules;
  private final HttpEdge edge;
  private final ServerBinding binding;
  private final DataDirLock lock;

  private TramontaneServer(
      NodeModules modules, HttpEdge edge, ServerBinding binding, DataDirLock lock) {
    this.modules = modules;
    this.edge = edge;
    this.binding = binding;
    this.lock = lock;
  }

  public static TramontaneServer start(Config config) {
    return start(config, System::getenv, Clock.systemUTC());
  }

  public static TramontaneServer start(Config config, Function<String, String> env, Clock clock) {
    SecretRedactingFilter.install();
    ApiKeys apiKeys = ApiKeys.fromConfig(config, env);
    Map<String, TriggerSettings> triggers = TriggerSettings.allFromConfig(config, env, clock);
    String host = config.getString("tramontane.server.host");
    int port = config.getInt("tramontane.server.port");
    Duration shutdown = config.getDuration("tramontane.server.shutdown-timeout");
    // In-flight requests get shutdown-timeout in the service-requests-done phase of coordinated
    // shutdown; that phase's own timeout (Pekko: 5 s) must not cut them off earlier.
    config = withRequestsDonePhaseTimeout(config, shutdown);
    DataDirLock lock =
        DataDirLock.acquire(
            Path.of(config.getString("tramontane.data-dir")),
            "serve",
            holder ->
                "serve".equals(holder.command())
                    ? "stop it first, or give this one another --data-dir (and other ports)."
                    : "wait for it to finish, or give this server another --data-dir.");
    try {
      // Both ports are tried before anything starts: a clash is one line at once, not a stack
      // trace after the model has loaded.
      checkPortFree(
          "the cluster port ",
          config.getString("tramontane.cluster.host"),
          config.getInt("tramontane.cluster.port"),
          CLUSTER_PORT_HINT);
      checkPortFree("", host, port, HTTP_PORT_HINT);
      TramontaneServer server = start(config, env, clock, apiKeys, triggers, lock);
      server.node().system().getWhenTerminated().thenRun(lock::close);
      return server;
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  private static TramontaneServer start(
      Config config,
      Function<String, String> env,
      Clock clock,
      ApiKeys apiKeys,
      Map<String, TriggerSettings> triggers,
      DataDirLock lock) {
    String host = config.getString("tramontane.server.host");
    int port = config.getInt("tramontane.server.port");
    Duration shutdown = config.getDuration("tramontane.server.shutdown-timeout");
    String clusterHost = config.getString("tramontane.cluster.host");
    int clusterPort = config.getInt("tramontane.cluster.port");
    NodeStart started =
        NodeStart.start(config, e -> clusterBindFailure(e, clusterHost, clusterPort).orElse(e));
    TramontaneSystem node = started.node();
    InferenceRuntime inference = started.inference();
    try {
      Retrieval retrieval = Retrieval.start(node, inference, config);
      PlatformEvents events = PlatformEvents.start(node);
      // Connector instances start syncing now; their tools are registered before the agent
      // definitions are read, so a definition may name them.
      Connectors connectors =
          Connectors.start(
              new ConnectorResources(node, new RetrievalIngestion(retrieval), events, env, clock),
              config,
              kinds());
      Agents agents =
          Agents.start(node, SearchRetrievers.of(retrieval), config, connectors.tools());
      // Workflows know neither agents nor retrieval: `call: agent` and `call: retrieve` are
      // handlers given here.
      Workflows workflows = Workflows.start(node, workflowCalls(agents, retrieval), events, config);
      // Projections commit and parser workers stop before the actor system goes; the model last.
      CoordinatedShutdown.get(node.system())
          .addTask(
              CoordinatedShutdown.PhaseServiceStop(),
              "stop-retrieval",
              () ->
                  CompletableFuture.supplyAsync(
                      () -> {
                        agents.close();
                        retrieval.close();
                        inference.close();
                        return Done.getInstance();
                      }));
      WebhookIntake intake = WebhookIntake.start(node, config, triggers, clock);
      // Each accepted delivery starts the workflow bound to its trigger, once (idempotent run
      // name).
      new DeliveryFeed(node.system(), node.database())
          .subscribeClusterWide(
              "workflows",
              (tx, d) ->
                  workflows
                      .onDelivery(d.trigger(), d.tenant(), d.deliveryId(), d.payload())
                      .ifPresent(run -> run.toCompletableFuture().join()));
      NodeModules modules =
          new NodeModules(node, inference, intake, retrieval, agents, workflows, connectors);
      HttpEdge edge = new HttpEdge(modules, apiKeys);
      ServerBinding binding;
      try {
        binding =
            Http.get(node.system())
                .newServerAt(host, port)
                .bind(edge.route())
                .toCompletableFuture()
                .join()
                .addToCoordinatedShutdown(shutdown, node.system());
      } catch (CompletionException e) {
        throw new ConfigurationException(
            "Cannot listen on "
                + host
                + ":"
                + port
                + " ("
                + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage())
                + "); "
                + HTTP_PORT_HINT,
            e);
      }
      InetSocketAddress local = binding.localAddress();
      lock.announce(url(local));
      LOG.info(
          "Tramontane listening on http://{}:{} ({} trigger(s), {} API key(s))",
          local.getHostString(),
          local.getPort(),
          triggers.size(),
          apiKeys.isEmpty() ? "no" : "some");
      if (apiKeys.isEmpty()) {
        LOG.warn(
            "No API keys are configured (tramontane.server.api-keys): every authenticated route"
                + " answers 401.");
      }
      LOG.info("Inference: {}", inference.deviceNote());
      return new TramontaneServer(modules, edge, binding, lock);
    } catch (RuntimeException e) {
      started.close();
      throw e;
    }
  }

  /** What workflows' {@code call: agent} and {@code call: retrieve} do on this node. */
  public static List<CallHandler> workflowCalls(Agents agents, Retrieval retrieval) {
    return List.of(new AgentCall(agents), new RetrieveCall(retrieval));
  }

  private static final String HTTP_PORT_HINT =
      "is another process using the port? Choose another with --port or TRAMONTANE_HTTP_PORT"
          + " (tramontane.server.port).";
  private static final String CLUSTER_PORT_HINT =
      "is another Tramontane node using it? Choose another with --cluster-port or"
          + " TRAMONTANE_CLUSTER_PORT (tramontane.cluster.port; 0 picks a free port).";

  /** Binds {@code host:port} for a moment; a port in use stops the start with one line. */
  static void checkPortFree(String what, String host, int port, String hint) {
    if (port == 0) {
      return;
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(host, port));
    } catch (BindException e) {
      throw new ConfigurationException(
          "Cannot listen on " + what + host + ":" + port + " (" + e.getMessage() + "); " + hint, e);
    } catch (IOException e) {
      // Not a clash (e.g. an address this host does not have): let the real bind report it.
    }
  }

  /** The cluster transport failed to bind (a port taken between the check and the bind). */
  private static Optional<RuntimeException> clusterBindFailure(
      Throwable failure, String host, int port) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof BindException
          || t instanceof RemoteTransportException && t.getMessage().contains("bind")) {
        return Optional.of(
            new ConfigurationException(
                "Cannot listen on the cluster port "
                    + host
                    + ":"
                    + port
                    + " (address already in use); "
                    + CLUSTER_PORT_HINT,
                failure));
      }
    }
    return Optional.empty();
  }

  static Config withRequestsDonePhaseTimeout(Config config, Duration shutdown) {
    String key = "pekko.coordinated-shutdown.phases.service-requests-done.timeout";
    Duration phase = config.hasPath(key) ? config.getDuration(key) : Duration.ZERO;
    Duration needed = shutdown.plusSeconds(1);
    if (phase.compareTo(needed) >= 0) {
      return config;
    }
    return ConfigFactory.parseMap(Map.of(key, needed.toMillis() + "ms"), "shutdown-timeout")
        .withFallback(config);
  }

  /** The connector kinds this distribution ships. */
  static List<ConnectorKind> kinds() {
    return List.of(new FileSystemConnector(), new ImapKind(), new SharePointKind());
  }

  public int port() {
    return binding.localAddress().getPort();
  }

  public TramontaneSystem node() {
    return modules.node();
  }

  public Workflows workflows() {
    return modules.workflows();
  }

  /** What this node runs: the actor system and every module started on it. */
  public NodeModules modules() {
    return modules;
  }

  public HttpEdge edge() {
    return edge;
  }

  /** The ordered stream of accepted deliveries, for consumers such as workflows. */
  public DeliveryFeed deliveryFeed() {
    return new DeliveryFeed(node().system(), node().database());
  }

  /** Graceful stop: unbind, finish in-flight requests, leave the cluster. */
  @Override
  public void close() {
    modules.node().close();
    lock.close();
  }

  /** The URL a client on this machine reaches the server at. */
  static String url(InetSocketAddress local) {
    String host = local.getHostString();
    if (local.getAddress() != null && local.getAddress().isAnyLocalAddress()) {
      host = "127.0.0.1";
    } else if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + local.getPort();
  }
}
