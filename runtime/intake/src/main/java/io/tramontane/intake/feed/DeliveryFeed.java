package io.tramontane.intake.feed;

import io.tramontane.core.feed.JournalFeed;
import io.tramontane.core.persistence.Database;
import io.tramontane.intake.DeliveryEntity;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The ordered, resumable stream of accepted deliveries: the journal's {@link DeliveryEntity#TAG}
 * events from the consumer's stored offset, each handed to a {@link DeliveryConsumer} in a
 * transaction that also advances the offset (see {@link JournalFeed}). Workflows subscribe here.
 */
public final class DeliveryFeed {

  private final JournalFeed feed;

  public DeliveryFeed(ActorSystem<?> system, Database database) {
    this.feed = new JournalFeed(system, database);
  }

  /**
   * Starts delivering to {@code consumer} from where {@code consumerId} left off (the beginning for
   * a new consumer). Each delivery is handled once per consumer id.
   */
  public JournalFeed.Subscription subscribe(String consumerId, DeliveryConsumer consumer) {
    return feed.subscribe(DeliveryEntity.TAG, consumerId, handler(consumer));
  }

  /** Like {@link #subscribe}, once in the whole cluster (a singleton that moves on failover). */
  public void subscribeClusterWide(String consumerId, DeliveryConsumer consumer) {
    feed.subscribeClusterWide(DeliveryEntity.TAG, consumerId, handler(consumer));
  }

  private static JournalFeed.Handler handler(DeliveryConsumer consumer) {
    return (tx, envelope) -> {
      if (envelope.event() instanceof DeliveryEntity.DeliveryAccepted accepted) {
        consumer.accept(tx, accepted.delivery());
      }
    };
  }
}
