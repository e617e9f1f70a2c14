package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tramontane.server.testing.CliRun;
import io.tramontane.server.testing.ServerCluster;
import io.tramontane.server.testing.ServerProcess;
import io.tramontane.server.testing.TestDatabase;
import io.tramontane.server.testing.TestServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Search in a 3-node cluster (issue 8, "search in a cluster"): each node serves searches from its
 * own Lucene index, a projection of the shared document log. Once a node has the collection open, a
 * document ingested through another node reaches its index through the log; this test measures that
 * lag, node 1 to node 3 and back.
 *
 * <p>Only node 1 ingests before the others are searched: nodes 2 and 3 have never seen the
 * collection, find it in the shared log on their first search, and build their index from the log
 * (no parsing, no embedding).
 */
@Tag("cluster")
class ClusterSearchIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final int DOCUMENTS = 10;
  static final Duration BOUND = Duration.ofSeconds(10);

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  HttpResponse<String> upload(ServerProcess node, String collection, String id, String text)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                node.uri("/collections/" + collection + "/documents?id=" + id + "&public=true"))
            .header("Authorization", "Bearer " + TestServer.ACME_KEY)
            .header("Content-Type", "text/plain")
            .PUT(HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  boolean finds(ServerProcess node, String collection, String query, String id) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(node.uri("/collections/" + collection + "/search"))
                  .header("Authorization", "Bearer " + TestServer.ACME_KEY)
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          JSON.writeValueAsString(Map.of("query", query, "mode", "bm25"))))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return false;
      }
      for (JsonNode hit : JSON.readTree(r.body()).path("results")) {
        if (hit.path("documentId").asText().equals(id)) {
          return true;
        }
      }
      return false;
    } catch (Exception e) {
      return false;
    }
  }

  /**
   * Milliseconds from {@code since} until {@code node} finds the document, or -1 past the bound.
   */
  long lag(ServerProcess node, String query, String id, long since) throws InterruptedException {
    long deadline = since + BOUND.toNanos();
    while (System.nanoTime() < deadline) {
      if (finds(node, "kb", query, id)) {
        return Duration.ofNanos(System.nanoTime() - since).toMillis();
      }
      Thread.sleep(20);
    }
    return -1;
  }

  static String text(String word) {
    return "The " + word + " report covers harbour operations and crane maintenance.";
  }

  @Test
  void aDocumentIngestedOnOneNodeIsFoundOnTheOthersWithinBoundedLag(@TempDir Path dir)
      throws Exception {
    TestDatabase db = TestDatabase.postgres(dir.resolve("data"));
    try (ServerCluster cluster = ServerCluster.create(dir, db, 3, Map.of());
        ExecutorService pollers = Executors.newVirtualThreadPerTaskExecutor()) {
      cluster.startAll(Duration.ofSeconds(300));
      // Only node 1 has the collection; nodes 2 and 3 discover it in the log when searched.
      HttpResponse<String> first = upload(cluster.node(1), "kb", "opened-1.txt", text("opener1"));
      assertEquals(200, first.statusCode(), first.body());
      long uploaded = System.nanoTime();
      List<Long> discovery = new ArrayList<>();
      for (int j = 1; j <= 3; j++) {
        long found = lag(cluster.node(j), "opener1", "opened-1.txt", uploaded);
        assertTrue(found >= 0, "node " + j + " never found node 1's document" + cluster.logTails());
        discovery.add(found);
      }
      System.out.println(
          "ClusterSearchIT: ms from node 1's ingest until nodes 1, 2, 3 find its first document"
              + " (2 and 3 discover the collection in the log): "
              + discovery);

      List<Long> local = new ArrayList<>();
      List<Long> remote = new ArrayList<>();
      for (int d = 1; d <= DOCUMENTS; d++) {
        // Odd documents through node 1 (searched on node 3), even ones the other way round.
        ServerProcess via = cluster.node(d % 2 == 1 ? 1 : 3);
        ServerProcess other = cluster.node(d % 2 == 1 ? 3 : 1);
        String word = "kestrel" + d;
        String id = "doc-" + d + ".txt";
        HttpResponse<String> put = upload(via, "kb", id, text(word));
        long answered = System.nanoTime();
        assertEquals(200, put.statusCode(), put.body());
        CompletableFuture<Long> here =
            CompletableFuture.supplyAsync(() -> lagOrFail(via, word, id, answered), pollers);
        CompletableFuture<Long> there =
            CompletableFuture.supplyAsync(() -> lagOrFail(other, word, id, answered), pollers);
        long h = here.join();
        long t = there.join();
        assertTrue(h >= 0, id + " not found within " + BOUND + " on the node it came through");
        assertTrue(t >= 0, id + " not found within " + BOUND + " on the other node");
        local.add(h);
        remote.add(t);
      }
      clusterStatusShowsThreeMembersAndWhereTheDocumentsLive(cluster);
      definitionsReachEveryNodeWithinTheirTenant(cluster);
      System.out.println(
          "ClusterSearchIT: ms from the ingest's answer until a bm25 search finds the document;"
              + " on the ingesting node "
              + summary(local)
              + ", on another node "
              + summary(remote));
    }
  }

  /**
   * {@code GET /cluster} through node 2 and {@code tramontane cluster} against node 3: three
   * members, all up and reachable, the same leader and oldest member seen from both, and the {@code
   * Document} entities (one per document ingested) hosted on the members' shards; a key without
   * {@code cluster:read} is refused.
   */
  void clusterStatusShowsThreeMembersAndWhereTheDocumentsLive(ServerCluster cluster)
      throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(cluster.node(2).uri("/cluster"))
                .header("Authorization", "Bearer " + TestServer.ACME_KEY)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    JsonNode status = JSON.readTree(r.body());
    List<String> members = new ArrayList<>();
    for (JsonNode m : status.path("members")) {
      assertEquals("up", m.path("status").asText(), m.toString());
      assertTrue(m.path("reachable").asBoolean(), m.toString());
      members.add(m.path("address").asText());
    }
    assertEquals(new java.util.TreeSet<>(cluster.seedNodes()), new java.util.TreeSet<>(members));
    assertEquals(ServerCluster.seedAddress(cluster.clusterPort(2)), status.path("self").asText());
    assertTrue(members.contains(status.path("oldest").asText()), status.toString());
    assertTrue(members.contains(status.path("leader").asText()), status.toString());
    int documents = 0;
    for (JsonNode t : status.path("entityTypes")) {
      if (t.path("name").asText().equals("Document")) {
        for (JsonNode hosted : t.path("nodes")) {
          documents += hosted.path("entities").asInt();
        }
      }
    }
    // Document entities passivate when idle; the ones just ingested are still live.
    assertTrue(documents >= 1, "no live Document entity on any node: " + status);

    CliRun cli =
        CliIT.run(
            "cluster",
            "--server",
            cluster.node(3).uri("").toString(),
            "--api-key",
            TestServer.ACME_KEY);
    assertEquals(0, cli.exit(), cli.out() + cli.err());
    for (String member : members) {
      assertTrue(cli.out().contains(member), member + " missing from:\n" + cli.out());
    }
    assertTrue(cli.out().contains("Document"), cli.out());
    assertTrue(
        cli.out().contains("oldest " + status.path("oldest").asText()),
        "node 3 sees the same oldest member:\n" + cli.out());

    HttpResponse<String> refused =
        http.send(
            HttpRequest.newBuilder(cluster.node(1).uri("/cluster"))
                .header("Authorization", "Bearer " + TestServer.ACME_NO_SCOPE_KEY)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(403, refused.statusCode(), refused.body());
    System.out.println("ClusterSearchIT: tramontane cluster via node 3:\n" + cli.out());
  }

  HttpResponse<String> call(
      ServerProcess node, String method, String path, String key, String type, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(node.uri(path))
            .header("Authorization", "Bearer " + key)
            .timeout(Duration.ofSeconds(60));
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", type)
          .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Milliseconds until {@code GET path} on {@code node} shows {@code versions}, or fails. */
  long untilListed(ServerProcess node, String path, String field, String key, List<String> versions)
      throws Exception {
    long start = System.nanoTime();
    List<String> seen = List.of();
    while (System.nanoTime() - start < BOUND.toNanos()) {
      HttpResponse<String> r = call(node, "GET", path, key, null, null);
      seen = JSON.readTree(r.body()).findValuesAsText(field);
      if (seen.equals(versions)) {
        return Duration.ofNanos(System.nanoTime() - start).toMillis();
      }
      Thread.sleep(20);
    }
    throw new AssertionError(path + " on " + node.uri("") + " shows " + seen + ", not " + versions);
  }

  String sessionVersion(ServerProcess node, String session) throws Exception {
    HttpResponse<String> r =
        call(node, "GET", "/agents/roving/sessions/" + session, TestServer.ACME_KEY, null, null);
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body()).path("agentVersion").asText();
  }

  /**
   * Issue 15 (items 1, 2): an agent uploaded through one node is stored and announced, so every
   * node lists and runs it, for its tenant only; a replacement and a deletion reach every node too,
   * and a session keeps its pinned version wherever it runs. Workflows the same.
   */
  void definitionsReachEveryNodeWithinTheirTenant(ServerCluster cluster) throws Exception {
    String acme = TestServer.ACME_KEY;
    String agent = "name: roving\ndescription: %s\ninstructions: Answer briefly.\ntools: []\n";
    String message = "{\"text\": \"hello\"}";
    HttpResponse<String> v1 =
        call(
            cluster.node(1),
            "PUT",
            "/agents/roving",
            acme,
            "application/yaml",
            agent.formatted("one"));
    assertEquals(200, v1.statusCode(), v1.body());
    String version1 = JSON.readTree(v1.body()).path("version").asText();
    List<Long> lags = new ArrayList<>();
    for (int n = 2; n <= 3; n++) {
      lags.add(untilListed(cluster.node(n), "/agents", "version", acme, List.of(version1)));
      assertEquals(
          "{\"agents\":[]}",
          call(cluster.node(n), "GET", "/agents", TestServer.GLOBEX_KEY, null, null).body());
    }
    HttpResponse<String> said =
        call(
            cluster.node(3),
            "POST",
            "/agents/roving/sessions/s1/messages",
            acme,
            "application/json",
            message);
    assertEquals(200, said.statusCode(), said.body());
    assertEquals(
        404,
        call(
                cluster.node(2),
                "POST",
                "/agents/roving/sessions/g1/messages",
                TestServer.GLOBEX_KEY,
                "application/json",
                message)
            .statusCode());

    HttpResponse<String> v2 =
        call(
            cluster.node(2),
            "PUT",
            "/agents/roving",
            acme,
            "application/yaml",
            agent.formatted("two"));
    assertEquals(200, v2.statusCode(), v2.body());
    String version2 = JSON.readTree(v2.body()).path("version").asText();
    lags.add(untilListed(cluster.node(1), "/agents", "version", acme, List.of(version2)));
    lags.add(untilListed(cluster.node(3), "/agents", "version", acme, List.of(version2)));
    assertEquals(version1, sessionVersion(cluster.node(1), "s1"));

    assertEquals(
        200, call(cluster.node(3), "DELETE", "/agents/roving", acme, null, null).statusCode());
    lags.add(untilListed(cluster.node(1), "/agents", "version", acme, List.of()));
    lags.add(untilListed(cluster.node(2), "/agents", "version", acme, List.of()));
    assertEquals(
        404,
        call(
                cluster.node(1),
                "POST",
                "/agents/roving/sessions/s2/messages",
                acme,
                "application/json",
                message)
            .statusCode());
    HttpResponse<String> pinned =
        call(
            cluster.node(2),
            "POST",
            "/agents/roving/sessions/s1/messages",
            acme,
            "application/json",
            message);
    assertEquals(200, pinned.statusCode(), pinned.body());
    assertEquals(version1, sessionVersion(cluster.node(3), "s1"));

    String workflow =
        "document: {dsl: '1.0.0', namespace: t, name: roving, version: '1.0.0'}\n"
            + "do:\n  - answer:\n      set: {ok: true}\n";
    HttpResponse<String> deployed =
        call(cluster.node(1), "PUT", "/workflows/roving", acme, "application/yaml", workflow);
    assertEquals(200, deployed.statusCode(), deployed.body());
    lags.add(untilListed(cluster.node(3), "/workflows", "name", acme, List.of("roving")));
    assertEquals(
        "{\"workflows\":[]}",
        call(cluster.node(2), "GET", "/workflows", TestServer.GLOBEX_KEY, null, null).body());
    System.out.println(
        "ClusterSearchIT: ms until another node lists a definition change: " + summary(lags));
  }

  long lagOrFail(ServerProcess node, String word, String id, long since) {
    try {
      return lag(node, word, id, since);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  static String summary(List<Long> ms) {
    List<Long> sorted = ms.stream().sorted().toList();
    return "median "
        + sorted.get(sorted.size() / 2)
        + ", max "
        + sorted.getLast()
        + " (all: "
        + ms
        + ")";
  }
}
