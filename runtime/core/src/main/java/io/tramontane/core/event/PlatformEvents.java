package io.tramontane.core.event;

import io.tramontane.core.feed.JournalFeed;
import io.tramontane.core.feed.TypedFeed;
import io.tramontane.core.system.TramontaneSystem;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The node's door to platform events: {@link #publish} makes an event durable (once per source and
 * id) and {@link #subscribe} hands every published event, in journal order, to a consumer that
 * keeps its own offset. Connectors publish; workflows subscribe.
 */
public final class PlatformEvents {

  private static final Duration ASK = Duration.ofSeconds(30);

  /** Handles one event inside the transaction that advances the consumer's offset. */
  @FunctionalInterface
  public interface Consumer {
    void accept(Connection tx, PlatformEvent event) throws SQLException;
  }

  private final ActorSystem<?> system;
  private final TypedFeed<EventEntity.Published, PlatformEvent> feed;

  private PlatformEvents(
      ActorSystem<?> system, TypedFeed<EventEntity.Published, PlatformEvent> feed) {
    this.system = system;
    this.feed = feed;
  }

  /** Registers the event entities on this node. */
  public static PlatformEvents start(TramontaneSystem node) {
    EventEntity.init(node.system(), node.persistence());
    return new PlatformEvents(
        node.system(),
        new TypedFeed<>(
            new JournalFeed(node.system(), node.database()),
            EventEntity.TAG,
            EventEntity.Published.class,
            EventEntity.Published::event));
  }

  /**
   * Publishes an event; completes once it is durable with {@code true} when the same (source, id)
   * was published before (nothing changed).
   */
  public CompletionStage<Boolean> publish(PlatformEvent event) {
    try {
      return ClusterSharding.get(system)
          .entityRefFor(EventEntity.ENTITY_KEY, EventEntity.entityId(event))
          .askWithStatus(r -> new EventEntity.Publish(event, r), ASK);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Hands every published event to {@code consumer}, from where {@code consumerId} left off (the
   * beginning for a new consumer). What the consumer writes through the transaction happens once;
   * anything else it does must be idempotent on the event's (source, id).
   */
  public JournalFeed.Subscription subscribe(String consumerId, Consumer consumer) {
    return feed.subscribe(consumerId, consumer::accept);
  }

  /** Like {@link #subscribe}, once in the whole cluster (a singleton that moves on failover). */
  public void subscribeClusterWide(String consumerId, Consumer consumer) {
    feed.subscribeClusterWide(consumerId, consumer::accept);
  }
}
