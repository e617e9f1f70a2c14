package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tramontane.server.testing.PrivatePostgres;
import io.tramontane.server.testing.ServerCluster;
import io.tramontane.server.testing.ServerProcess;
import io.tramontane.server.testing.TestDatabase;
import io.tramontane.testkit.Requirements;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RELIABILITY F3 on three real server JVMs, against a private PostgreSQL instance the test can
 * crash ({@link PrivatePostgres}; the shared CI database is never touched).
 *
 * <p><b>F3b</b>: the cluster starts while PostgreSQL is down. Every node answers {@code /ready}
 * with 503 (never 200) and none exits; PostgreSQL starts; every node answers 200 within 60 s,
 * without a restart.
 *
 * <p><b>F3a</b>: signed webhooks go round-robin to the three nodes at {@link #RATE}/s for {@link
 * #LOAD}; {@link #CRASH_AFTER} in, PostgreSQL is stopped with {@code -m immediate} (every server
 * process quits at once, as in a crash) and started again. Checked: every delivery acknowledged 2xx
 * has exactly one event in the journal (no 2xx without a persisted event); the deliveries refused
 * during the outage are accepted when re-sent after it, by the same JVMs (entities resume without a
 * restart: every node is still its first process); each delivery started exactly one run and every
 * run completed; every node is ready again within 60 s. Needs root and the Debian PostgreSQL
 * binaries (as under {@code .ci/run}). Run alone with {@code -Dgroups=cluster}.
 */
@Tag("cluster")
class ClusterDatabaseOutageIT {

