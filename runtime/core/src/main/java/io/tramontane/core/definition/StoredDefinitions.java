package io.tramontane.core.definition;

import com.typesafe.config.Config;
import io.tramontane.core.CborSerializable;
import io.tramontane.core.ConfigurationException;
import io.tramontane.core.UnavailableException;
import io.tramontane.core.persistence.PersistenceSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stored definitions of one kind (agents, workflows), each belonging to a tenant: written
 * through a sharded, event-sourced {@link DefinitionEntity} per {@code <tenant>/<name>} (one writer
 * in the cluster), read from the journal, and announced cluster-wide after every change so each
 * node re-reads it. The same name in two tenants is two definitions; nothing here reads across
 * tenants except {@link #keys()}, which a node uses at start to load every tenant's definitions.
 */
public final class StoredDefinitions {

  private static final Logger LOG = LoggerFactory.getLogger(StoredDefinitions.class);
  private static final Pattern PART = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Duration ASK = Duration.ofSeconds(30);

  /** A definition's identity: its tenant and name. Also what a change announces. */
  public record Key(String tenant, String name) implements CborSerializable {

    public Key {
      if (!validTenant(tenant) || !valid(name)) {
        throw new IllegalArgumentException("not a definition key: " + tenant + "/" + name);
      }
    }

    String entityId() {
      return tenant + "/" + name;
    }
  }

  /** One stored version: its content hash, where it came from, its text. */
  public record Version(String hash, String source, String text) {}

  /**
   * What is stored for one definition: the deployed version's hash (null when none is: never
   * deployed, or removed), every version ever deployed by hash, and the journal sequence number
   * this was read at (a later read of the same definition has a higher or equal one).
   */
  public record Stored(Key key, String current, Map<String, Version> versions, long seqNr) {

    /** The deployed version, if one is. */
    public Optional<Version> deployed() {
      return current == null ? Optional.empty() : Optional.ofNullable(versions.get(current));
    }
  }

  private final ActorSystem<?> system;
  private final EntityTypeKey<DefinitionEntity.Command> type;
  private final ActorRef<Topic.Command<Key>> topic;
  private final List<Consumer<Key>> listeners = new CopyOnWriteArrayList<>();

  private StoredDefinitions(
      ActorSystem<?> system,
      EntityTypeKey<DefinitionEntity.Command> type,
      ActorRef<Topic.Command<Key>> topic) {
    this.system = system;
    this.type = type;
    this.topic = topic;
  }

  /**
   * Registers the entities of {@code kind} (the journal's entity type, e.g. {@code
   * AgentDefinition}) with sharding and subscribes this node to the kind's announcements.
   */
  public static StoredDefinitions start(
      ActorSystem<?> system, PersistenceSettings persistence, String kind) {
    EntityTypeKey<DefinitionEntity.Command> type =
        EntityTypeKey.create(DefinitionEntity.Command.class, kind);
    ClusterSharding.get(system)
        .init(
            Entity.of(type, ctx -> DefinitionEntity.create(type, ctx.getEntityId(), persistence)));
    String topicName = "definitions-" + kind;
    ActorRef<Topic.Command<Key>> topic =
        system.systemActorOf(Topic.create(Key.class, topicName), topicName, Props.empty());
    StoredDefinitions stored = new StoredDefinitions(system, type, topic);
    system.systemActorOf(stored.listener(), topicName + "-listener", Props.empty());
    return stored;
  }

  /**
   * True when {@code s} can be a definition name here: 1-128 letters, digits, '.', '_', ':', '-'.
   */
  public static boolean valid(String s) {
    return s != null && PART.matcher(s).matches();
  }

  /** True when {@code s} can be a tenant here: 1-128 characters, not blank, no '/'. */
  public static boolean validTenant(String s) {
    return s != null && !s.isBlank() && s.length() <= 128 && s.indexOf('/') < 0;
  }

  /**
   * The tenant a definitions directory belongs to, read at {@code key} ({@code
   * tramontane.agents.tenant}, {@code tramontane.workflows.tenant}).
   *
   * @throws ConfigurationException naming {@code key} when it is not a tenant name
   */
  public static String filesTenant(Config config, String key) {
    String tenant = config.getString(key);
    if (!validTenant(tenant)) {
      throw new ConfigurationException(
          key + " must be a tenant name (1-128 characters, no '/'), not '" + tenant + "'.");
    }
    return tenant;
  }

  /**
   * Calls {@code listener} with every definition changed anywhere in the cluster (this node too).
   */
  public void onChange(Consumer<Key> listener) {
    listeners.add(listener);
  }

  private Behavior<Key> listener() {
    return Behaviors.setup(
        ctx -> {
          topic.tell(Topic.subscribe(ctx.getSelf()));
          return Behaviors.receiveMessage(
              key -> {
                for (Consumer<Key> l : listeners) {
                  try {
                    l.accept(key);
                  } catch (RuntimeException e) {
                    LOG.warn("Definition {}: change not applied: {}", key, e.toString());
                  }
                }
                return Behaviors.same();
              });
        });
  }

  private EntityRef<DefinitionEntity.Command> entity(Key key) {
    return ClusterSharding.get(system).entityRefFor(type, key.entityId());
  }

  /** Stores {@code text} as the deployed version of {@code key}; completes once it is durable. */
  public CompletionStage<Done> deploy(Key key, String hash, String source, String text) {
    return entity(key)
        .<Done>askWithStatus(r -> new DefinitionEntity.Deploy(hash, source, text, r), ASK)
        .thenApply(
            done -> {
              topic.tell(Topic.publish(key));
              return done;
            });
  }

  /**
   * Undeploys {@code key} (its versions stay readable); completes with whether a version was
   * deployed. Removing what is not deployed changes nothing.
   */
  public CompletionStage<Boolean> remove(Key key) {
    return entity(key)
        .<Boolean>askWithStatus(DefinitionEntity.Remove::new, ASK)
        .thenApply(
            removed -> {
              if (removed) {
                topic.tell(Topic.publish(key));
              }
              return removed;
            });
  }

  /**
   * {@link #remove}, waited for: whether a version was deployed. A store that does not answer is an
   * {@link UnavailableException} (503, retry), and nothing was removed.
   */
  public boolean removeNow(Key key) {
    try {
      return remove(key).toCompletableFuture().join();
    } catch (CompletionException e) {
      throw new UnavailableException(
          "the definition could not be deleted (" + e.getCause().getMessage() + "); retry",
          Duration.ofSeconds(5));
    }
  }

  private JdbcReadJournal journal() {
    return PersistenceQuery.get(system.classicSystem())
        .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
  }

  /** What is stored for {@code key}, read from the journal (no version: nothing stored). */
  public CompletionStage<Stored> read(Key key) {
    return read(system, type.name(), key);
  }

  /**
   * What is stored for {@code key} of {@code kind}, read through {@code system}'s JDBC read journal
   * without sharding (offline tools such as replay).
   */
  public static CompletionStage<Stored> read(ActorSystem<?> system, String kind, Key key) {
    String id = PersistenceId.of(kind, key.entityId()).id();
    return PersistenceQuery.get(system.classicSystem())
        .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier())
        .currentEventsByPersistenceId(id, 0, Long.MAX_VALUE)
        .runFold(
            new Stored(key, null, Map.of(), 0),
            (s, e) -> {
              if (!(e.event() instanceof DefinitionEntity.Event event)) {
                return s;
              }
              DefinitionEntity.State st =
                  new DefinitionEntity.State(s.current(), raw(s.versions())).apply(event);
              return new Stored(key, st.current(), versions(st), e.sequenceNr());
            },
            system);
  }

  private static Map<String, DefinitionEntity.Version> raw(Map<String, Version> versions) {
    Map<String, DefinitionEntity.Version> m = new java.util.LinkedHashMap<>();
    versions.forEach((h, v) -> m.put(h, new DefinitionEntity.Version(v.source(), v.text())));
    return m;
  }

  private static Map<String, Version> versions(DefinitionEntity.State st) {
    Map<String, Version> m = new java.util.LinkedHashMap<>();
    st.versions().forEach((h, v) -> m.put(h, new Version(h, v.source(), v.text())));
    return Map.copyOf(m);
  }

  /**
   * Every stored definition of this kind, of every tenant (for loading them at start). Ids written
   * before definitions belonged to tenants ({@code <kind>|<name>}) are skipped, with a warning
   * naming them.
   */
  public CompletionStage<List<Key>> keys() {
    String prefix = type.name() + "|";
    return journal()
        .currentPersistenceIds()
        .filter(id -> id.startsWith(prefix))
        .map(id -> id.substring(prefix.length()))
        .runWith(Sink.seq(), system)
        .thenApply(
            ids -> {
              List<String> legacy = ids.stream().filter(id -> id.indexOf('/') < 0).toList();
              if (!legacy.isEmpty()) {
                LOG.warn(
                    "{}: {} stored before definitions belonged to tenants, not loaded; deploy them"
                        + " again: {}",
                    type.name(),
                    legacy.size(),
                    legacy);
              }
              return ids.stream()
                  .map(id -> id.split("/", -1))
                  .filter(p -> p.length == 2 && validTenant(p[0]) && valid(p[1]))
                  .map(p -> new Key(p[0], p[1]))
                  .toList();
            });
  }

  /** {@link #keys()} then {@link #read} of each; a definition that cannot be read is skipped. */
  public CompletionStage<List<Stored>> all() {
    return keys()
        .thenCompose(
            keys -> {
              List<CompletableFuture<Stored>> reads =
                  keys.stream().map(k -> read(k).toCompletableFuture()).toList();
              return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
                  .thenApply(x -> reads.stream().map(CompletableFuture::join).toList());
            });
  }
}
