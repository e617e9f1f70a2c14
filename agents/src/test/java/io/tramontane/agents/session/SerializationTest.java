package io.tramontane.agents.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.tramontane.agents.session.SessionEvents.RequestedCall;
import io.tramontane.agents.tool.Citation;
import io.tramontane.agents.tool.ToolResult;
import io.tramontane.core.TramontaneConfig;
import io.tramontane.testkit.SerializationContract;
import io.tramontane.testkit.TestConfigs;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every session event, the state and the commands survive Jackson CBOR as configured. */
class SerializationTest {

  private static ActorTestKit testKit;
  private static final Instant AT = Instant.parse("2026-12-01T10:00:00.5Z");

  @BeforeAll
  static void start() {
    testKit =
        ActorTestKit.create(
            "AgentSerializationTest", TestConfigs.local(TramontaneConfig.load(Map.of())));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static Stream<Object> records() {
    Citation c =
        new Citation(
            "hr/leave.pdf",
            "Leave",
            "file:///hr/leave.pdf",
            "Leave > Carry",
            3,
            "Up to five days…");
    var received =
        new SessionEvents.MessageReceived(
            1, "acme", "handbook", "abc", "Hi — é?", Set.of("bob", "alice"), AT, null, null);
    var answered =
        new SessionEvents.ModelAnswered(
            1,
            1,
            "",
            List.of(new RequestedCall("call_1", "retrieve", "{\"query\":\"x\"}")),
            120,
            14);
    var keyed =
        new SessionEvents.MessageReceived(
            2, "acme", "handbook", "abc", "Pay INV-7", Set.of("alice"), AT, "k-1", "9f86d0");
    var unknown =
        new SessionEvents.ToolCallOutcomeUnknown(
            1, "acme/payer/s/1/0", "http.request", "outcome unknown (may have been applied): x");
    return Stream.of(
        received,
        answered,
        keyed,
        unknown,
        new SessionEvents.ModelCallFailed(1, 2, "default", "refused", "401"),
        new AgentSessionEntity.TurnStarted(3, true),
        new AgentSessionEntity.Cancelled(1, List.of(unknown)),
        SessionState.EMPTY.apply(keyed),
        new SessionEvents.ToolCallRequested(1, "acme/handbook/s/1/0", "call_1", "retrieve", "{}"),
        new SessionEvents.ApprovalRequested(1, "k", "http.request", "{}"),
        new SessionEvents.ApprovalGranted(1, "k", "carol"),
        new SessionEvents.ApprovalDenied(1, "k", "carol", "no"),
        new SessionEvents.ToolCallCompleted(1, "k", new ToolResult("[1] …", List.of(c))),
        new SessionEvents.ToolCallFailed(1, "k", "timed out"),
        new SessionEvents.ToolCallDenied(1, "k", "mail.forward", "not allowed"),
        new SessionEvents.ToolCallAbandoned(1, "k", "cancelled"),
        new SessionEvents.AnswerProduced(1, "Twenty-five days [1].", List.of(c)),
        new SessionEvents.BudgetExceeded(1, "max-steps", "8 model calls"),
        new SessionEvents.TurnCancelled(1, "alice"),
        new SessionEvents.OutputRejected(1, 2, "the answer is not JSON"),
        SessionState.EMPTY.apply(received).apply(answered));
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
  }

  @Test
  void commandsKeepTheirReplyTo() {
    var probe = testKit.<StatusReply<Done>>createTestProbe();
    var back =
        (AgentSessionEntity.Decide)
            roundTrip(new AgentSessionEntity.Decide("k", true, "carol", null, probe.ref()));
    back.replyTo().tell(StatusReply.ack());
    assertEquals(Done.getInstance(), probe.receiveMessage().getValue());
    var started = testKit.<StatusReply<AgentSessionEntity.TurnStarted>>createTestProbe();
    assertInstanceOf(
        AgentSessionEntity.SendMessage.class,
        roundTrip(new AgentSessionEntity.SendMessage("acme", "hi", Set.of("a"), started.ref())));
    var keyed =
        (AgentSessionEntity.SendMessage)
            roundTrip(
                new AgentSessionEntity.SendMessage(
                    "acme", "hi", Set.of("a"), "k-1", "9f86d0", started.ref()));
    assertEquals("k-1", keyed.idempotencyKey());
    assertEquals("9f86d0", keyed.requestHash());
    var cancelled = testKit.<StatusReply<AgentSessionEntity.Cancelled>>createTestProbe();
    assertInstanceOf(
        AgentSessionEntity.Cancel.class,
        roundTrip(new AgentSessionEntity.Cancel("alice", cancelled.ref())));
  }
}
