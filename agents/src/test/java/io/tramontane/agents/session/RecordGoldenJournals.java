package io.tramontane.agents.session;

import io.tramontane.agents.session.SessionEvents.RequestedCall;
import io.tramontane.agents.tool.Citation;
import io.tramontane.agents.tool.ToolResult;
import io.tramontane.core.TramontaneConfig;
import io.tramontane.testkit.GoldenJournal;
import io.tramontane.testkit.TestConfigs;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;

/**
 * Writes the golden journal of {@link AgentSessionEntity} (one turn with a tool call) from today's
 * code. Not a test and never run by the build: run it by hand only for a NEW fixture; an existing
 * fixture stands for journals already on disks and is never re-recorded.
 */
final class RecordGoldenJournals {

  static final Instant AT = Instant.parse("2026-12-01T10:00:00.5Z");
  static final Citation CITATION =
      new Citation(
          "hr/leave.pdf", "Leave", "file:///hr/leave.pdf", "Leave > Carry", 3, "Up to five days…");

  static List<Object> turn() {
    return List.of(
        new SessionEvents.MessageReceived(
            1,
            "acme",
            "handbook",
            "abc",
            "How many days of leave?",
            Set.of("alice"),
            AT,
            null,
            null),
        new SessionEvents.ModelAnswered(
            1,
            1,
            "",
            List.of(new RequestedCall("call_1", "retrieve", "{\"query\":\"leave days\"}")),
            120,
            14),
        new SessionEvents.ToolCallRequested(
            1, "acme/handbook/s1/1/0", "call_1", "retrieve", "{\"query\":\"leave days\"}"),
        new SessionEvents.ToolCallCompleted(
            1, "acme/handbook/s1/1/0", new ToolResult("[1] Up to five days…", List.of(CITATION))),
        new SessionEvents.AnswerProduced(1, "Twenty-five days [1].", List.of(CITATION)));
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "agents/src/test/resources/golden");
    ActorTestKit kit =
        ActorTestKit.create("Record", TestConfigs.local(TramontaneConfig.load(Map.of())));
    try {
      GoldenJournal.record(
          kit.system(),
          "AgentSessionEntity",
          "AgentSession|acme/handbook/s1",
          turn(),
          dir.resolve("agent-session.json"));
    } finally {
      kit.shutdownTestKit();
    }
  }
}
