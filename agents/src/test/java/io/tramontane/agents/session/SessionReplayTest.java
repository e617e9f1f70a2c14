package io.tramontane.agents.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tramontane.agents.definition.AgentDefinition;
import io.tramontane.agents.definition.Limits;
import io.tramontane.agents.session.SessionEvents.Event;
import io.tramontane.agents.session.SessionEvents.RequestedCall;
import io.tramontane.agents.tool.ToolRegistry;
import io.tramontane.agents.tool.ToolResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Replaying a recording against changed definitions finds each decision that would change. */
class SessionReplayTest {

  static AgentDefinition def(String version, List<String> tools, Set<String> approval, Limits l) {
    return new AgentDefinition(
        "bookkeeper",
        "",
        "scripted",
        "Keep the ledger.",
        tools,
        List.of(),
        approval,
        l,
        null,
        "test",
        version);
  }

  static final List<Event> RECORDED =
      List.of(
          new SessionEvents.MessageReceived(
              1, "acme", "bookkeeper", "v1", "add 5", Set.of(), Instant.EPOCH, null, null),
          new SessionEvents.ModelAnswered(
              1, 1, "", List.of(new RequestedCall("c1", "ledger.add", "{\"amount\": 5}")), 100, 10),
          new SessionEvents.ToolCallRequested(1, "k/1/0", "c1", "ledger.add", "{\"amount\": 5}"),
          new SessionEvents.ToolCallCompleted(1, "k/1/0", ToolResult.of("ok")),
          new SessionEvents.ModelAnswered(
              1, 2, "", List.of(new RequestedCall("c2", "ledger.add", "{\"amount\": 6}")), 100, 10),
          new SessionEvents.ToolCallRequested(1, "k/1/1", "c2", "ledger.add", "{\"amount\": 6}"),
          new SessionEvents.ToolCallCompleted(1, "k/1/1", ToolResult.of("ok")),
          new SessionEvents.ModelAnswered(1, 3, "Done.", List.of(), 100, 10),
          new SessionEvents.AnswerProduced(1, "Done.", List.of()));

  @Test
  void theSameDefinitionReplaysIdentically() {
    ToolRegistry tools = new ToolRegistry().register(new LedgerTool("ledger.add"));
    AgentDefinition v1 = def("v1", List.of("ledger.add"), Set.of(), Limits.DEFAULT);
    SessionReplay.Report r = SessionReplay.replay(RECORDED, v1, Optional.of(v1), tools);
    assertTrue(r.identical(), r.diverges().toString());
    assertEquals(3, r.modelCalls());
    assertEquals(2, r.toolCalls());
  }

  @Test
  void changedAllowlistApprovalAndLimitsAreEachReported() {
    ToolRegistry tools = new ToolRegistry().register(new LedgerTool("ledger.add"));
    AgentDefinition v1 = def("v1", List.of("ledger.add"), Set.of(), Limits.DEFAULT);
    AgentDefinition removed = def("v2", List.of(), Set.of(), Limits.DEFAULT);
    var r = SessionReplay.replay(RECORDED, removed, Optional.of(v1), tools);
    assertTrue(r.diverges().getFirst().what().contains("tools [ledger.add] → []"), r.toString());
    assertTrue(
        r.diverges().get(1).what().contains("was executed; now it would be refused by policy"),
        r.toString());

    var held =
        SessionReplay.replay(
            RECORDED,
            def("v3", List.of("ledger.add"), Set.of("ledger.add"), Limits.DEFAULT),
            Optional.empty(),
            tools);
    assertTrue(held.diverges().get(1).what().contains("held for approval"), held.toString());

    var tight =
        SessionReplay.replay(
            RECORDED,
            def(
                "v4",
                List.of("ledger.add"),
                Set.of(),
                new Limits(2, 1, 1_000, Duration.ofMinutes(1))),
            Optional.empty(),
            tools);
    List<String> what = tight.diverges().stream().map(SessionReplay.Divergence::what).toList();
    assertTrue(what.stream().anyMatch(w -> w.startsWith("max-tool-calls 1")), what.toString());
    assertTrue(what.stream().anyMatch(w -> w.startsWith("max-steps 2")), what.toString());
  }

