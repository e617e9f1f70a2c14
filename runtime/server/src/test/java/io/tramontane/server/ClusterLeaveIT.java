package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tramontane.server.testing.ServerCluster;
import io.tramontane.server.testing.ServerProcess;
import io.tramontane.server.testing.TestDatabase;
import io.tramontane.server.testing.TestServer;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graceful leave (issue 8): three real server JVMs on one PostgreSQL journal run five-step
 * workflows against the ledger server (as {@link ClusterFailoverIT}); once every run has applied a
 * step, node 3 gets SIGTERM (not SIGKILL). Coordinated shutdown hands its shards over and leaves
 * the cluster, so no failure detector or split brain resolver has to notice: the node exits by
 * itself well within its grace time, its runs resume on the survivors far sooner than after a kill
 * (the SIGKILL failover takes ~46 s), every (run, step) is applied exactly once, and requests sent
 * to the survivors during the leave all succeed (each allowed a short retry, as a client would).
 * Run alone with {@code -Dgroups=cluster}.
 */
@Tag("cluster")
class ClusterLeaveIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final int NODES = 3;
  static final int RUNS = 21;
  static final int STEPS = 5;
  static final int VICTIM = 3;

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  HttpResponse<String> call(ServerProcess node, String method, String path, String body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(node.uri(path))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + TestServer.ACME_KEY)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void sigtermHandsShardsOverWithoutLosingOrRepeatingAStep(@TempDir Path dir) throws Exception {
    long t0 = System.nanoTime();
    try (WorkflowCrashIT.Ledger ledger = new WorkflowCrashIT.Ledger(Set.of(), Set.of())) {
      List<String> runs = new ArrayList<>();
      for (int i = 1; i <= RUNS; i++) {
        String run = "g" + i;
        runs.add(run);
        ledger.delays.put(run, Duration.ofMillis(600));
      }
      Path workflows = WorkflowCrashIT.fiveSteps(dir, STEPS, ledger.endpoint());
      TestDatabase db = TestDatabase.postgres(dir.resolve("data"));
      Map<String, Object> config = new HashMap<>(WorkflowCrashIT.config(workflows));

      try (ServerCluster cluster = ServerCluster.create(dir, db, NODES, config)) {
        Duration formed = cluster.startAll(Duration.ofSeconds(300));
        for (int i = 0; i < RUNS; i++) {
          ServerProcess node = cluster.node(1 + i % NODES);
          String run = runs.get(i);
          HttpResponse<String> started =
              call(
                  node,
                  "POST",
                  "/workflows/five-steps/runs/" + run,
                  "{\"run\": \"" + run + "\", \"step\": 0}");
          assertEquals(202, started.statusCode(), started.body() + cluster.logTails());
        }
        assertTrue(
            WorkflowCrashIT.poll(Duration.ofSeconds(60), () -> ledger.applied.size() == RUNS),
            "not every run reached the ledger: " + ledger.progress() + cluster.logTails());

        // Clients keep reading every run through the two survivors during the leave.
        AtomicBoolean probing = new AtomicBoolean(true);
        AtomicInteger probes = new AtomicInteger();
        AtomicInteger retried = new AtomicInteger();
        List<String> failures = new CopyOnWriteArrayList<>();
        List<String> retries = new CopyOnWriteArrayList<>();
        List<Long> slowest = new CopyOnWriteArrayList<>();
        List<Thread> probers = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
          int offset = p;
          probers.add(
              Thread.ofVirtual()
                  .start(
                      () -> {
                        int i = offset;
                        long worst = 0;
                        while (probing.get()) {
                          int nodeNo = 1 + i % 2;
                          ServerProcess node = cluster.node(nodeNo);
                          String run = runs.get((i * 7) % RUNS);
                          i++;
                          probes.incrementAndGet();
                          String last = null;
                          for (int attempt = 0; attempt < 3; attempt++) {
                            long s0 = System.nanoTime();
                            try {
                              HttpResponse<String> r =
                                  call(node, "GET", "/workflows/five-steps/runs/" + run, null);
                              worst = Math.max(worst, System.nanoTime() - s0);
                              if (r.statusCode() == 200) {
                                last = null;
                                break;
                              }
                              last = "HTTP " + r.statusCode() + " " + r.body();
                            } catch (IOException e) {
                              last = e.toString();
                            } catch (InterruptedException e) {
                              return;
                            }
                            retried.incrementAndGet();
                            retries.add("node " + nodeNo + " " + run + ": " + last);
                            try {
                              Thread.sleep(500);
                            } catch (InterruptedException e) {
                              return;
                            }
                          }
                          if (last != null) {
                            failures.add(
                                Instant.now() + " node " + nodeNo + " " + run + ": " + last);
                          }
                          try {
                            Thread.sleep(50);
                          } catch (InterruptedException e) {
                            return;
                          }
                        }
                        slowest.add(worst / 1_000_000);
                      }));
        }

        Map<String, List<Integer>> atTerm = ledger.progress();
        Instant termInstant = Instant.now();
        long termAt = System.nanoTime();
        int exit = cluster.node(VICTIM).terminate(Duration.ofSeconds(60));
        Duration stopped = Duration.ofNanos(System.nanoTime() - termAt);

        boolean finished =
            WorkflowCrashIT.poll(
                Duration.ofSeconds(60),
                () ->
                    ledger.applied.size() == RUNS
                        && ledger.applied.values().stream().allMatch(s -> s.contains(STEPS)));
        Duration handover = Duration.ofNanos(System.nanoTime() - termAt);
        // Keep reading for a while after the handover too.
        while (System.nanoTime() - termAt < Duration.ofSeconds(8).toNanos()) {
          Thread.sleep(100);
        }
        probing.set(false);
        for (Thread p : probers) {
          p.join(Duration.ofSeconds(30));
        }
        String story = "\nat SIGTERM: " + atTerm + "\nnow: " + ledger.progress() + "\n";
        assertTrue(finished, "runs did not finish after the SIGTERM:" + story + cluster.logTails());
        // 143 = 128 + SIGTERM: the JVM's own exit after its shutdown hooks ran; not a forced kill.
        assertTrue(
            exit == 0 || exit == 143,
            "node " + VICTIM + " exited with " + exit + cluster.node(VICTIM).logTail());
        String victimLog = Files.readString(cluster.node(VICTIM).log());
        assertTrue(
            handover.compareTo(Duration.ofSeconds(20)) < 0,
            "runs took " + handover + " to finish after the SIGTERM" + story);
        assertTrue(
            failures.isEmpty(),
            "requests to the survivors failed during the leave: " + failures + story);

        // Every run completed, read through a survivor.
        for (int i = 0; i < RUNS; i++) {
          String run = runs.get(i);
          ServerProcess node = cluster.node(1 + i % 2);
          String status = "";
          long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
          while (System.nanoTime() < deadline) {
            HttpResponse<String> r = call(node, "GET", "/workflows/five-steps/runs/" + run, null);
            status = r.statusCode() == 200 ? JSON.readTree(r.body()).path("status").asText() : "";
            if (status.equals("completed")) {
              break;
            }
            Thread.sleep(200);
          }
          assertEquals("completed", status, run + story + cluster.logTails());
        }
        WorkflowCrashIT.awaitMarker(http, cluster.node(1), ledger, "m1");

        int resent = ClusterFailoverIT.assertEachStepAppliedOnce(ledger, runs, story);

        // The journal: no gaps, writers never interleave; some runs moved off the leaving node.
        Map<String, List<String>> writers =
            ClusterFailoverIT.journalWriters(db, "WorkflowRun|acme/five-steps/");
        assertEquals(RUNS, writers.size(), "one journal per run: " + writers.keySet());
        Set<String> movedRuns = ClusterFailoverIT.movedAcrossNodes(writers);
        int moved = movedRuns.size();
        Instant firstResumed = ClusterFailoverIT.firstAttemptAfter(ledger, movedRuns, termInstant);
        Instant lastFinished = null;
        for (WorkflowCrashIT.Ledger.Attempt a : ledger.attempts) {
          if (lastFinished == null || a.at().isAfter(lastFinished)) {
            lastFinished = a.at();
          }
        }
        assertTrue(moved >= 1, "no run changed node: the leave tested nothing\n" + writers + story);

        for (String line : victimLog.split("\n")) {
          if (line.contains("eaving")
              || line.contains("xiting")
              || line.contains("Removed")
              || line.contains("hutdown")
              || line.contains("andOff")
              || line.contains("andoff")) {
            System.out.println("ClusterLeaveIT node " + VICTIM + ": " + line);
          }
        }
        System.out.println(
            "ClusterLeaveIT: "
                + NODES
                + " nodes formed in "
                + formed.toMillis()
                + " ms; "
                + RUNS
                + " runs; node "
                + VICTIM
                + " got SIGTERM and exited with "
                + exit
                + " after "
                + stopped.toMillis()
                + " ms; "
                + moved
                + " runs moved, the first resumed step "
                + (firstResumed == null
                    ? "never came"
                    : Duration.between(termInstant, firstResumed).toMillis() + " ms after SIGTERM")
                + "; all runs finished "
                + handover.toMillis()
                + " ms after SIGTERM (last step at +"
                + Duration.between(termInstant, lastFinished).toMillis()
                + " ms); "
                + resent
                + " step requests re-sent (deduplicated by key); "
                + probes.get()
                + " reads through the survivors during the leave, "
                + retried.get()
                + " retried "
                + retries
                + ", "
                + failures.size()
                + " failed, slowest answer "
                + slowest.stream().mapToLong(Long::longValue).max().orElse(0)
                + " ms; total "
                + Duration.ofNanos(System.nanoTime() - t0).toSeconds()
                + " s");
      }
    }
  }
}
