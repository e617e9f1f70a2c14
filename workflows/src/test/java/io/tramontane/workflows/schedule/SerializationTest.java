package io.tramontane.workflows.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.tramontane.core.TramontaneConfig;
import io.tramontane.testkit.SerializationContract;
import io.tramontane.testkit.TestConfigs;
import io.tramontane.workflows.definition.ScheduleSpec;
import io.tramontane.workflows.run.WorkflowRunEntity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every schedule event, the state and the commands survive Jackson CBOR as configured. */
class SerializationTest {

  private static ActorTestKit testKit;
  private static final Instant AT = Instant.parse("2026-03-02T06:00:00Z");

  @BeforeAll
  static void start() {
    testKit =
        ActorTestKit.create(
            "ScheduleSerializationTest", TestConfigs.local(TramontaneConfig.load(Map.of())));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static Stream<Object> records() {
    var every = ScheduleSpec.every(Duration.ofMinutes(15));
    var set = new ScheduleEntity.ScheduleSet(every, "abc", "{\"do\":[]}", AT);
    return Stream.of(
        set,
        new ScheduleEntity.ScheduleSet(ScheduleSpec.cron("0 6 * * 1-5"), "abc", "{}", AT),
        new ScheduleEntity.ScheduleSet(ScheduleSpec.after(Duration.ofSeconds(90)), "a", "{}", AT),
        new ScheduleEntity.TickFired(AT, "tick-20260302T060000Z"),
        new ScheduleEntity.StartConfirmed("tick-20260302T060000Z"),
        new ScheduleEntity.RunEnded("tick-20260302T060000Z", AT.plusMillis(1500)),
        new ScheduleEntity.ScheduleRemoved(AT),
        new ScheduleEntity.State(
            every,
            "abc",
            "{}",
            AT,
            AT,
            "tick-20260302T060000Z",
            null,
            List.of(new ScheduleEntity.State.Fired(AT, "tick-20260302T060000Z"))),
        ScheduleEntity.State.EMPTY,
        new WorkflowRunEntity.State(
            WorkflowRunEntity.Status.RUNNING,
            "abc",
            "{}",
            "{}",
            java.util.Map.of("/do/0/a#1", "{\"ok\":1}", "/do/1/b#1", "{\"ok\":2}"),
            null,
            null,
            List.of("{\"id\":\"e1\"}")),
        ScheduleEntity.Wake.INSTANCE,
        new ScheduleEntity.Started("tick-20260302T060000Z"),
        new ScheduleEntity.StartFailed("tick-20260302T060000Z", "timeout"),
        new ScheduleEntity.Observed(
            "tick-20260302T060000Z", WorkflowRunEntity.Status.FAILED, null));
  }

  private static Object roundTrip(Object message) {
    return SerializationContract.roundTrip(testKit.system(), message);
  }

  @ParameterizedTest
  @MethodSource("records")
  void roundTrips(Object message) {
    Object back = roundTrip(message);
    assertEquals(message.getClass(), back.getClass());
    assertEquals(
        SerializationContract.TREES.valueToTree(message),
        SerializationContract.TREES.valueToTree(back));
    assertEquals(message, back);
  }

  @Test
  void commandsKeepTheirReplyTo() {
    var probe = testKit.<StatusReply<Done>>createTestProbe();
    var back =
        (ScheduleEntity.Ensure)
            roundTrip(
                new ScheduleEntity.Ensure(
                    ScheduleSpec.cron("*/5 * * * *"), "abc", "{}", probe.ref()));
    assertEquals(ScheduleSpec.cron("*/5 * * * *"), back.spec());
    back.replyTo().tell(StatusReply.ack());
    assertEquals(Done.getInstance(), probe.receiveMessage().getValue());
    var removed = (ScheduleEntity.Remove) roundTrip(new ScheduleEntity.Remove(probe.ref()));
    removed.replyTo().tell(StatusReply.ack());
    probe.receiveMessage();
    var state = testKit.<StatusReply<ScheduleEntity.State>>createTestProbe();
    assertInstanceOf(ScheduleEntity.Get.class, roundTrip(new ScheduleEntity.Get(state.ref())));
  }
}
