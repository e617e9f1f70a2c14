package io.tramontane.server.cli;

import io.tramontane.server.TramontaneServer;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code tramontane serve}: run a node until SIGTERM/SIGINT, then shut down gracefully. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Start a Tramontane node: the HTTP API, webhook intake and the cluster member.",
      "Stops gracefully on SIGTERM or Ctrl-C (shards hand over, in-flight requests finish)."
    })
final class ServeCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;

  @Override
  public Integer call() {
    TramontaneServer server = TramontaneServer.start(options.load(Map.of()));
    server.node().system().getWhenTerminated().toCompletableFuture().join();
    return 0;
  }
}
