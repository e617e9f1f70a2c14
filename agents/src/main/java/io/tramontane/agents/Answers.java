package io.tramontane.agents;

import io.tramontane.agents.session.SessionEvents;
import io.tramontane.agents.session.SessionState;
import java.util.List;

/** Where a turn stands, read from its session's transcript. */
final class Answers {

  private Answers() {}

  static Agents.Answer working(int turn) {
    return new Agents.Answer(
        turn, "", List.of(), false, List.of(), Agents.Outcome.WORKING, null, List.of());
  }

  /** Where {@code turn} stands in the session {@code s}. */
  static Agents.Answer of(SessionState s, int turn) {
    SessionEvents.AnswerProduced answer = null;
    SessionEvents.ModelCallFailed failed = null;
    boolean budget = false;
    boolean cancelled = false;
    boolean seen = false;
    List<SessionEvents.ToolCallOutcomeUnknown> unknown = new java.util.ArrayList<>();
    for (SessionEvents.Event e : s.transcript()) {
      if (e.turn() != turn) {
        continue;
      }
      seen = true;
      switch (e) {
        case SessionEvents.AnswerProduced a -> answer = a;
        case SessionEvents.ModelCallFailed f -> failed = f;
        case SessionEvents.BudgetExceeded b -> budget = true;
        case SessionEvents.TurnCancelled c -> cancelled = true;
        case SessionEvents.ToolCallOutcomeUnknown u -> unknown.add(u);
        default -> {}
      }
    }
    if (failed != null) {
      return new Agents.Answer(
          turn,
          "The language model could not answer: " + failed.detail() + ".",
          List.of(),
          false,
          List.of(),
          Agents.Outcome.FAILED,
          failed,
          unknown);
    }
    if (answer != null) {
      return new Agents.Answer(
          turn,
          answer.text(),
          answer.citations(),
          false,
          List.of(),
          budget ? Agents.Outcome.BUDGET_EXCEEDED : Agents.Outcome.ANSWERED,
          null,
          unknown);
    }
    if (cancelled) {
      return new Agents.Answer(
          turn,
          "(the turn was cancelled)",
          List.of(),
          false,
          List.of(),
          Agents.Outcome.CANCELLED,
          null,
          unknown);
    }
    if (s.turn() == turn && s.phase() == SessionState.Phase.AWAITING_APPROVAL) {
      return new Agents.Answer(
          turn,
          "",
          List.of(),
          true,
          s.pending().stream().map(SessionState.Pending::key).toList(),
          Agents.Outcome.AWAITING_APPROVAL,
          null,
          unknown);
    }
    if (s.turn() == turn || seen) {
      return working(turn);
    }
    return new Agents.Answer(
        turn,
        "(this turn ended earlier; its steps are no longer kept in the session)",
        List.of(),
        false,
        List.of(),
        Agents.Outcome.EARLIER,
        null,
        List.of());
  }
}
