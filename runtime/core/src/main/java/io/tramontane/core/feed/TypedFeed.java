package io.tramontane.core.feed;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Function;

/**
 * One tag's events of one class, handed on as the values they carry (an accepted delivery, a
 * published platform event): what a module's feed is made of. Events of another class under the tag
 * are skipped. Ordering, offsets and transactions are {@link JournalFeed}'s.
 *
 * @param <E> the journal event's class
 * @param <T> what a consumer is handed
 */
public final class TypedFeed<E, T> {

  /** Handles one value inside the transaction that advances the consumer's offset. */
  @FunctionalInterface
  public interface Consumer<T> {
    void accept(Connection tx, T value) throws SQLException;
  }

  private final JournalFeed feed;
  private final String tag;
  private final Class<E> type;
  private final Function<E, T> value;

  public TypedFeed(JournalFeed feed, String tag, Class<E> type, Function<E, T> value) {
    this.feed = feed;
    this.tag = tag;
    this.type = type;
    this.value = value;
  }

  /**
   * Starts handing the values to {@code consumer} from where {@code consumerId} left off (the
   * beginning for a new consumer).
   */
  public JournalFeed.Subscription subscribe(String consumerId, Consumer<T> consumer) {
    return feed.subscribe(tag, consumerId, handler(consumer));
  }

  /** Like {@link #subscribe}, once in the whole cluster (a singleton that moves on failover). */
  public void subscribeClusterWide(String consumerId, Consumer<T> consumer) {
    feed.subscribeClusterWide(tag, consumerId, handler(consumer));
  }

  private JournalFeed.Handler handler(Consumer<T> consumer) {
    return (tx, envelope) -> {
      if (type.isInstance(envelope.event())) {
        consumer.accept(tx, value.apply(type.cast(envelope.event())));
      }
    };
  }
}
