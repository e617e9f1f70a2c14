package io.tramontane.server.cli;

import com.typesafe.config.Config;
import io.tramontane.agents.Agents;
import io.tramontane.core.ConfigurationException;
import io.tramontane.core.system.Readiness;
import io.tramontane.core.system.TramontaneSystem;
import io.tramontane.inference.InferenceRuntime;
import io.tramontane.retrieval.Retrieval;
import io.tramontane.server.DataDirLock;
import io.tramontane.server.NodeStart;
import io.tramontane.server.SearchRetrievers;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * A node without the HTTP edge, for the commands that write to the document log ({@code ingest},
 * {@code reindex}). It refuses to start when the journal is not usable — typically because a server
 * already holds the embedded database — instead of waiting for it.
 */
final class RetrievalNode implements AutoCloseable {

  private final NodeStart started;
  private final Retrieval retrieval;
  private final Config config;
  private final DataDirLock lock;
  private Agents agents;

  private RetrievalNode(NodeStart started, Retrieval retrieval, Config config, DataDirLock lock) {
    this.started = started;
    this.retrieval = retrieval;
    this.config = config;
    this.lock = lock;
  }

  /** The cluster port is 0 so the command can run beside a server on the same machine. */
  static Map<String, Object> overrides() {
    return Map.of(
        "tramontane.cluster.port", 0, "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
  }

  /**
   * Starts the node for {@code command} once the data directory is this process's: beside a running
   * server (or another offline command) it stops at once with one line saying what to do instead.
   */
  static RetrievalNode start(Config config, String command, PrintWriter err) {
    DataDirLock lock =
        DataDirLock.acquire(
            Path.of(config.getString("tramontane.data-dir")),
            command,
            holder -> advice(command, holder));
    // After the lock: beside a running server the refusal stays the only line.
    starting(err, command, config, "starting the local node and the embedding model");
    try {
      return start(config, lock);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /**
   * One line on stderr before the seconds a local node takes to start, so the user knows what is
   * happening (stdout stays the command's output).
   */
  static void starting(PrintWriter err, String command, Config config, String what) {
    err.println(
        "tramontane "
            + command
            + ": opening "
            + config.getString("tramontane.data-dir")
            + ", "
            + what
            + "...");
    err.flush();
  }

  /** What to do instead of running {@code command} while {@code holder} has the data directory. */
  static String advice(String command, DataDirLock.Holder holder) {
    if (!"serve".equals(holder.command())) {
      return "wait for it to finish.";
    }
    String api = holder.url().orElse("its REST API");
    return switch (command) {
      case "ingest" ->
          "send the documents to it instead: PUT "
              + api
              + "/collections/{collection}/documents?id=…&public=true (or stop it first).";
      case "ask" ->
          "ask it instead: POST "
              + api
              + "/agents/{agent}/sessions/{session}/messages (or stop it first).";
      case "run" ->
          "run the workflow there instead: PUT "
              + api
              + "/workflows/{workflow}, then POST "
              + api
              + "/workflows/{workflow}/runs/{run} (or stop it first).";
      default ->
          "stop it first ("
              + command
              + " needs the embedded database and the index to itself; the server at "
              + api
              + " answers over HTTP meanwhile).";
    };
  }

  private static RetrievalNode start(Config config, DataDirLock lock) {
    NodeStart started = NodeStart.start(config, e -> e);
    try {
      Readiness ready = awaitReady(started.node());
      if (!ready.ready()) {
        throw new ConfigurationException(
            "the journal database is not usable ("
                + ready.checks()
                + "). If a Tramontane server is running on this data directory, send documents"
                + " through its REST API (PUT /collections/{c}/documents) or stop it first.");
      }
      return new RetrievalNode(
          started, Retrieval.start(started.node(), started.inference(), config), config, lock);
    } catch (RuntimeException e) {
      started.close();
      throw e;
    }
  }

  private static Readiness awaitReady(TramontaneSystem node) {
    Readiness last = null;
    for (int i = 0; i < 50; i++) {
      last = node.readiness().toCompletableFuture().join();
      if (last.ready()) {
        return last;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return last;
      }
    }
    return last;
  }

  /** The configuration the node was started with. */
  Config config() {
    return config;
  }

  Retrieval retrieval() {
    return retrieval;
  }

  InferenceRuntime inference() {
    return started.inference();
  }

  /** Agents on this node, started on first use. */
  synchronized Agents agents() {
    if (agents == null) {
      agents = Agents.start(started.node(), SearchRetrievers.of(retrieval), config);
    }
    return agents;
  }

  @Override
  public void close() {
    if (agents != null) {
      agents.close();
    }
    retrieval.close();
    started.close();
    lock.close();
  }
}
