package io.tramontane.server.cli;

import com.typesafe.config.Config;
import io.tramontane.core.ConfigurationException;
import io.tramontane.server.TramontaneServer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tramontane serve}: run a node until SIGTERM/SIGINT, then shut down gracefully. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Start a Tramontane node: the HTTP API, webhook intake and the cluster member.",
      "Stops gracefully on SIGTERM or Ctrl-C (shards hand over, in-flight requests finish)."
    })
final class ServeCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Mixin ConfigOptions options;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      converter = Port.class,
      description = "HTTP port (tramontane.server.port, env TRAMONTANE_HTTP_PORT).")
  Integer port;

  @Option(
      names = "--cluster-port",
      paramLabel = "PORT",
      converter = Port.class,
      description =
          "Cluster (Artery) port (tramontane.cluster.port, env TRAMONTANE_CLUSTER_PORT, default"
              + " 25520); 0 picks a free one. Each node on a machine needs its own.")
  Integer clusterPort;

  @Override
  public Integer call() {
    Map<String, Object> extra = new HashMap<>();
    if (clusterPort != null) {
      extra.put("tramontane.cluster.port", clusterPort);
    }
    if (port != null) {
      extra.put("tramontane.server.port", port);
    }
    Config config = options.load(extra);
    checkPort(config, "tramontane.server.port");
    checkPort(config, "tramontane.cluster.port");
    TramontaneServer server = TramontaneServer.start(config);
    server.node().system().getWhenTerminated().toCompletableFuture().join();
    return exitCode(
        CoordinatedShutdown.get(server.node().system())
            .getShutdownReason()
            .orElse(CoordinatedShutdown.unknownReason()));
  }

  /** A port from the configuration file or the environment, checked before anything starts. */
  static void checkPort(Config config, String key) {
    int port = config.getInt(key);
    if (port < 0 || port > 65535) {
      throw new ConfigurationException(
          key
              + " is "
              + port
              + " (set in "
              + ErrorLine.where(config.getValue(key).origin())
              + "); "
              + Port.RANGE
              + ".");
    }
  }

  /**
   * 0 after a requested stop (SIGTERM, Ctrl-C); 1 when the cluster stopped the node (downed by the
   * split brain resolver, no seed node reachable, incompatible configuration), so a supervisor that
   * restarts on failure (systemd Restart=on-failure) brings it back.
   */
  static int exitCode(CoordinatedShutdown.Reason reason) {
    if (reason.equals(CoordinatedShutdown.clusterDowningReason())
        || reason.equals(CoordinatedShutdown.clusterJoinUnsuccessfulReason())
        || reason.equals(CoordinatedShutdown.incompatibleConfigurationDetectedReason())) {
      LOG.error("The cluster stopped this node ({}); exiting with status 1.", reason);
      return 1;
    }
    return 0;
  }
}
