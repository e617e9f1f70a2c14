package io.tramontane.server.testing;

import io.tramontane.core.system.TramontaneSystem;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * N real Tramontane servers ({@link ServerProcess}, one JVM each) on 127.0.0.1 forming one Pekko
 * cluster over one shared journal (the same PostgreSQL schema): each node has its own HTTP port,
 * cluster port, work directory ({@code <dir>/node-<i>}: {@code server.conf}, {@code server.log})
 * and data directory (local indexes). Every node lists every node as a seed, in the same order, so
 * the first node forms the cluster and any live node lets a restarted one rejoin. Nodes are
 * numbered from 1.
 */
public final class ServerCluster implements AutoCloseable {

  private final List<ServerProcess> nodes;
  private final List<Integer> clusterPorts;
  private final List<String> seedNodes;

  private ServerCluster(
      List<ServerProcess> nodes, List<Integer> clusterPorts, List<String> seedNodes) {
    this.nodes = nodes;
    this.clusterPorts = clusterPorts;
    this.seedNodes = seedNodes;
  }

  /**
   * Prepares (does not start) {@code size} nodes on {@code db}, which must be PostgreSQL (H2 cannot
   * be shared), with {@code extra} configuration on every node.
   */
  public static ServerCluster create(Path dir, TestDatabase db, int size, Map<String, Object> extra)
      throws IOException {
    List<Placement> placements = new ArrayList<>();
    for (int i = 1; i <= size; i++) {
      placements.add(Placement.LOOPBACK);
    }
    return create(dir, db, placements, extra);
  }

  /**
   * Where a node runs: the address its cluster port listens on, the one its HTTP port listens on,
   * the JDBC URL it reaches the database by (null: the shared database's), and a prefix for its
   * JVM's command line (e.g. {@code ip netns exec <ns>}: another network namespace).
   */
  public record Placement(String host, String httpHost, String databaseUrl, List<String> prefix) {
    public static final Placement LOOPBACK =
        new Placement("127.0.0.1", "127.0.0.1", null, List.of());
  }

  /**
   * Like {@link #create(Path, TestDatabase, int, Map)}, node i placed as {@code placements[i-1]}.
   */
  public static ServerCluster create(
      Path dir, TestDatabase db, List<Placement> placements, Map<String, Object> extra)
      throws IOException {
    if (!db.kind().equals("postgres")) {
      throw new IllegalArgumentException("a cluster needs a shared journal: PostgreSQL");
    }
    int size = placements.size();
    List<Integer> ports = freePorts(size);
    List<String> seeds = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      seeds.add(seedAddress(placements.get(i).host(), ports.get(i)));
    }
    List<ServerProcess> nodes = new ArrayList<>();
    for (int i = 1; i <= size; i++) {
      Placement at = placements.get(i - 1);
      Path nodeDir = Files.createDirectories(dir.resolve("node-" + i));
      TestDatabase shared =
          new TestDatabase(
              db.kind(),
              at.databaseUrl() == null ? db.url() : at.databaseUrl(),
              db.user(),
              db.password(),
              nodeDir.resolve("data"));
      Map<String, Object> config = new HashMap<>(extra);
      config.put("tramontane.cluster.seed-nodes", seeds);
      nodes.add(
          new ServerProcess(
              nodeDir,
              shared,
              config,
              Map.of(
                  "TRAMONTANE_CLUSTER_HOST",
                  at.host(),
                  "TRAMONTANE_CLUSTER_PORT",
                  Integer.toString(ports.get(i - 1))),
              at.prefix(),
              at.httpHost()));
    }
    return new ServerCluster(List.copyOf(nodes), List.copyOf(ports), List.copyOf(seeds));
  }

  /** {@code pekko://tramontane@127.0.0.1:<port>}: the address a node on that port has. */
  public static String seedAddress(int clusterPort) {
    return seedAddress("127.0.0.1", clusterPort);
  }

  /** {@code pekko://tramontane@<host>:<port>}. */
  public static String seedAddress(String host, int clusterPort) {
    return "pekko://" + TramontaneSystem.SYSTEM_NAME + "@" + host + ":" + clusterPort;
  }

  private static List<Integer> freePorts(int n) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0);
        held.add(s);
        ports.add(s.getLocalPort());
      }
      return ports;
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }

  public int size() {
    return nodes.size();
  }

  /** Node {@code i}, from 1. */
  public ServerProcess node(int i) {
    return nodes.get(i - 1);
  }

  public List<ServerProcess> nodes() {
    return nodes;
  }

  /** The nodes whose JVM is running. */
  public List<ServerProcess> alive() {
    return nodes.stream().filter(ServerProcess::isAlive).toList();
  }

  public int clusterPort(int i) {
    return clusterPorts.get(i - 1);
  }

  public List<String> seedNodes() {
    return seedNodes;
  }

  /**
   * Starts every node's JVM at once, then waits until each answers {@code GET /ready} (its member
   * is Up, the journal reachable). Returns how long that took.
   */
  public Duration startAll(Duration timeout) throws Exception {
    long t0 = System.nanoTime();
    for (ServerProcess n : nodes) {
      n.start();
    }
    try (ExecutorService ready = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> waits = new ArrayList<>();
      for (ServerProcess n : nodes) {
        waits.add(
            ready.submit(
                () -> {
                  n.awaitReady(timeout);
                  return null;
                }));
      }
      for (Future<?> w : waits) {
        try {
          w.get();
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof Error err) {
            throw err;
          }
          throw e;
        }
      }
    }
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  /** Starts node {@code i} again (same ports, same directories) and waits until it is ready. */
  public Duration restart(int i, Duration timeout) throws Exception {
    long t0 = System.nanoTime();
    node(i).start();
    node(i).awaitReady(timeout);
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  /** SIGKILL to node {@code i}. */
  public void kill(int i) throws InterruptedException {
    node(i).kill();
  }

  /** The last lines of every node's log, for a failure message. */
  public String logTails() {
    StringBuilder b = new StringBuilder();
    for (int i = 1; i <= nodes.size(); i++) {
      b.append("\n===== node ").append(i).append(" =====\n").append(node(i).logTail());
    }
    return b.toString();
  }

  @Override
  public void close() throws InterruptedException {
    for (ServerProcess n : nodes) {
      n.close();
    }
  }
}
