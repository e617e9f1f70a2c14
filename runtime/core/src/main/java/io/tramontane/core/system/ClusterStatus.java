package io.tramontane.core.system;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.sharding.ClusterSharding;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.pattern.Patterns;
import scala.jdk.javaapi.DurationConverters;

/**
 * What an operator asks of a cluster: its members as this node sees them (status, roles,
 * reachability), the leader and the oldest member (where the shard coordinators and singletons
 * run), and for every entity type how many shards and live entities each node hosts. The shard
 * figures come from every node's shard region, asked within a timeout; a region that does not
 * answer in time is listed under {@link EntityType#unanswered()}.
 *
 * @param self this node's address
 * @param leader the leader's address, if there is one
 * @param oldest the oldest Up member (hosts the shard coordinators and the cluster singletons)
 * @param members every member, oldest first
 * @param entityTypes the sharded entity types started on this node, by name
 */
public record ClusterStatus(
    String self,
    Optional<String> leader,
    Optional<String> oldest,
    List<MemberView> members,
    List<EntityType> entityTypes) {

  /**
   * One member.
   *
   * @param address its address ({@code pekko://tramontane@host:port})
   * @param status Joining, WeaklyUp, Up, Leaving, Exiting, Down or Removed, in lower case
   * @param reachable false when a node has marked it unreachable
   * @param roles its cluster roles
   */
  public record MemberView(
      String address, String status, boolean reachable, List<String> roles, boolean self) {}

  /**
   * One entity type's shards.
   *
   * @param name the entity type (shard region) name
   * @param nodes per member address, the shards and live entities it hosts
   * @param unanswered regions (addresses) or shards that did not answer in time
   */
  public record EntityType(String name, Map<String, Hosted> nodes, List<String> unanswered) {}

  /** Shards and live entities hosted on one node. */
  public record Hosted(int shards, int entities) {}

  /** The status as {@code system} sees it; the shard figures are asked within {@code timeout}. */
  public static CompletionStage<ClusterStatus> of(ActorSystem<?> system, Duration timeout) {
    Cluster cluster = Cluster.get(system);
    ClusterEvent.CurrentClusterState state = cluster.state();
    Address self = cluster.selfAddress();
    var unreachable = new TreeSet<String>();
    for (Member m : state.getUnreachable()) {
      unreachable.add(m.address().toString());
    }
    List<Member> sorted = new ArrayList<>();
    state.getMembers().forEach(sorted::add);
    sorted.sort(
        Comparator.comparing(
            (Member m) -> m, (a, b) -> a.isOlderThan(b) ? -1 : b.isOlderThan(a) ? 1 : 0));
    List<MemberView> members = new ArrayList<>();
    for (Member m : sorted) {
      members.add(
          new MemberView(
              m.address().toString(),
              m.status().toString().toLowerCase(java.util.Locale.ROOT),
              !unreachable.contains(m.address().toString()),
              List.copyOf(new TreeSet<>(m.getRoles())),
              m.address().equals(self)));
    }
    Optional<String> oldest =
        sorted.stream()
            .filter(m -> m.status() == org.apache.pekko.cluster.MemberStatus.up())
            .findFirst()
            .map(m -> m.address().toString());
    Optional<String> leader = Optional.ofNullable(state.getLeader()).map(Address::toString);

    ClusterSharding sharding = ClusterSharding.get(Adapter.toClassic(system));
    List<String> names = new ArrayList<>(new TreeSet<>(sharding.getShardTypeNames()));
    List<CompletableFuture<EntityType>> asks = new ArrayList<>();
    for (String name : names) {
      asks.add(
          Patterns.ask(
                  sharding.shardRegion(name),
                  new ShardRegion.GetClusterShardingStats(DurationConverters.toScala(timeout)),
                  timeout.plusSeconds(1))
              .toCompletableFuture()
              .thenApply(answer -> entityType(name, answer))
              .exceptionally(
                  e -> new EntityType(name, Map.of(), List.of("no answer within " + timeout))));
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApply(
            done ->
                new ClusterStatus(
                    self.toString(),
                    leader,
                    oldest,
                    List.copyOf(members),
                    asks.stream().map(CompletableFuture::join).toList()));
  }

  private static EntityType entityType(String name, Object answer) {
    if (!(answer instanceof ShardRegion.ClusterShardingStats stats)) {
      return new EntityType(name, Map.of(), List.of("unexpected answer " + answer));
    }
    Map<String, Hosted> nodes = new TreeMap<>();
    List<String> unanswered = new ArrayList<>();
    stats
        .getRegions()
        .forEach(
            (address, region) -> {
              int entities = 0;
              for (Object n : region.getStats().values()) {
                entities += ((Number) n).intValue();
              }
              nodes.put(address.toString(), new Hosted(region.getStats().size(), entities));
              for (String shard : region.getFailed()) {
                unanswered.add(address + " shard " + shard);
              }
            });
    return new EntityType(name, nodes, List.copyOf(unanswered));
  }
}
