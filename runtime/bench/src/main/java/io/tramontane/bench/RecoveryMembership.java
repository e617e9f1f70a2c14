package io.tramontane.bench;

import io.tramontane.core.system.TramontaneSystem;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * A recovery node's view of the cluster's membership: when members were Up, unreachable, removed.
 */
final class RecoveryMembership {

  private RecoveryMembership() {}

  /** Polls this node's view of the cluster until interrupted; {@link #seen()} when it changed. */
  static final class MembershipWatch implements Runnable {
    private final Cluster cluster;
    private final int members;
    private volatile long unreachableAt;
    private volatile long downedAt;
    private volatile long removedAt;

    MembershipWatch(Cluster cluster, int members) {
      this.cluster = cluster;
      this.members = members;
    }

    @Override
    public void run() {
      while (!Thread.currentThread().isInterrupted()) {
        ClusterEvent.CurrentClusterState state = cluster.state();
        long now = System.currentTimeMillis();
        if (unreachableAt == 0 && !state.getUnreachable().isEmpty()) {
          unreachableAt = now;
        }
        List<Member> all = StreamSupport.stream(state.getMembers().spliterator(), false).toList();
        if (downedAt == 0 && all.stream().anyMatch(m -> m.status() == MemberStatus.down())) {
          downedAt = now;
        }
        if (removedAt == 0 && all.size() < members) {
          removedAt = now;
          downedAt = downedAt == 0 ? now : downedAt; // Down and removal between two polls
        }
        try {
          TimeUnit.MILLISECONDS.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    RecoveryNode.Membership seen() {
      return new RecoveryNode.Membership(unreachableAt, downedAt, removedAt);
    }
  }

  /** When this node saw {@code members} members Up and none unreachable; 0 if not in time. */
  static long awaitMembers(TramontaneSystem node, int members, Duration timeout)
      throws InterruptedException {
    Cluster cluster = Cluster.get(node.system());
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      ClusterEvent.CurrentClusterState state = cluster.state();
      long up =
          StreamSupport.stream(state.getMembers().spliterator(), false)
              .filter(m -> m.status() == MemberStatus.up())
              .count();
      if (up == members && state.getUnreachable().isEmpty()) {
        return System.currentTimeMillis();
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    return 0;
  }
}
