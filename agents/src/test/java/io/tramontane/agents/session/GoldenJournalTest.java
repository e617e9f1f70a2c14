package io.tramontane.agents.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tramontane.core.TramontaneConfig;
import io.tramontane.testkit.GoldenJournalExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A session's journal recorded by an earlier version (one turn: the question, the model asking for
 * a retrieval, the tool's cited result, the answer; src/test/resources/golden, by {@link
 * RecordGoldenJournals}) replays through today's serializer and the session's event handler ({@link
 * SessionState#apply}) to the same session: idle after turn 1, with the answer's citation.
 */
class GoldenJournalTest {

  @RegisterExtension
  static final GoldenJournalExtension golden =
      new GoldenJournalExtension(TramontaneConfig.load(Map.of()));

  @Test
  void aRecordedTurnRecoversAsTheSameSession() {
    List<Object> events = golden.replay("/golden/agent-session.json");
    SessionState state = SessionState.EMPTY;
    for (Object e : events) {
      state = state.apply((SessionEvents.Event) e);
    }
    SessionState expected = SessionState.EMPTY;
    for (Object e : RecordGoldenJournals.turn()) {
      expected = expected.apply((SessionEvents.Event) e);
    }
    assertEquals("acme", state.tenant());
    assertEquals("handbook", state.agent());
    assertEquals(1, state.turn());
    assertEquals(1, state.toolCalls());
    assertEquals(List.of(), state.pending());
    assertEquals(expected.phase(), state.phase());
    assertEquals(expected.citations(), state.citations());
    assertEquals(expected.transcript(), state.transcript());
  }
}
