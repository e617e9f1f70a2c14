package io.tramontane.workflows.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.tramontane.core.TramontaneConfig;
import io.tramontane.core.persistence.PersistenceSettings;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Recovering a long run is linear in its recorded effects: each recorded effect adds to the effects
 * it follows instead of copying them (which made a run of N effects recover in N²/2 copies).
 */
class WorkflowRunRecoveryTest {

  private static final int N = 20_000;
  private static ActorTestKit testKit;
  private static PersistenceSettings persistence;
  private static PersistenceTestKit journal;

  @BeforeAll
  static void start() {
    var config =
        PersistenceTestKitPlugin.getInstance()
            .config()
            .withFallback(PersistenceTestKitSnapshotPlugin.getInstance().config())
            .withFallback(
                ConfigFactory.parseString(
                    "pekko.actor.provider = local\n"
                        + "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off"))
            .withFallback(TramontaneConfig.load(Map.of()));
    testKit = ActorTestKit.create("WorkflowRunRecoveryTest", config);
    persistence = PersistenceSettings.fromConfig(config);
    journal = PersistenceTestKit.create(testKit.system());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** A run that waits for an event, with {@code effects} recorded effects in its journal. */
  static String journaled(int effects) throws Exception {
    String id = "run-" + UUID.randomUUID();
    String definition =
        WorkflowRunEntityTest.json(
            """
            document: {dsl: '1.0.0', namespace: t, name: waits, version: '1.0.0'}
            do:
              - approve:
                  listen: {to: {one: {with: {type: io.tramontane.approval.granted}}}}
            """);
    List<Object> events = new ArrayList<>(effects + 1);
    events.add(new WorkflowRunEntity.RunStarted("v1", definition, "{}", Instant.now()));
    for (int i = 0; i < effects; i++) {
      events.add(new WorkflowRunEntity.EffectRecorded("/do/" + i + "/call#1", "{\"n\":" + i + "}"));
    }
    journal.persistForRecovery("WorkflowRun|" + id, events);
    return id;
  }

  /** Nanoseconds from spawning the run to its first answer (given after recovery). */
  static long recover(String id, int effects) {
    TestProbe<StatusReply<WorkflowRunEntity.State>> probe = testKit.createTestProbe();
    long t0 = System.nanoTime();
    var ref =
        testKit.spawn(
            WorkflowRunEntity.create(
                id,
                new WorkflowRunEntity.Runtime(
                    run -> new WorkflowRunEntityTest.Ledger(), Clock.systemUTC(), persistence)));
    ref.tell(new WorkflowRunEntity.Get(probe.ref()));
    WorkflowRunEntity.State state =
        probe.receiveMessage(java.time.Duration.ofMinutes(5)).getValue();
    long took = System.nanoTime() - t0;
    assertEquals(WorkflowRunEntity.Status.RUNNING, state.status());
    assertEquals(effects, state.effects().size());
    assertEquals(
        "{\"n\":" + (effects - 1) + "}", state.effects().get("/do/" + (effects - 1) + "/call#1"));
    testKit.stop(ref);
    return took;
  }

  @Test
  void recoveringTenTimesTheEffectsTakesAboutTenTimesAsLong() throws Exception {
    int small = N / 10;
    String shortRun = journaled(small);
    String longRun = journaled(N);
    recover(longRun, N); // warm up the JIT on the same path, at both sizes
    recover(shortRun, small);
    long smallTook = Long.MAX_VALUE;
    long longTook = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      smallTook = Math.min(smallTook, recover(shortRun, small));
      longTook = Math.min(longTook, recover(longRun, N));
    }
    double ratio = (double) longTook / smallTook;
    System.out.printf(
        "WorkflowRunRecoveryTest: %d effects recovered in %d ms, %d in %d ms, ratio %.1f%n",
        small, smallTook / 1_000_000, N, longTook / 1_000_000, ratio);
    // Linear: about 10. Copying the effects on every event (N²/2 entries): above 100.
    assertTrue(ratio < 40, "recovery of " + N + " effects is not linear: ratio " + ratio);
  }
}
