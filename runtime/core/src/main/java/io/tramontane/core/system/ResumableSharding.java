package io.tramontane.core.system;

import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * Sharding settings for entities that must resume on their own after a crash or restart (agent
 * sessions with a turn in flight, workflow runs): remembered by their shard, in the journal, so the
 * shard starts them again without a message. Such an entity should passivate once it has nothing
 * left to resume, or it stays in memory.
 */
public final class ResumableSharding {

  private ResumableSharding() {}

  public static ClusterShardingSettings settings(ActorSystem<?> system) {
    return ClusterShardingSettings.create(system)
        .withRememberEntities(true)
        .withRememberEntitiesStoreMode(
            ClusterShardingSettings.rememberEntitiesStoreModeEventSourced());
  }

  /** Registers the entity type {@code key} with sharding, remembered as {@link #settings} says. */
  public static <M> void init(
      ActorSystem<?> system, EntityTypeKey<M> key, Function<EntityContext<M>, Behavior<M>> create) {
    ClusterSharding.get(system).init(Entity.of(key, create::apply).withSettings(settings(system)));
  }
}