  @Test
  void aCancelledCallWithAnUnknownOutcomeAndAFailedModelCallAreReplayedAsRecorded() {
    ToolRegistry tools = new ToolRegistry().register(new LedgerTool("ledger.add"));
    AgentDefinition v1 = def("v1", List.of("ledger.add"), Set.of(), Limits.DEFAULT);
    List<Event> cancelled =
        List.of(
            new SessionEvents.MessageReceived(
                1, "acme", "bookkeeper", "v1", "add 5", Set.of(), Instant.EPOCH, null, null),
            new SessionEvents.ModelAnswered(
                1,
                1,
                "",
                List.of(new RequestedCall("c1", "ledger.add", "{\"amount\": 5}")),
                100,
                10),
            new SessionEvents.ToolCallRequested(1, "k/1/0", "c1", "ledger.add", "{\"amount\": 5}"),
            new SessionEvents.ToolCallOutcomeUnknown(1, "k/1/0", "ledger.add", "cancelled"),
            new SessionEvents.TurnCancelled(1, "alice"),
            new SessionEvents.MessageReceived(
                2, "acme", "bookkeeper", "v1", "again", Set.of(), Instant.EPOCH, null, null),
            new SessionEvents.ModelCallFailed(2, 1, "scripted", "server-error", "500"));
    SessionReplay.Report r = SessionReplay.replay(cancelled, v1, Optional.of(v1), tools);
    assertTrue(r.identical(), r.diverges().toString());
    assertEquals(2, r.modelCalls(), "the failed model call is a model call");
    assertEquals(1, r.toolCalls(), "the call with an unknown outcome was issued");
    assertTrue(r.interrupted().isEmpty(), r.toString());
    assertEquals(List.of("k/1/0"), r.outcomeUnknown().stream().map(i -> i.key()).toList());

    // Interrupted by a crash (no outcome at all): listed as interrupted, not a divergence.
    SessionReplay.Report crashed =
        SessionReplay.replay(cancelled.subList(0, 3), v1, Optional.of(v1), tools);
    assertTrue(crashed.identical(), crashed.diverges().toString());
    assertEquals(1, crashed.interrupted().size(), crashed.toString());

    // The policy changed since: that is a divergence, said with what was recorded.
    AgentDefinition held = def("v2", List.of("ledger.add"), Set.of("ledger.add"), Limits.DEFAULT);
    SessionReplay.Report h = SessionReplay.replay(cancelled, held, Optional.of(v1), tools);
    assertTrue(
        h.diverges().stream()
            .anyMatch(d -> d.what().contains("no recorded outcome") && d.what().contains("held")),
        h.toString());
  }

  @Test
  void invalidArgumentsUnderTheCurrentSchemaAreReported() {
    ToolRegistry tools = new ToolRegistry().register(new LedgerTool("ledger.add"));
    List<Event> bad =
        List.of(
            RECORDED.get(0),
            new SessionEvents.ModelAnswered(
                1,
                1,
                "",
                List.of(new RequestedCall("c1", "ledger.add", "{\"amount\": \"five\"}")),
                1,
                1),
            new SessionEvents.ToolCallRequested(1, "k/1/0", "c1", "ledger.add", "{}"),
            new SessionEvents.ToolCallCompleted(1, "k/1/0", ToolResult.of("ok")));
    var r =
        SessionReplay.replay(
            bad,
            def("v1", List.of("ledger.add"), Set.of(), Limits.DEFAULT),
            Optional.empty(),
            tools);
    assertTrue(r.diverges().getFirst().what().contains("invalid arguments"), r.toString());
  }
}
