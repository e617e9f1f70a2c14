package io.tramontane.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.tramontane.core.TramontaneConfig;
import io.tramontane.core.persistence.PersistenceSettings;
import io.tramontane.testkit.Await;
import io.tramontane.testkit.TestConfigs;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sync entity persists a pass's checkpoints and manifest before the pass goes on (a restarted
 * entity resumes from them), shows a failed pass as {@code failing} with its reason and recovers,
 * coalesces requests made during a pass into one follow-up, and pauses at the pass's next safe
 * point.
 */
class ConnectorSyncEntityTest {

  private static ActorTestKit testKit;
  private static PersistenceSettings persistence;

  @BeforeAll
  static void start() {
    var config = TestConfigs.inMemoryJournal(TramontaneConfig.load(Map.of()));
    testKit = ActorTestKit.create("ConnectorSyncEntityTest", config);
    persistence = PersistenceSettings.fromConfig(config);
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** A source whose passes are scripted; it records the checkpoint each pass starts from. */
  static final class Scripted implements SyncSource {
    interface Pass {
      String run(int n, String from, SyncContext ctx) throws Exception;
    }

    final List<String> starts = new CopyOnWriteArrayList<>();
    final AtomicInteger passes = new AtomicInteger();
    final Pass pass;

    Scripted(Pass pass) {
      this.pass = pass;
    }

    @Override
    public String sync(String checkpoint, SyncContext context) throws Exception {
      int n = passes.incrementAndGet();
      starts.add(String.valueOf(checkpoint));
      return pass.run(n, checkpoint, context);
    }

    @Override
    public Duration retryAfter(int failures) {
      return Duration.ofMillis(200);
    }
  }

  static ConnectorSettings settings(String name) {
    return new ConnectorSettings(
        name,
        "test",
        "acme",
        "docs",
        Set.of(),
        false,
        Duration.ofHours(1),
        false,
        ConfigFactory.empty());
  }

  ActorRef<ConnectorSyncEntity.Command> spawn(String name, SyncSource source) {
    var instance =
        new ConnectorSyncEntity.Instance(
            settings(name),
            source,
            new ConnectorResources(null, null, null, k -> null, Clock.systemUTC()));
    return testKit.spawn(
        ConnectorSyncEntity.create(
            name,
            new ConnectorSyncEntity.Runtime(
                n -> Optional.of(instance), persistence, Clock.systemUTC())));
  }

  ConnectorStatus status(ActorRef<ConnectorSyncEntity.Command> entity) {
    var probe = testKit.<StatusReply<ConnectorStatus>>createTestProbe();
    entity.tell(new ConnectorSyncEntity.GetStatus(probe.ref()));
    return probe.receiveMessage().getValue();
  }

  ConnectorStatus await(
      ActorRef<ConnectorSyncEntity.Command> entity, Predicate<ConnectorStatus> p) {
    return Await.until("the expected status", Duration.ofSeconds(10), () -> status(entity), p);
  }

  StatusReply<Done> command(
      ActorRef<ConnectorSyncEntity.Command> entity,
      java.util.function.Function<ActorRef<StatusReply<Done>>, ConnectorSyncEntity.Command> c) {
    var probe = testKit.<StatusReply<Done>>createTestProbe();
    entity.tell(c.apply(probe.ref()));
    return probe.receiveMessage();
  }

  static String name() {
    return "c-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void aSavedCheckpointAndManifestSurviveARestartMidPass() throws Exception {
    String name = name();
    CountDownLatch saved = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    var first =
        new Scripted(
            (n, from, ctx) -> {
              ctx.remember("a.txt", "v1");
              ctx.itemFailed("broken.pdf", "the PDF is corrupt");
              ctx.checkpoint("page-2");
              assertEquals("page-2", ctx.lastCheckpoint());
              saved.countDown();
              never.await(); // the node dies here
              return "page-3";
            });
    var entity = spawn(name, first);
    assertTrue(saved.await(10, TimeUnit.SECONDS));
    testKit.stop(entity);

    var second =
        new Scripted(
            (n, from, ctx) -> {
              assertEquals("v1", ctx.known("a.txt"));
              assertEquals(Set.of("a.txt"), ctx.knownItems());
              ctx.forget("a.txt");
              return "page-3";
            });
    var again = spawn(name, second);
    ConnectorStatus s = await(again, st -> st.lastSuccess() != null);
    assertEquals(List.of("page-2"), second.starts, "the pass resumes from the saved checkpoint");
    assertEquals("idle", s.state());
    assertEquals(1, s.itemsFailed());
    assertEquals("broken.pdf", s.recentFailures().getFirst().item());
    assertEquals("the PDF is corrupt", s.recentFailures().getFirst().reason());
    testKit.stop(again);

    var third = new Scripted((n, from, ctx) -> ctx.known("a.txt") == null ? "gone" : "still");
    var last = spawn(name, third);
    await(last, st -> third.passes.get() == 1 && st.state().equals("idle"));
    assertEquals(List.of("page-3"), third.starts);
    testKit.stop(last);
  }

  @Test
  void aFailedPassShowsItsReasonAndIsRetriedUntilItRecovers() throws Exception {
    var source =
        new Scripted(
            (n, from, ctx) -> {
              if (n == 1) {
                throw new SyncException(
                    "the IMAP server refused the login for support@example.com: check the"
                        + " password");
              }
              if (n == 2) {
                throw new IllegalStateException(
                    "GET https://graph.local/items?token=s3cr3t failed\n\tat x.y.Z(Z.java:1)");
              }
              return "done";
            });
    var entity = spawn(name(), source);
    ConnectorStatus failing =
        await(entity, st -> st.state().equals("failing") && source.passes.get() == 1);
    assertEquals(
        "the IMAP server refused the login for support@example.com: check the password",
        failing.lastError());
    assertNull(failing.lastSuccess());
    ConnectorStatus second =
        await(entity, st -> source.passes.get() == 2 && st.state().equals("failing"));
    assertTrue(second.lastError().contains("IllegalStateException"), second.lastError());
    assertFalse(second.lastError().contains("s3cr3t"), second.lastError());
    assertFalse(second.lastError().contains("Z.java"), second.lastError());
    ConnectorStatus ok = await(entity, st -> st.state().equals("idle"));
    assertNull(ok.lastError());
    assertNotNull(ok.lastSuccess());
    assertEquals(3, source.passes.get());
    testKit.stop(entity);
  }

  @Test
  void requestsDuringAPassAreCoalescedIntoOneFollowUp() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    var source =
        new Scripted(
            (n, from, ctx) -> {
              if (n == 1) {
                started.countDown();
                release.await();
              }
              return "p" + n;
            });
    var entity = spawn(name(), source);
    assertTrue(started.await(10, TimeUnit.SECONDS));
    assertEquals("syncing", status(entity).state());
    for (int i = 0; i < 5; i++) {
      assertTrue(command(entity, ConnectorSyncEntity.SyncNow::new).isSuccess());
      entity.tell(ConnectorSyncEntity.Changed.INSTANCE);
    }
    release.countDown();
    await(entity, st -> source.passes.get() == 2 && st.state().equals("idle"));
    // No sleep to see that nothing else comes: one more request, sent after the five, is a marker.
    // Its pass is the third if and only if the five made exactly one follow-up pass.
    assertTrue(command(entity, ConnectorSyncEntity.SyncNow::new).isSuccess());
    await(entity, st -> source.passes.get() >= 3 && st.state().equals("idle"));
    assertEquals(
        List.of("null", "p1", "p2"),
        source.starts,
        "five requests during a pass make one follow-up pass");
    testKit.stop(entity);
  }

