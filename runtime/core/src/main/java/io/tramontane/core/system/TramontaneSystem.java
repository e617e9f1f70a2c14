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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
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

  private final ActorSystem<Void> system;
  private final Database database;
  private final PersistenceSettings persistence;
  private volatile boolean schemaReady;
  private volatile String schemaProblem = "not checked yet";
  private volatile Cancellable schemaRetry;

  private TramontaneSystem(
      ActorSystem<Void> system, Database database, PersistenceSettings persistence) {
    this.system = system;
    this.database = database;
    this.persistence = persistence;
  }

  public static TramontaneSystem start(Config config) {
    DatabaseSettings dbSettings = DatabaseSettings.fromConfig(config);
    List<String> seeds = config.getStringList("tramontane.cluster.seed-nodes");
    if (seeds.size() > 1 && dbSettings.kind() == DatabaseSettings.Kind.H2) {
      throw new ConfigurationException(
          "A cluster of several nodes needs a shared journal, and H2 cannot be shared: set"
              + " tramontane.database.kind = postgres (env TRAMONTANE_DB_KIND=postgres) or remove"
              + " tramontane.cluster.seed-nodes.");
    }
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

  /** Checks the cluster membership, the schema and a live database round trip, off-thread. */
  public CompletionStage<Readiness> readiness() {
    return CompletableFuture.supplyAsync(
        () -> {
          Map<String, String> checks = new LinkedHashMap<>();
          boolean ok = true;
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
          return new Readiness(ok, checks);
        },
        Dispatchers.blockingIo(system));
  }

  /** Runs coordinated shutdown (leave the cluster, hand over shards) and waits for it. */
  @Override
  public void close() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }
}
