package io.tramontane.intake.feed;

import io.tramontane.core.Dispatchers;
import io.tramontane.core.persistence.Database;
import io.tramontane.intake.Delivery;
import io.tramontane.intake.DeliveryEntity;
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
 * The ordered, resumable stream of accepted deliveries. Reads the journal by the {@link
 * DeliveryEntity#TAG} tag from the consumer's stored offset, hands each delivery to a {@link
 * DeliveryConsumer} in a transaction that also advances the offset, and restarts with backoff when
 * the database or the handler fails. Workflows subscribe here.
 */
public final class DeliveryFeed {

  private static final Logger LOG = LoggerFactory.getLogger(DeliveryFeed.class);
  private static final Pattern CONSUMER_ID = Pattern.compile("[A-Za-z0-9._:\\-]{1,200}");

  private final ActorSystem<?> system;
  private final Database database;
  private final OffsetStore offsets;
  private final JdbcReadJournal readJournal;
  private final Executor blocking;

  public DeliveryFeed(ActorSystem<?> system, Database database) {
    this.system = system;
    this.database = database;
    this.offsets = new OffsetStore(database);
    this.readJournal =
        PersistenceQuery.get(system.classicSystem())
            .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    this.blocking = Dispatchers.blockingIo(system);
  }

  /** A running subscription; {@link #stop()} ends it after the delivery in hand. */
  public record Subscription(UniqueKillSwitch killSwitch, CompletionStage<Done> done) {
    public void stop() {
      killSwitch.shutdown();
    }
  }

  /**
   * Starts delivering to {@code consumer} from where {@code consumerId} left off (the beginning for
   * a new consumer). Each delivery is handled once per consumer id.
   */
  public Subscription subscribe(String consumerId, DeliveryConsumer consumer) {
    if (!CONSUMER_ID.matcher(consumerId).matches()) {
      throw new IllegalArgumentException(
          "consumer id must be 1-200 letters, digits or . _ : -, was '" + consumerId + "'");
    }
    RestartSettings restart =
        RestartSettings.create(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2);
    Source<Long, NotUsed> handled =
        RestartSource.onFailuresWithBackoff(restart, () -> fromStoredOffset(consumerId, consumer));
    var pair =
        handled
            .viaMat(KillSwitches.single(), Keep.right())
            .toMat(Sink.ignore(), Keep.both())
            .run(system);
    return new Subscription(pair.first(), pair.second());
  }

  private Source<Long, NotUsed> fromStoredOffset(String consumerId, DeliveryConsumer consumer) {
    return Source.completionStage(
            CompletableFuture.supplyAsync(() -> loadOffset(consumerId), blocking))
        .flatMapConcat(
            start ->
                readJournal
                    .eventsByTag(DeliveryEntity.TAG, Offset.sequence(start))
                    .mapAsync(
                        1,
                        envelope ->
                            CompletableFuture.supplyAsync(
                                () -> handle(consumerId, consumer, envelope), blocking)));
  }

  private long loadOffset(String consumerId) {
    try {
      return offsets.load(consumerId);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot read the offset of feed consumer " + consumerId + ": " + e.getMessage(), e);
    }
  }

  private long handle(String consumerId, DeliveryConsumer consumer, EventEnvelope envelope) {
    long offset = ((Sequence) envelope.offset()).value();
    if (!(envelope.event() instanceof DeliveryEntity.DeliveryAccepted accepted)) {
      return offset;
    }
    Delivery delivery = accepted.delivery();
    try (Connection tx = database.connection()) {
      tx.setAutoCommit(false);
      try {
        consumer.accept(tx, delivery);
        offsets.save(tx, consumerId, offset);
        tx.commit();
        return offset;
      } catch (SQLException | RuntimeException e) {
        tx.rollback();
        throw e;
      }
    } catch (SQLException e) {
      LOG.warn(
          "Feed consumer {} failed on delivery {} (offset {}); retrying with backoff: {}",
          consumerId,
          delivery,
          offset,
          e.getMessage());
      throw new IllegalStateException(e.getMessage(), e);
    } catch (RuntimeException e) {
      LOG.warn(
          "Feed consumer {} failed on delivery {} (offset {}); retrying with backoff: {}",
          consumerId,
          delivery,
          offset,
          e.toString());
      throw e;
    }
  }
}
