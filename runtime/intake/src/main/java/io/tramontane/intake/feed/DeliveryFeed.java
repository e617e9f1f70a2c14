package io.tramontane.intake.feed;

import io.tramontane.core.feed.JournalFeed;
import io.tramontane.core.feed.TypedFeed;
import io.tramontane.core.persistence.Database;
import io.tramontane.intake.Delivery;
import io.tramontane.intake.DeliveryEntity;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The ordered, resumable stream of accepted deliveries: the journal's {@link DeliveryEntity#TAG}
 * events from the consumer's stored offset, each handed to a {@link DeliveryConsumer} in a
 * transaction that also advances the offset (see {@link JournalFeed}). Workflows subscribe here.
 */
public final class DeliveryFeed {

  private final TypedFeed<DeliveryEntity.DeliveryAccepted, Delivery> feed;

  public DeliveryFeed(ActorSystem<?> system, Database database) {
    this.feed =
        new TypedFeed<>(
            new JournalFeed(system, database),
            DeliveryEntity.TAG,
            DeliveryEntity.DeliveryAccepted.class,
            DeliveryEntity.DeliveryAccepted::delivery);
  }

  /**
   * Starts delivering to {@code consumer} from where {@code consumerId} left off (the beginning for
   * a new consumer). Each delivery is handled once per consumer id.
   */
  public JournalFeed.Subscription subscribe(String consumerId, DeliveryConsumer consumer) {
    return feed.subscribe(consumerId, consumer::accept);
  }

  /** Like {@link #subscribe}, once in the whole cluster (a singleton that moves on failover). */
  public void subscribeClusterWide(String consumerId, DeliveryConsumer consumer) {
    feed.subscribeClusterWide(consumerId, consumer::accept);
  }
}
