package io.tramontane.core.feed;

import io.tramontane.core.Dispatchers;
import io.tramontane.core.persistence.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ordered, resumable stream of the journal's events with one tag. Each consumer (by id) reads
 * from its stored offset; every event is handed over in a database transaction that also advances
 * the offset, so what the handler writes through that transaction happens exactly once; the stream
 * restarts with backoff when the database or the handler fails (the event is handed over again).
 */
public final class JournalFeed {

  private static final Logger LOG = LoggerFactory.getLogger(JournalFeed.class);
  private static final Pattern CONSUMER_ID = Pattern.compile("[A-Za-z0-9._:\\-]{1,200}");

  /** Handles one journal event inside the offset's transaction. */
  @FunctionalInterface
  public interface Handler {
    void handle(Connection tx, EventEnvelope envelope) throws SQLException;
  }

  /** A running subscription; {@link #stop()} ends it after the event in hand. */
  public record Subscription(UniqueKillSwitch killSwitch, CompletionStage<Done> done) {
    public void stop() {
      killSwitch.shutdown();
    }
  }

  private final ActorSystem<?> system;
  private final Database database;
  private final OffsetStore offsets;
  private final JdbcReadJournal readJournal;
  private final Executor blocking;

  public JournalFeed(ActorSystem<?> system, Database database) {
    this.system = system;
    this.database = database;
    this.offsets = new OffsetStore(database);
    this.readJournal =
        PersistenceQuery.get(system.classicSystem())
            .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    this.blocking = Dispatchers.blockingIo(system);
  }

  /**
   * Starts handing {@code tag}'s events to {@code handler} from where {@code consumerId} was. The
   * offset is stored per consumer id: one id reads one tag.
   */
  public Subscription subscribe(String tag, String consumerId, Handler handler) {
    if (!CONSUMER_ID.matcher(consumerId).matches()) {
      throw new IllegalArgumentException(
          "consumer id must be 1-200 letters, digits or . _ : -, was '" + consumerId + "'");
    }
    RestartSettings restart =
        RestartSettings.create(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2);
    Source<Long, NotUsed> handled =
        RestartSource.onFailuresWithBackoff(
            restart, () -> fromStoredOffset(tag, consumerId, handler));
    var pair =
        handled
            .viaMat(KillSwitches.single(), Keep.right())
            .toMat(Sink.ignore(), Keep.both())
            .run(system);
    return new Subscription(pair.first(), pair.second());
  }

  /**
   * Like {@link #subscribe}, but once in the whole cluster: the subscription runs in a cluster
   * singleton (on the oldest node) and moves to another node when that one leaves or fails,
   * resuming from the stored offset. For consumers whose work must not run on every node at once.
   */
  public void subscribeClusterWide(String tag, String consumerId, Handler handler) {
    if (!CONSUMER_ID.matcher(consumerId).matches()) {
      throw new IllegalArgumentException(
          "consumer id must be 1-200 letters, digits or . _ : -, was '" + consumerId + "'");
    }
    org.apache.pekko.cluster.typed.ClusterSingleton.get(system)
        .init(
            org.apache.pekko.cluster.typed.SingletonActor.of(
                org.apache.pekko.actor.typed.javadsl.Behaviors.<Object>setup(
                    ctx -> {
                      Subscription running = subscribe(tag, consumerId, handler);
                      LOG.info("Feed consumer {} runs on this node", consumerId);
                      return org.apache.pekko.actor.typed.javadsl.Behaviors.receive(Object.class)
                          .onSignal(
                              org.apache.pekko.actor.typed.PostStop.class,
                              stop -> {
                                running.stop();
                                return org.apache.pekko.actor.typed.javadsl.Behaviors.same();
                              })
                          .build();
                    }),
                "feed-" + tag + "-" + consumerId));
  }

  private Source<Long, NotUsed> fromStoredOffset(String tag, String consumerId, Handler handler) {
    return Source.completionStage(
            CompletableFuture.supplyAsync(() -> loadOffset(consumerId), blocking))
        .flatMapConcat(
            start ->
                readJournal
                    .eventsByTag(tag, Offset.sequence(start))
                    .mapAsync(
                        1,
                        envelope ->
                            CompletableFuture.supplyAsync(
                                () -> handle(consumerId, handler, envelope), blocking)));
  }

  private long loadOffset(String consumerId) {
    try {
      return offsets.load(consumerId);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot read the offset of feed consumer " + consumerId + ": " + e.getMessage(), e);
    }
  }

  private long handle(String consumerId, Handler handler, EventEnvelope envelope) {
    long offset = ((Sequence) envelope.offset()).value();
    try (Connection tx = database.connection()) {
      tx.setAutoCommit(false);
      try {
        handler.handle(tx, envelope);
        offsets.save(tx, consumerId, offset);
        tx.commit();
        return offset;
      } catch (SQLException | RuntimeException e) {
        tx.rollback();
        throw e;
      }
    } catch (SQLException | RuntimeException e) {
      LOG.warn(
          "Feed consumer {} failed on {} (offset {}); retrying with backoff: {}",
          consumerId,
          envelope.persistenceId(),
          offset,
          e instanceof SQLException ? e.getMessage() : e.toString());
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    }
  }
}
