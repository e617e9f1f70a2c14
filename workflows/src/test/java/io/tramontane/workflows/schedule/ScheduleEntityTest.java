package io.tramontane.workflows.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tramontane.core.TramontaneConfig;
import io.tramontane.core.persistence.PersistenceSettings;
import io.tramontane.testkit.Await;
import io.tramontane.testkit.TestConfigs;
import io.tramontane.workflows.definition.ScheduleSpec;
import io.tramontane.workflows.run.WorkflowRunEntity.Status;
import io.tramontane.workflows.schedule.ScheduleSettings.Missed;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A schedule fires one run per tick, named after the tick; a restart never fires a tick twice (and
 * re-issues a start that a crash interrupted); ticks missed while stopped follow the missed-tick
 * policy; {@code after} waits for the previous run to end. Time is a fake clock the test moves;
 * timers only make the entity read it again every few milliseconds.
 */
class ScheduleEntityTest {

  static final Instant T0 = Instant.parse("2026-03-02T06:00:00Z");
  static final String DEFINITION = "{\"document\":{\"name\":\"wf\"},\"do\":[]}";
  private static ActorTestKit testKit;
  private static PersistenceSettings persistence;
  private static PersistenceTestKit journal;

  @BeforeAll
  static void start() {
    var config = TestConfigs.inMemoryJournal(TramontaneConfig.load(Map.of()));
    testKit = ActorTestKit.create("ScheduleEntityTest", config);
    persistence = PersistenceSettings.fromConfig(config);
    journal = PersistenceTestKit.create(testKit.system());
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** A clock the test moves; counts how often it is read. */
  static final class FakeClock extends Clock {
    volatile Instant now = T0;
    final AtomicInteger reads = new AtomicInteger();

    @Override
    public Instant instant() {
      reads.incrementAndGet();
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    void set(Duration sinceT0) {
      now = T0.plus(sinceT0);
    }
  }

  /** Records every start (idempotent per name, like the run entity); statuses set by the test. */
  static final class Recorder implements Runs {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final Map<String, String> inputs = new ConcurrentHashMap<>();
    final Map<String, Status> status = new ConcurrentHashMap<>();
    final AtomicInteger polls = new AtomicInteger();
    volatile boolean hang;

    @Override
    public CompletionStage<?> start(
        String tenant,
        String workflow,
        String runName,
        String definitionVersion,
        String definition,
        String input) {
      calls.add(runName);
      inputs.putIfAbsent(runName, input);
      status.putIfAbsent(runName, Status.RUNNING);
      return hang ? new CompletableFuture<Done>() : CompletableFuture.completedFuture(Done.done());
    }

    @Override
    public CompletionStage<Status> status(String tenant, String workflow, String runName) {
      polls.incrementAndGet();
      return CompletableFuture.completedFuture(status.getOrDefault(runName, Status.NEW));
    }

    List<String> distinct() {
      return calls.stream().distinct().toList();
    }
  }

  final FakeClock clock = new FakeClock();
  final Recorder runs = new Recorder();

  ScheduleSettings settings(Missed missed, int maxCatchUp) {
    return new ScheduleSettings(
        ZoneOffset.UTC,
        missed,
        maxCatchUp,
        Duration.ofSeconds(10),
        Duration.ofMillis(10),
        Duration.ofMillis(10));
  }

  ActorRef<ScheduleEntity.Command> spawn(String id, ScheduleSettings settings) {
    return testKit.spawn(
        ScheduleEntity.create(id, new ScheduleEntity.Runtime(runs, settings, clock, persistence)));
  }

  ActorRef<ScheduleEntity.Command> spawn(String id) {
    return spawn(id, settings(Missed.LATEST, 100));
  }

  static String newId() {
    return "acme/wf-" + UUID.randomUUID();
  }

  static void ensure(ActorRef<ScheduleEntity.Command> ref, ScheduleSpec spec, String version) {
    TestProbe<StatusReply<Done>> p = testKit.createTestProbe();
    ref.tell(new ScheduleEntity.Ensure(spec, version, DEFINITION, p.ref()));
    assertTrue(p.receiveMessage().isSuccess());
  }

  static ScheduleEntity.State state(ActorRef<ScheduleEntity.Command> ref) {
    TestProbe<StatusReply<ScheduleEntity.State>> p = testKit.createTestProbe();
    ref.tell(new ScheduleEntity.Get(p.ref()));
    return p.receiveMessage().getValue();
  }

  static void await(String what, BooleanSupplier done) {
    Await.until(what, Duration.ofSeconds(10), done::getAsBoolean);
  }

  /**
   * Waits until the entity has woken and read the (unmoved) clock ten more times: whatever it was
   * going to do at this time it has done, so "nothing more was started" can be asserted after.
   */
  void idle() {
    int seen = clock.reads.get();
    await("ten more looks at the clock", () -> clock.reads.get() >= seen + 10);
  }

  static String tick(Duration sinceT0) {
    return Ticks.runName(T0.plus(sinceT0));
  }

  static List<String> ticks(int... minutes) {
    return Arrays.stream(minutes).mapToObj(m -> tick(Duration.ofMinutes(m))).toList();
  }

  void stopAndWait(ActorRef<ScheduleEntity.Command> ref) {
    TestProbe<Object> watcher = testKit.createTestProbe();
    testKit.stop(ref);
    watcher.expectTerminated(ref, Duration.ofSeconds(5));
  }

  @Test
  void anEveryScheduleFiresOneRunPerTick() throws Exception {
    String id = newId();
    var ref = spawn(id);
    ensure(ref, ScheduleSpec.every(Duration.ofMinutes(1)), "v1");
    assertEquals(T0, state(ref).since());
    idle();
    assertEquals(List.of(), runs.calls, "no tick before the first interval");

    clock.set(Duration.ofMinutes(1));
    await("the first tick", () -> runs.calls.size() == 1);
    clock.set(Duration.ofSeconds(90));
    idle();
    clock.set(Duration.ofMinutes(2));
    await("the second tick", () -> runs.calls.size() == 2);
    idle();
    assertEquals(ticks(1, 2), runs.calls, "one start per tick, none repeated");
    assertEquals(
        "{\"tick\":\"2026-03-02T06:01:00Z\",\"schedule\":{\"every\":\"PT1M\"}}",
        runs.inputs.get(tick(Duration.ofMinutes(1))));
    await("starts confirmed", () -> state(ref).unstarted().isEmpty());

    // The same spec again (a restart of the node) changes nothing; a new version keeps the ticks.
    ensure(ref, ScheduleSpec.every(Duration.ofMinutes(1)), "v1");
    ensure(ref, ScheduleSpec.every(Duration.ofMinutes(1)), "v2");
    assertEquals(T0, state(ref).since());
    assertEquals("v2", state(ref).definitionVersion());
    assertEquals(
        6,
        journal.persistedInStorage("WorkflowSchedule|" + id).size(),
        "set v1, two ticks fired and confirmed, set v2");
    clock.set(Duration.ofMinutes(3));
    await("the third tick", () -> runs.calls.size() == 3);
    assertEquals(ticks(1, 2, 3), runs.calls);
  }

  @Test
  void aCronScheduleFiresAtItsMatches() throws Exception {
    var ref = spawn(newId());
    ensure(ref, ScheduleSpec.cron("*/5 * * * *"), "v1");
    clock.set(Duration.ofMinutes(4));
    idle();
    assertEquals(List.of(), runs.calls);
    clock.set(Duration.ofMinutes(5));
    await("06:05", () -> runs.calls.size() == 1);
    clock.set(Duration.ofMinutes(10).plusSeconds(3));
    await("06:10", () -> runs.calls.size() == 2);
    assertEquals(ticks(5, 10), runs.calls);
  }

  @Test
  void aRestartDoesNotFireATickAgain() throws Exception {
    String id = newId();
    var ref = spawn(id);
    ensure(ref, ScheduleSpec.every(Duration.ofMinutes(1)), "v1");
    clock.set(Duration.ofMinutes(1));
    await("the first tick", () -> runs.calls.size() == 1);
    await("its start confirmed", () -> state(ref).unstarted().isEmpty());
    stopAndWait(ref);

    var again = spawn(id);
    assertEquals(T0.plus(Duration.ofMinutes(1)), state(again).lastTick());
    idle();
    assertEquals(ticks(1), runs.calls, "the fired tick is not fired again");
    clock.set(Duration.ofMinutes(2));
    await("the next tick", () -> runs.calls.size() == 2);
    idle();
    assertEquals(ticks(1, 2), runs.calls);
  }

  @Test
  void aStartInterruptedByACrashIsReissuedUnderTheSameName() throws Exception {
    String id = newId();
    var ref = spawn(id);
    ensure(ref, ScheduleSpec.every(Duration.ofMinutes(1)), "v1");
    runs.hang = true; // the start never answers: the node dies before it is confirmed
    clock.set(Duration.ofMinutes(1));
    await("the tick", () -> runs.calls.size() == 1);
    assertEquals(1, state(ref).unstarted().size());
    stopAndWait(ref);
    runs.hang = false;

    var again = spawn(id);
    await("the start re-issued", () -> runs.calls.size() == 2);
    await("and confirmed", () -> state(again).unstarted().isEmpty());
    idle();
    assertEquals(List.of(tick(Duration.ofMinutes(1)), tick(Duration.ofMinutes(1))), runs.calls);
    assertEquals(ticks(1), runs.distinct(), "one run for the tick");
  }

  /** Stops the schedule at T0 and starts it again at 06:10:30; ticks 06:01 … 06:10 were missed. */
  ActorRef<ScheduleEntity.Command> afterDowntime(String id, ScheduleSettings settings)
      throws Exception {
    var ref = spawn(id, settings);
    ensure(ref, ScheduleSpec.every(Duration.ofMinutes(1)), "v1");
    stopAndWait(ref);
    clock.set(Duration.ofMinutes(10).plusSeconds(30));
    return spawn(id, settings);
  }

  @ParameterizedTest
  @EnumSource(Missed.class)
  void missedTicksFollowThePolicy(Missed missed) throws Exception {
    var ref = afterDowntime(newId(), settings(missed, 100));
    List<String> caughtUp =
        switch (missed) {
          case LATEST -> ticks(10);
          case ALL -> ticks(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
          case SKIP -> List.of();
        };
    await(missed + " catch-up", () -> runs.calls.size() == caughtUp.size());
    idle();
    assertEquals(caughtUp, runs.calls);

    clock.set(Duration.ofMinutes(11));
    await("the next tick", () -> runs.calls.size() == caughtUp.size() + 1);
    idle();
    assertEquals(tick(Duration.ofMinutes(11)), runs.calls.getLast(), "then on schedule");
    assertEquals(caughtUp.size() + 1, runs.calls.size());
    await("starts confirmed", () -> state(ref).unstarted().isEmpty());
  }

  @Test
  void allCatchesUpAtMostMaxCatchUpTicks() throws Exception {
    afterDowntime(newId(), settings(Missed.ALL, 3));
    await("catch-up", () -> runs.calls.size() == 3);
    idle();
    assertEquals(ticks(8, 9, 10), runs.calls, "the most recent ones, oldest first");
  }

  @Test
  void aTickLateByLessThanTheGraceIsNotMissed() throws Exception {
    String id = newId();
    ScheduleSettings skip = settings(Missed.SKIP, 100);
    var ref = spawn(id, skip);
    ensure(ref, ScheduleSpec.every(Duration.ofMinutes(1)), "v1");
    stopAndWait(ref);
    clock.set(Duration.ofMinutes(1).plusSeconds(5)); // grace is 10 s
    spawn(id, skip);
    await("the late tick", () -> runs.calls.size() == 1);
    assertEquals(ticks(1), runs.calls);
  }

  @Test
  void afterStartsTheNextRunOnlyOnceThePreviousOneEnded() throws Exception {
    String id = newId();
    var ref = spawn(id);
    ensure(ref, ScheduleSpec.after(Duration.ofMinutes(1)), "v1");
    await("the first run, at once", () -> runs.calls.size() == 1);
    String first = tick(Duration.ZERO);
    assertEquals(List.of(first), runs.calls);

    clock.set(Duration.ofMinutes(5));
    int polled = runs.polls.get();
    await("a few looks at the first run", () -> runs.polls.get() >= polled + 3);
    assertEquals(1, runs.calls.size(), "the first run is still running");

    runs.status.put(first, Status.COMPLETED);
    await("its end seen", () -> state(ref).lastEnded() != null);
    assertEquals(T0.plus(Duration.ofMinutes(5)), state(ref).lastEnded());
    idle();
    assertEquals(1, runs.calls.size(), "not before a minute has passed");

    clock.set(Duration.ofMinutes(6));
    await("the second run", () -> runs.calls.size() == 2);
    String second = tick(Duration.ofMinutes(6));
    assertEquals(List.of(first, second), runs.calls);

    // A restart while the second run is running keeps waiting for it.
    await("its start confirmed", () -> state(ref).unstarted().isEmpty());
    stopAndWait(ref);
    clock.set(Duration.ofMinutes(20));
    int before = runs.polls.get();
    var again = spawn(id);
    await("a few looks at the second run", () -> runs.polls.get() >= before + 3);
    assertEquals(2, runs.calls.size(), "the second run is still running");
    runs.status.put(second, Status.FAILED);
    await("its end seen", () -> state(again).lastEnded() != null);
    clock.set(Duration.ofMinutes(21));
    await("the third run", () -> runs.calls.size() == 3);
    assertEquals(tick(Duration.ofMinutes(21)), runs.calls.getLast());
  }

  @Test
  void aRemovedScheduleFiresNoMoreAndASetOneCountsAfresh() throws Exception {
    var ref = spawn(newId());
    ensure(ref, ScheduleSpec.every(Duration.ofMinutes(1)), "v1");
    TestProbe<StatusReply<Done>> p = testKit.createTestProbe();
    ref.tell(new ScheduleEntity.Remove(p.ref()));
    assertTrue(p.receiveMessage().isSuccess());
    assertNull(state(ref).spec());
    clock.set(Duration.ofMinutes(5).plusSeconds(30));
    // A removed schedule has no timer to watch: a removal that kept the schedule would keep its
    // start (T0, read below as `since`) and fire on the looks at the clock after the set.
    assertEquals(List.of(), runs.calls);

    ensure(ref, ScheduleSpec.every(Duration.ofMinutes(1)), "v2");
    assertEquals(T0.plus(Duration.ofMinutes(5)).plusSeconds(30), state(ref).since());
    idle();
    assertEquals(List.of(), runs.calls, "nothing fired while removed, no tick owed from before");
    clock.set(Duration.ofMinutes(6).plusSeconds(30));
    await("the first tick after it was set", () -> runs.calls.size() == 1);
    assertEquals(List.of(Ticks.runName(T0.plus(Duration.ofSeconds(390)))), runs.calls);
  }
}
