package io.tramontane.workflows.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.typesafe.config.ConfigFactory;
import io.tramontane.core.TramontaneConfig;
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
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every schedule event, the state and the commands survive Jackson CBOR as configured. */
class SerializationTest {

  private static ActorTestKit testKit;
  private static final ObjectMapper TREES = new ObjectMapper().registerModule(new JavaTimeModule());
  private static final Instant AT = Instant.parse("2026-03-02T06:00:00Z");

  @BeforeAll
  static void start() {
    testKit =
        ActorTestKit.create(
            "ScheduleSerializationTest",
            ConfigFactory.parseString(
                    "pekko.actor.provider = local\n"
                        + "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off")
                .withFallback(TramontaneConfig.load(Map.of())));
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
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
    Serializer serializer = serialization.findSerializerFor(message);
    assertInstanceOf(JacksonCborSerializer.class, serializer, message.getClass().getName());
    return serialization
        .deserialize(
            serialization.serialize(message).get(),
            serializer.identifier(),
            Serializers.manifestFor(serializer, message))
        .get();
  }

  @ParameterizedTest
  @MethodSource("records")
  void roundTrips(Object message) {
    Object back = roundTrip(message);
    assertEquals(message.getClass(), back.getClass());
    assertEquals(TREES.valueToTree(message), TREES.valueToTree(back));
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
