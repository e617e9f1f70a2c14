package io.tramontane.server.http.body;

import io.tramontane.core.system.ClusterStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The bodies of the node's own routes: readiness, the cluster, webhooks. */
public final class NodeBodies {

  private NodeBodies() {}

  /** {@code GET /ready}: {@code ready} or {@code not-ready}, with each check's state. */
  public record Readiness(String status, Map<String, String> checks) {}

  /** {@code GET /cluster}: the members as this node sees them, and every entity type's shards. */
  public record Cluster(
      String self,
      String leader,
      String oldest,
      List<ClusterStatus.MemberView> members,
      List<ClusterStatus.EntityType> entityTypes) {

    public static Cluster of(ClusterStatus s) {
      return new Cluster(
          s.self(), s.leader().orElse(null), s.oldest().orElse(null), s.members(), s.entityTypes());
    }
  }

  /** {@code POST /hooks/{trigger}}: the delivery accepted (or recognised as a duplicate). */
  public record HookAccepted(
      String deliveryId,
      String trigger,
      String status,
      boolean duplicate,
      Instant acceptedAt,
      String statusUrl) {}

  /** {@code GET /hooks/{trigger}/deliveries/{id}}. */
  public record Delivery(
      String deliveryId,
      String trigger,
      String tenant,
      String status,
      Instant acceptedAt,
      int payloadBytes) {}

  /** {@code GET /hooks}: the API key's tenant's triggers. */
  public record TriggerList(List<Trigger> triggers) {}

  /** A webhook trigger and where to send to it. */
  public record Trigger(String name, String scheme, long maxBodyBytes, String url) {}
}
