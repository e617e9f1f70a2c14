package io.tramontane.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tramontane cluster}: the cluster as a running node sees it ({@code GET /cluster}) — its
 * members, the leader and the oldest member, and where the shards and live entities of each entity
 * type are.
 */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    footer = {"", "The API key needs the scope cluster:read."},
    description = {
      "Show the cluster as a running node sees it: members, leader, shards and entities.",
      "Over HTTP, with an API key that has cluster:read; members and their status, leader,"
          + " oldest member, shards and live entities per node.",
      "Exit code 0 when every member is up and reachable, 3 when one is not, 2 when the request"
          + " is refused (bad key, missing scope), 1 when the server cannot be reached."
    })
final class ClusterCommand implements Callable<Integer> {

  /** Exit code when a member is not up or not reachable. */
  static final int DEGRADED = 3;

  @Mixin ServerOptions server;

  @Option(names = "--json", description = "Print the server's JSON answer as it is.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = server.out();
    JsonNode status = server.client().get("/cluster");
    boolean healthy = true;
    for (JsonNode m : status.path("members")) {
      healthy &= m.path("status").asText().equals("up") && m.path("reachable").asBoolean();
    }
    if (json) {
      out.println(RunsCommand.pretty(status));
      return healthy ? 0 : DEGRADED;
    }
    out.printf(
        "Seen from %s; leader %s; oldest %s (shard coordinators and singletons)%n",
        status.path("self").asText(),
        status.path("leader").asText("none"),
        status.path("oldest").asText("none"));
    out.printf("%n  %-44s %-9s %-10s %s%n", "MEMBER", "STATUS", "REACHABLE", "ROLES");
    for (JsonNode m : status.path("members")) {
      StringBuilder roles = new StringBuilder();
      for (JsonNode r : m.path("roles")) {
        if (!r.asText().startsWith("dc-")) {
          roles.append(roles.isEmpty() ? "" : ",").append(r.asText());
        }
      }
      out.printf(
          "  %-44s %-9s %-10s %s%n",
          m.path("address").asText() + (m.path("self").asBoolean() ? " *" : ""),
          m.path("status").asText(),
          m.path("reachable").asBoolean() ? "yes" : "NO",
          roles.isEmpty() ? "-" : roles);
    }
    out.printf("%n  %-22s %s%n", "ENTITY TYPE", "SHARDS / LIVE ENTITIES PER NODE");
    for (JsonNode t : status.path("entityTypes")) {
      StringBuilder hosted = new StringBuilder();
      Iterator<Map.Entry<String, JsonNode>> nodes = t.path("nodes").fields();
      while (nodes.hasNext()) {
        Map.Entry<String, JsonNode> n = nodes.next();
        String address = n.getKey();
        hosted
            .append(hosted.isEmpty() ? "" : "   ")
            .append(address.substring(address.indexOf('@') + 1))
            .append(' ')
            .append(n.getValue().path("shards").asInt())
            .append('/')
            .append(n.getValue().path("entities").asInt());
      }
      for (JsonNode u : t.path("unanswered")) {
        hosted.append(hosted.isEmpty() ? "" : "   ").append("(").append(u.asText()).append(")");
      }
      out.printf(
          "  %-22s %s%n",
          t.path("name").asText(), hosted.isEmpty() ? "no shards started yet" : hosted);
    }
    if (!healthy) {
      out.println("\nA member is not up or not reachable.");
    }
    return healthy ? 0 : DEGRADED;
  }
}
