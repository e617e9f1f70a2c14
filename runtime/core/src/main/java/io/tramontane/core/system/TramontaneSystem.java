package io.tramontane.core.system;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.tramontane.core.ConfigurationException;
import io.tramontane.core.Dispatchers;
import io.tramontane.core.persistence.Database;
import io.tramontane.core.persistence.DatabaseSettings;
import io.tramontane.core.persistence.PersistenceSettings;
import io.tramontane.core.persistence.SchemaInitializer;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ClusterSharding;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.pattern.Patterns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Tramontane node: the typed ActorSystem with cluster, sharding and JDBC persistence, the
 * database it journals to, and the readiness of both. {@link #start(Config)} creates the schema if
 * needed (retrying in the background while the database is down), then joins the cluster: itself
 * when no seed nodes are configured.
 */
public final class TramontaneSystem implements AutoCloseable {

  /** The ActorSystem name; seed-node addresses use it: {@code pekko://tramontane@host:port}. */
  public static final String SYSTEM_NAME = "tramontane";

  private static final Logger LOG = LoggerFactory.getLogger(TramontaneSystem.class);
  private static final Duration SHARDING_CHECK_TIMEOUT = Duration.ofSeconds(3);

  private final ActorSystem<Void> system;
  private final Database database;
  private final PersistenceSettings persistence;
  private volatile boolean schemaReady;
  private volatile String schemaProblem = "not checked yet";
  private volatile Cancellable schemaRetry;
  private final Set<String> registeredRegions = ConcurrentHashMap.newKeySet();

  private TramontaneSystem(
      ActorSystem<Void> system, Database database, PersistenceSettings persistence) {
    this.system = system;
    this.database = database;
    this.persistence = persistence;
  }

  public static TramontaneSystem start(Config config) {
    DatabaseSettings dbSettings = DatabaseSettings.fromConfig(config);
    // tramontane.cluster.seed-nodes wins; pekko.cluster.seed-nodes set directly is honoured too.
    List<String> seeds = config.getStringList("tramontane.cluster.seed-nodes");
    if (seeds.isEmpty() && config.hasPath("pekko.cluster.seed-nodes")) {
      seeds = config.getStringList("pekko.cluster.seed-nodes");
    }
    checkClusterConfig(
        seeds,
        config.getString("tramontane.cluster.host"),
        config.getInt("tramontane.cluster.port"),
        dbSettings.kind());
    Config full = dbSettings.toPekkoConfig().withFallback(config);
    if (!seeds.isEmpty()) {
      full =
          ConfigFactory.empty()
              .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds))
              .withFallback(full);
    }
    Database database = Database.open(dbSettings);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), SYSTEM_NAME, full);
    TramontaneSystem node =
        new TramontaneSystem(system, database, PersistenceSettings.fromConfig(config));
    LOG.info("Journal: {}", dbSettings.describe());
    if (dbSettings.createSchema()) {
      node.ensureSchemaOrRetry();
    } else {
      node.schemaReady = true;
    }
    if (seeds.isEmpty()) {
      Cluster cluster = Cluster.get(system);
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "close-database",
            () -> {
              Cancellable retry = node.schemaRetry;
              if (retry != null) {
                retry.cancel();
              }
              database.close();
              LOG.info(
                  "Node stopped gracefully ({}): left the cluster, handed over its shards.",
                  CoordinatedShutdown.get(system)
                      .getShutdownReason()
                      .map(Object::toString)
                      .orElse("no reason given"));
              return CompletableFuture.completedFuture(Done.getInstance());
            });
    return node;
  }

  /**
   * Refuses seed nodes that cannot work: malformed addresses, a foreign ActorSystem name, and above
   * all a cluster of several nodes on H2. H2 is a file local to one node, while every node of a
   * cluster must journal to the same database (an entity moved to another node must find its events
   * there). A single node may list only itself as seed node on H2.
   */
  static void checkClusterConfig(
      List<String> seeds, String selfHost, int selfPort, DatabaseSettings.Kind kind) {
    List<String> others = new ArrayList<>();
    for (String seed : seeds) {
      Address address;
      try {
        address = AddressFromURIString.parse(seed);
      } catch (Exception e) { // Scala throws MalformedURLException unchecked
        throw new ConfigurationException(
            "tramontane.cluster.seed-nodes: '"
                + seed
                + "' is not a cluster address; write pekko://"
                + SYSTEM_NAME
                + "@host:port, e.g. pekko://"
                + SYSTEM_NAME
                + "@10.0.0.1:25520.");
      }
      if (!SYSTEM_NAME.equals(address.system())
          || address.getHost().isEmpty()
          || address.getPort().isEmpty()) {
        throw new ConfigurationException(
            "tramontane.cluster.seed-nodes: '"
                + seed
                + "' must name the system '"
                + SYSTEM_NAME
                + "', a host and a port: pekko://"
                + SYSTEM_NAME
                + "@host:port.");
      }
      boolean self =
          selfPort != 0
              && address.getPort().get() == selfPort
              && address.getHost().get().equalsIgnoreCase(selfHost);
      if (!self) {
        others.add(seed);
      }
    }
    if (!others.isEmpty() && kind == DatabaseSettings.Kind.H2) {
      throw new ConfigurationException(
          "tramontane.cluster.seed-nodes names other nodes ("
              + String.join(", ", others)
              + "), but the journal is H2. H2 cannot be shared: it is a file local to one node,"
              + " and a cluster needs one journal shared by every node (an entity that moves to"
              + " another node must find its events there). Use PostgreSQL: set"
              + " TRAMONTANE_DB_KIND=postgres with TRAMONTANE_DB_URL, TRAMONTANE_DB_USER and"
              + " TRAMONTANE_DB_PASSWORD (tramontane.database.kind = postgres, url, user,"
              + " password) on every node, or run a single node (empty seed-nodes).");
    }
  }

  private void ensureSchemaOrRetry() {
    if (tryEnsureSchema()) {
      return;
    }
    LOG.warn(
        "The database is not reachable yet ({}); the node stays not-ready and retries every 2 s.",
        schemaProblem);
    schemaRetry =
        system
            .scheduler()
            .scheduleWithFixedDelay(
                Duration.ofSeconds(2),
                Duration.ofSeconds(2),
                () -> {
                  if (!schemaReady && tryEnsureSchema()) {
                    LOG.info("The database is reachable again; schema ready.");
                    schemaRetry.cancel();
                  }
                },
                Dispatchers.blockingIo(system));
  }

  private synchronized boolean tryEnsureSchema() {
    if (schemaReady) {
      return true;
    }
    try {
      SchemaInitializer.ensureSchema(database);
      schemaReady = true;
      schemaProblem = null;
      return true;
    } catch (SQLException | RuntimeException e) {
      schemaProblem = e.getMessage();
      return false;
    }
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public Database database() {
    return database;
  }

  public PersistenceSettings persistence() {
    return persistence;
  }

  /**
   * Checks, off-thread, that this node can take work (the Kubernetes readiness probe): coordinated
   * shutdown has not started (a leaving node is not ready, so traffic drains before it unbinds),
   * the node is Up in the cluster, the schema is in place, the database answers a round trip, and
   * every shard region started on this node has registered with the shard coordinator.
   */
  public CompletionStage<Readiness> readiness() {
    return CompletableFuture.supplyAsync(
        () -> {
          Map<String, String> checks = new LinkedHashMap<>();
          boolean ok = true;
          Optional<CoordinatedShutdown.Reason> leaving =
              CoordinatedShutdown.get(system).getShutdownReason();
          if (leaving.isPresent()) {
            checks.put("shutdown", "leaving the cluster (" + leaving.get() + ")");
            ok = false;
          }
          MemberStatus status = Cluster.get(system).selfMember().status();
          boolean up = status == MemberStatus.up();
          checks.put("cluster", up ? "up" : "member status " + status);
          ok &= up;
          checks.put("schema", schemaReady ? "ready" : "not ready: " + schemaProblem);
          ok &= schemaReady;
          try {
            database.ping();
            checks.put("database", "reachable");
          } catch (SQLException | RuntimeException e) {
            checks.put("database", "unreachable: " + e.getMessage());
            ok = false;
          }
          if (up && leaving.isEmpty()) {
            String waiting = shardRegionsNotRegistered();
            checks.put("sharding", waiting.isEmpty() ? "ready" : "waiting for " + waiting);
            ok &= waiting.isEmpty();
          } else {
            checks.put("sharding", "not ready: the node is not up");
            ok = false;
          }
          return new Readiness(ok, checks);
        },
        Dispatchers.blockingIo(system));
  }

  /**
   * The shard regions (entity types) on this node that have not yet registered with their
   * coordinator, as "name, name"; empty when all have. Like Pekko's ClusterShardingHealthCheck, a
   * region counts once it has registered: a coordinator moving later must not make every node
   * unready at once.
   */
  private String shardRegionsNotRegistered() {
    ClusterSharding sharding = ClusterSharding.get(Adapter.toClassic(system));
    Map<String, CompletableFuture<Boolean>> asks = new TreeMap<>();
    for (String name : sharding.getShardTypeNames()) {
      if (registeredRegions.contains(name)) {
        continue;
      }
      asks.put(
          name,
          Patterns.ask(
                  sharding.shardRegion(name),
                  ShardRegion.GetShardRegionStatus$.MODULE$,
                  SHARDING_CHECK_TIMEOUT)
              .toCompletableFuture()
              .thenApply(
                  answer ->
                      answer instanceof ShardRegion.ShardRegionStatus s
                          && s.registeredWithCoordinator())
              .exceptionally(e -> false));
    }
    List<String> waiting = new ArrayList<>();
    asks.forEach(
        (name, registered) -> {
          if (registered.join()) {
            registeredRegions.add(name);
          } else {
            waiting.add(name);
          }
        });
    return String.join(", ", waiting);
  }

  /** Runs coordinated shutdown (leave the cluster, hand over shards) and waits for it. */
  @Override
  public void close() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }
}