  @Test
  void pauseStopsThePassAtItsNextSafePointAndResumeRunsAgain() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    var source =
        new Scripted(
            (n, from, ctx) -> {
              if (n == 1) {
                started.countDown();
                while (!ctx.stopping()) {
                  Thread.sleep(5);
                }
                return "stopped-at-3";
              }
              return "p" + n;
            });
    var entity = spawn(name(), source);
    assertTrue(started.await(10, TimeUnit.SECONDS));
    assertTrue(command(entity, ConnectorSyncEntity.Pause::new).isSuccess());
    ConnectorStatus paused = await(entity, st -> st.state().equals("paused"));
    assertNull(paused.lastSuccess(), "a stopped pass is not a completed one");
    StatusReply<Done> refused = command(entity, ConnectorSyncEntity.SyncNow::new);
    assertTrue(refused.isError());
    assertTrue(
        refused.getError().getMessage().contains("is paused"), refused.getError().getMessage());
    Thread.sleep(200);
    assertEquals(1, source.passes.get());
    assertTrue(command(entity, ConnectorSyncEntity.Resume::new).isSuccess());
    await(entity, st -> st.state().equals("idle") && st.lastSuccess() != null);
    assertEquals(List.of("null", "stopped-at-3"), source.starts);
    testKit.stop(entity);
  }
}
