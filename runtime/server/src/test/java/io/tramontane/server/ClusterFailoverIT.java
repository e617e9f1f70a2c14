package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tramontane.server.testing.ServerCluster;
import io.tramontane.server.testing.ServerProcess;
import io.tramontane.server.testing.TestDatabase;
import io.tramontane.server.testing.TestServer;
import io.tramontane.testkit.Await;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RELIABILITY F1: three real server JVMs on 127.0.0.1 in one Pekko cluster over one PostgreSQL
 * journal ({@link ServerCluster}). Five-step workflows, started round-robin through the three
 * nodes, post each step to a ledger server that applies every {@code Idempotency-Key} once ({@link
 * WorkflowCrashIT.Ledger}). While they run, one node gets SIGKILL (the third; in the second test
 * the first, oldest one): the split brain resolver downs it, its shards move to the survivors, the
 * remembered runs start there by themselves and finish. Checked: every run completes (read through
 * the survivors); each (run, step) applied exactly once, in order, under its one key; the journal
 * of every run has sequence numbers 1..max without a gap, and its writers (one per entity
 * incarnation) never interleave — an entity live on two nodes at once would write A, B, A. Then the
 * killed node is started again and must rejoin and serve. Run alone with {@code -Dgroups=cluster}.
 */
@Tag("cluster")
class ClusterFailoverIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final int NODES = 3;

  /** RELIABILITY F1's 200 runs when the third node is killed; fewer for the oldest node. */
  static final int RUNS = 200;

  static final int RUNS_OLDEST = 30;
  static final int STEPS = 5;

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  HttpResponse<String> call(ServerProcess node, String method, String path, String body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(node.uri(path))
            .timeout(Duration.ofSeconds(15))
            .header("Authorization", "Bearer " + TestServer.ACME_KEY)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The run's status as a node answers it, or the failure as text (a shard may be moving). */
  String status(ServerProcess node, String run) {
    try {
      HttpResponse<String> r = call(node, "GET", "/workflows/five-steps/runs/" + run, null);
      if (r.statusCode() != 200) {
        return "HTTP " + r.statusCode();
      }
      return JSON.readTree(r.body()).path("status").asText();
    } catch (IOException e) {
      return e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  @Test
  void killingANodeMidRunLosesAndRepeatsNoStep(@TempDir Path dir) throws Exception {
    failover(dir, 3, RUNS, Duration.ofMillis(1_500));
  }

  /**
   * The same with the oldest node killed: it hosts the shard coordinator and the cluster
   * singletons, which must move too, and it is the first seed node, which must rejoin through the
   * others.
   */
  @Test
  void killingTheOldestNodeMidRunLosesAndRepeatsNoStep(@TempDir Path dir) throws Exception {
    failover(dir, 1, RUNS_OLDEST, Duration.ofMillis(700));
  }

  /**
   * {@code count} runs, each step answered after {@code delay} so that the kill finds every run
   * part-way.
   */
  void failover(Path dir, int victim, int count, Duration delay) throws Exception {
    long t0 = System.nanoTime();
    try (WorkflowCrashIT.Ledger ledger = new WorkflowCrashIT.Ledger(Set.of(), Set.of())) {
      List<String> runs = new ArrayList<>();
      for (int i = 1; i <= count; i++) {
        String run = "c" + i;
        runs.add(run);
        // Slow answers: a run needs several seconds, so the kill finds every run part-way.
        ledger.delays.put(run, delay);
      }
      Path workflows = WorkflowCrashIT.fiveSteps(dir, STEPS, ledger.endpoint());
      TestDatabase db = TestDatabase.postgres(dir.resolve("data"));
      Map<String, Object> config = new HashMap<>(WorkflowCrashIT.config(workflows));

      try (ServerCluster cluster = ServerCluster.create(dir, db, NODES, config)) {
        Duration formed = cluster.startAll(Duration.ofSeconds(300));
        startRuns(http, cluster, runs, NODES);
        // Kill once every run has applied a step and none has finished.
        assertTrue(
            WorkflowCrashIT.poll(Duration.ofSeconds(60), () -> ledger.applied.size() == count),
            "not every run reached the ledger: " + ledger.progress() + cluster.logTails());
        cluster.kill(victim);
        long killedAt = System.nanoTime();
        Instant killInstant = Instant.now();
        Map<String, List<Integer>> atKill = ledger.progress();
        int attemptsAtKill = ledger.attempts.size();

        boolean finished =
            WorkflowCrashIT.poll(
                Duration.ofSeconds(120),
                () ->
                    ledger.applied.size() == count
                        && ledger.applied.values().stream().allMatch(s -> s.contains(STEPS)));
        Duration failover = Duration.ofNanos(System.nanoTime() - killedAt);
        String story =
            "\nat kill: "
                + atKill
                + " ("
                + attemptsAtKill
                + " requests)\nnow: "
                + ledger.progress()
                + "\n";
        assertTrue(finished, "runs did not finish after the kill:" + story + cluster.logTails());

        // Every run reads completed through a survivor, with the last step's answer as output.
        List<ServerProcess> survivors = cluster.alive();
        Map<String, String> statuses = new TreeMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (int i = 0; i < count; i++) {
          String run = runs.get(i);
          ServerProcess node = survivors.get(i % survivors.size());
          String status = status(node, run);
          while (!status.equals("completed") && System.nanoTime() < deadline) {
            Thread.sleep(200);
            status = status(node, run);
          }
          statuses.put(run, status);
          if (status.equals("completed")) {
            JsonNode view =
                JSON.readTree(call(node, "GET", "/workflows/five-steps/runs/" + run, null).body());
            assertEquals(STEPS, view.path("output").path("step").asInt(), run + ": " + view);
          }
        }
        assertTrue(
            statuses.values().stream().allMatch("completed"::equals),
            "not all completed: " + statuses + story + cluster.logTails());
        story += "requests: " + ledger.attempts.size() + "\n";
        WorkflowCrashIT.awaitMarker(http, survivors.getFirst(), ledger, "m1");

        // Each (run, step) applied once, in order, under one key, after the previous answer.
        int resent = assertEachStepAppliedOnce(ledger, runs, story);

        // The journal: contiguous sequence numbers, writers that never interleave.
        Map<String, List<String>> writers = journalWriters(db, "WorkflowRun|acme/five-steps/");
        assertEquals(count, writers.size(), "one journal per run: " + writers.keySet());
        Set<String> movedRuns = movedAcrossNodes(writers);
        int moved = movedRuns.size();
        Instant firstResumed = firstAttemptAfter(ledger, movedRuns, killInstant);
        assertTrue(moved >= 1, "no run changed node: the kill tested nothing\n" + writers + story);

        // The killed node rejoins and serves.
        Duration rejoined = cluster.restart(victim, Duration.ofSeconds(120));
        Await.until(
            "the restarted node serves",
            Duration.ofSeconds(30),
            () -> status(cluster.node(victim), runs.getFirst()),
            "completed"::equals);

        // The failover as a survivor saw it (unreachable, split brain resolver decision, removal).
        int survivor = victim == 1 ? 2 : 1;
        for (String line : Files.readAllLines(cluster.node(survivor).log())) {
          if (line.contains("nreachable")
              || line.contains("SBR")
              || line.contains("removing")
              || line.contains("Removed")) {
            System.out.println("ClusterFailoverIT node " + survivor + ": " + line);
          }
        }
        System.out.println("killed at " + killInstant + "; first resumed step at " + firstResumed);
        System.out.println(
            "ClusterFailoverIT: "
                + NODES
                + " nodes formed in "
                + formed.toMillis()
                + " ms; "
                + count
                + " runs; node "
                + victim
                + " killed with "
                + attemptsAtKill
                + " step requests made; all runs finished "
                + failover.toMillis()
                + " ms after the kill; "
                + moved
                + " runs resumed on another node (the first step request of one "
                + (firstResumed == null
                    ? "never came"
                    : Duration.between(killInstant, firstResumed).toMillis() + " ms after the kill")
                + "), "
                + resent
                + " step requests re-sent (deduplicated by key); node "
                + victim
                + " rejoined in "
                + rejoined.toMillis()
                + " ms; total "
                + Duration.ofNanos(System.nanoTime() - t0).toSeconds()
                + " s");
      }
    }
  }

  /**
   * Starts {@code five-steps} run {@code runs[i]} through node {@code 1 + i % nodes}, all at once;
   * fails unless each answers 202.
   */
  static void startRuns(HttpClient http, ServerCluster cluster, List<String> runs, int nodes) {
    List<CompletableFuture<HttpResponse<String>>> starts = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      String run = runs.get(i);
      starts.add(
          http.sendAsync(
              HttpRequest.newBuilder(
                      cluster.node(1 + i % nodes).uri("/workflows/five-steps/runs/" + run))
                  .timeout(Duration.ofSeconds(30))
                  .header("Authorization", "Bearer " + TestServer.ACME_KEY)
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"run\": \"" + run + "\", \"step\": 0}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    for (int i = 0; i < runs.size(); i++) {
      HttpResponse<String> started = starts.get(i).join();
      assertEquals(
          202, started.statusCode(), runs.get(i) + ": " + started.body() + cluster.logTails());
    }
  }

  /**
   * Asserts that the ledger applied steps 1..5 of every run once and in order, every request for a
   * step under that step's one key and after the previous step's answer, at most two requests per
   * step (one re-send after a move). Returns the number of re-sends.
   */
  static int assertEachStepAppliedOnce(
      WorkflowCrashIT.Ledger ledger, List<String> runs, String story) {
    int resent = 0;
    for (String run : runs) {
      assertEquals(
          List.of(1, 2, 3, 4, 5),
          ledger.applied.get(run),
          run + ": each step applied once, in order, none skipped" + story);
      for (int n = 1; n <= STEPS; n++) {
        String key = "acme/five-steps/" + run + "//do/" + (n - 1) + "/step" + n + "#1";
        List<WorkflowCrashIT.Ledger.Attempt> tries = ledger.attempts(run, n);
        for (WorkflowCrashIT.Ledger.Attempt a : tries) {
          assertEquals(key, a.key(), run + " step " + n + ": the same key every time");
          assertEquals(n - 1, a.after(), run + " step " + n + " got the previous answer");
        }
        assertTrue(tries.size() <= 2, run + " step " + n + " sent " + tries.size() + story);
        resent += tries.size() - 1;
      }
    }
    return resent;
  }

  /**
   * Asserts that no journal's writers interleave (an entity live on two nodes at once would write
   * A, B, A) and returns the runs (the last segment of the persistence id) written by more than one
   * incarnation: the runs that moved to another node.
   */
  static Set<String> movedAcrossNodes(Map<String, List<String>> writers) {
    Set<String> moved = new java.util.TreeSet<>();
    for (Map.Entry<String, List<String>> e : writers.entrySet()) {
      List<String> blocks = new ArrayList<>();
      for (String w : e.getValue()) {
        if (blocks.isEmpty() || !blocks.getLast().equals(w)) {
          assertTrue(
              !blocks.contains(w),
              e.getKey() + ": writers interleave (two live incarnations?): " + e.getValue());
          blocks.add(w);
        }
      }
      if (blocks.size() > 1) {
        moved.add(e.getKey().substring(e.getKey().lastIndexOf('/') + 1));
      }
    }
    return moved;
  }

  /** The first ledger request of one of {@code runs} after {@code after}, or null. */
  static Instant firstAttemptAfter(WorkflowCrashIT.Ledger ledger, Set<String> runs, Instant after) {
    Instant first = null;
    for (WorkflowCrashIT.Ledger.Attempt a : ledger.attempts) {
      if (runs.contains(a.run())
          && a.at().isAfter(after)
          && (first == null || a.at().isBefore(first))) {
        first = a.at();
      }
    }
    return first;
  }

  /**
   * The writer of each event, by persistence id (those starting with {@code prefix}), in sequence
   * order; fails on a sequence that does not run 1..max without a gap.
   */
  static Map<String, List<String>> journalWriters(TestDatabase db, String prefix) throws Exception {
    Map<String, List<String>> writers = new LinkedHashMap<>();
    Map<String, List<Long>> seqs = new LinkedHashMap<>();
    try (Connection c = db.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT persistence_id, sequence_number, writer FROM event_journal"
                    + " WHERE persistence_id LIKE ? ORDER BY persistence_id, sequence_number")) {
      s.setString(1, prefix.replace("%", "\\%").replace("_", "\\_") + "%");
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          String id = rs.getString(1);
          seqs.computeIfAbsent(id, k -> new ArrayList<>()).add(rs.getLong(2));
          writers.computeIfAbsent(id, k -> new ArrayList<>()).add(rs.getString(3));
        }
      }
    }
    for (Map.Entry<String, List<Long>> e : seqs.entrySet()) {
      List<Long> got = e.getValue();
      for (int i = 0; i < got.size(); i++) {
        assertEquals(i + 1L, got.get(i), e.getKey() + ": journal sequence gap: " + got);
      }
    }
    return writers;
  }
}