  static final int NODES = 3;
  static final Duration HELD_DOWN = Duration.ofSeconds(5);
  static final int RATE = 10;
  static final Duration LOAD = Duration.ofSeconds(30);
  static final Duration CRASH_AFTER = Duration.ofSeconds(10);
  static final Duration DOWN_FOR = Duration.ofSeconds(8);

  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  /** The status {@code GET /ready} answers, or -1 when nothing answers. */
  int ready(ServerProcess node) throws InterruptedException {
    try {
      return http.send(
              HttpRequest.newBuilder(node.uri("/ready")).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    }
  }

  /** Waits until every node answers {@code /ready} 200; returns how long each took from t0. */
  List<Duration> awaitReady(ServerCluster cluster, long t0, Duration within) throws Exception {
    List<Duration> readyAfter = new ArrayList<>();
    for (int i = 1; i <= NODES; i++) {
      ServerProcess n = cluster.node(i);
      long deadline = t0 + within.toNanos();
      int status = ready(n);
      while (status != 200 && System.nanoTime() < deadline) {
        assertTrue(n.isAlive(), "node " + i + " exited" + n.logTail());
        Thread.sleep(200);
        status = ready(n);
      }
      assertEquals(
          200,
          status,
          "node "
              + i
              + " not ready "
              + within.toSeconds()
              + " s after PostgreSQL came up"
              + cluster.logTails());
      readyAfter.add(Duration.ofNanos(System.nanoTime() - t0));
    }
    return readyAfter;
  }

  @Test
  void startedWhileTheDatabaseIsDownThenSurvivesItsCrashUnderLoad(@TempDir Path dir)
      throws Exception {
    Requirements.require(
        PrivatePostgres.available(),
        "needs root and /usr/lib/postgresql/<v>/bin (apt-get install postgresql; .ci/run does)");
    long t0 = System.nanoTime();
    Map<String, Object> config = ClusterWebhookIT.ordersToNoop(dir);
    try (PrivatePostgres pg = PrivatePostgres.create()) {
      TestDatabase db = pg.database(dir.resolve("data"));
      try (ServerCluster cluster = ServerCluster.create(dir, db, NODES, config)) {
        // ---- F3b: down at start -------------------------------------------------------------
        for (ServerProcess n : cluster.nodes()) {
          n.start();
        }
        Map<Integer, Integer> seen = new TreeMap<>();
        int[] notReady = new int[NODES + 1];
        long listeningBy = System.nanoTime() + Duration.ofSeconds(300).toNanos();
        long downUntil = Long.MAX_VALUE;
        while (System.nanoTime() < Math.min(downUntil, listeningBy)) {
          for (int i = 1; i <= NODES; i++) {
            ServerProcess n = cluster.node(i);
            assertTrue(
                n.isAlive(), "F3b: node " + i + " exited with the database down" + n.logTail());
            int status = ready(n);
            seen.merge(i * 1000 + status, 1, Integer::sum);
            assertTrue(status != 200, "F3b: node " + i + " ready with the database down");
            if (status == 503) {
              notReady[i]++;
            }
          }
          if (downUntil == Long.MAX_VALUE
              && IntStream.rangeClosed(1, NODES).allMatch(i -> notReady[i] > 0)) {
            downUntil = System.nanoTime() + HELD_DOWN.toNanos();
          }
          Thread.sleep(250);
        }
        for (int i = 1; i <= NODES; i++) {
          assertTrue(
              notReady[i] >= 1,
              "F3b: node " + i + " never answered /ready 503: " + seen + cluster.logTails());
        }
        Duration listening = Duration.ofNanos(System.nanoTime() - t0).minus(HELD_DOWN);
        long upAt = System.nanoTime();
        pg.start();
        List<Duration> readyAfterStart = awaitReady(cluster, upAt, Duration.ofSeconds(60));

        // ---- F3a: crash under load ----------------------------------------------------------
        int total = (int) (RATE * LOAD.toSeconds());
        List<CompletableFuture<ClusterWebhookIT.Answer>> all =
            Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        CompletableFuture<Void> sent = new CompletableFuture<>();
        ClusterWebhookIT hooks = new ClusterWebhookIT();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        long loadStart = System.nanoTime();
        long crashedAt;
        long restartedAt;
        try {
          ticker.scheduleAtFixedRate(
              () -> {
                int n = next.getAndIncrement();
                if (n >= total) {
                  sent.complete(null);
                  return;
                }
                String id = "msg_" + n;
                all.add(hooks.send(cluster, 1 + n % NODES, id, "{\"order\": \"" + id + "\"}"));
              },
              0,
              1_000_000_000L / RATE,
              TimeUnit.NANOSECONDS);
          Thread.sleep(CRASH_AFTER.toMillis());
          crashedAt = System.nanoTime();
          pg.stopImmediately();
          Thread.sleep(DOWN_FOR.toMillis());
          pg.start();
          restartedAt = System.nanoTime();
          sent.get(LOAD.toSeconds() + 30, TimeUnit.SECONDS);
        } finally {
          ticker.shutdownNow();
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        List<ClusterWebhookIT.Answer> answers = all.stream().map(CompletableFuture::join).toList();
        List<Duration> readyAfterCrash = awaitReady(cluster, restartedAt, Duration.ofSeconds(60));

        // No 2xx without a persisted event.
        Set<String> acked = new TreeSet<>();
        Set<String> refused = new TreeSet<>();
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (ClusterWebhookIT.Answer a : answers) {
          statuses.merge(a.failure() == null ? a.status() : -1, 1, Integer::sum);
          if (a.ok()) {
            acked.add(a.id());
          } else {
            refused.add(a.id());
          }
        }
        Map<String, Integer> deliveries =
            ClusterWebhookIT.eventsPerId(db, "Delivery|orders/", null);
        Set<String> ackedNotPersisted = new TreeSet<>();
        for (String id : acked) {
          if (deliveries.getOrDefault(id, 0) != 1) {
            ackedNotPersisted.add(id + "=" + deliveries.getOrDefault(id, 0));
          }
        }
        assertEquals(Set.of(), ackedNotPersisted, "F3a: acknowledged 2xx, not persisted once");

        // The refused deliveries are accepted when re-sent, by the same JVMs.
        long resendFrom = System.nanoTime();
        Set<String> pending = new TreeSet<>(refused);
        long deadline = resendFrom + Duration.ofSeconds(60).toNanos();
        int round = 0;
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
          for (String id : List.copyOf(pending)) {
            ClusterWebhookIT.Answer a =
                hooks
                    .send(cluster, 1 + (round++ % NODES), id, "{\"order\": \"" + id + "\"}")
                    .get(30, TimeUnit.SECONDS);
            if (a.ok()) {
              pending.remove(id);
            }
          }
          if (!pending.isEmpty()) {
            Thread.sleep(1_000);
          }
        }
        assertEquals(
            Set.of(), pending, "F3a: still refused 60 s after the outage" + cluster.logTails());
        for (int i = 1; i <= NODES; i++) {
          assertTrue(cluster.node(i).isAlive(), "F3a: node " + i + " died" + cluster.logTails());
          assertEquals(1, cluster.node(i).starts(), "node " + i + " was restarted");
        }

        // Each delivery: one event, one run, completed.
        Set<String> ids = new TreeSet<>();
        for (int n = 0; n < total; n++) {
          ids.add("msg_" + n);
        }
        deliveries = ClusterWebhookIT.eventsPerId(db, "Delivery|orders/", null);
        assertEquals(ids, new TreeSet<>(deliveries.keySet()), "F3a: every delivery persisted");
        assertTrue(
            deliveries.values().stream().allMatch(c -> c == 1),
            "F3a: a delivery twice: " + deliveries);
        String runs = "WorkflowRun|acme/" + ClusterWebhookIT.WORKFLOW + "/hook-";
        Map<String, Integer> completed = Map.of();
        long runsDeadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < runsDeadline) {
          completed = ClusterWebhookIT.eventsPerId(db, runs, "%RunCompleted");
          if (completed.size() >= ids.size()) {
            break;
          }
          Thread.sleep(500);
        }
        hooks.awaitMarkerRun(cluster, db, runs);
        Map<String, Integer> started = ClusterWebhookIT.eventsPerId(db, runs, "%RunStarted");
        completed = ClusterWebhookIT.eventsPerId(db, runs, "%RunCompleted");
        started.remove(ClusterWebhookIT.MARKER);
        completed.remove(ClusterWebhookIT.MARKER);
        assertEquals(ids, new TreeSet<>(started.keySet()), "F3a: one run per delivery");
        assertTrue(started.values().stream().allMatch(c -> c == 1), "started twice: " + started);
        assertEquals(
            ids,
            new TreeSet<>(completed.keySet()),
            "F3a: every run completed within 90 s" + cluster.logTails());
        assertTrue(completed.values().stream().allMatch(c -> c == 1), "completed twice");

        System.out.println(
            "ClusterDatabaseOutageIT: F3b: "
                + NODES
                + " nodes started with PostgreSQL down; /ready while down "
                + seen
                + " (node*1000+status -> count; -1 = not listening yet), all answering 503 "
                + listening.toSeconds()
                + " s after launch; ready "
                + readyAfterStart.stream().map(d -> d.toMillis() + " ms").toList()
                + " after PostgreSQL started. F3a: "
                + total
                + " deliveries at "
                + RATE
                + "/s round-robin; PostgreSQL stopped -m immediate "
                + Duration.ofNanos(crashedAt - loadStart).toMillis()
                + " ms in, started again "
                + Duration.ofNanos(restartedAt - crashedAt).toMillis()
                + " ms later; answers "
                + statuses
                + " (status -> count, -1 = no answer); "
                + acked.size()
                + " acknowledged, each persisted once; "
                + refused.size()
                + " refused, all accepted on re-send within "
                + Duration.ofNanos(System.nanoTime() - resendFrom).toMillis()
                + " ms; nodes ready "
                + readyAfterCrash.stream().map(d -> d.toMillis() + " ms").toList()
                + " after the restart; "
                + completed.size()
                + " runs started once and completed, no JVM restarted; total "
                + Duration.ofNanos(System.nanoTime() - t0).toSeconds()
                + " s");
      }
    }
  }
}
