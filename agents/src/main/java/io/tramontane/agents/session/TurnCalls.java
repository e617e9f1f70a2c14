package io.tramontane.agents.session;

import io.tramontane.agents.session.SessionEvents.AnswerProduced;
import io.tramontane.agents.session.SessionEvents.BudgetExceeded;
import io.tramontane.agents.session.SessionEvents.Event;
import io.tramontane.agents.session.SessionEvents.ToolCallAbandoned;
import io.tramontane.agents.session.SessionEvents.TurnCancelled;
import io.tramontane.core.audit.Audit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The calls of a session's current turn: the one in flight (model or tool), the tool calls that may
 * have reached their tool (issued by this incarnation, or due when the session recovered: it may
 * have run before the crash), and how a turn ends early — out of budget, or with an answer of the
 * platform's — closing its open calls.
 */
final class TurnCalls {

  private final SessionScope scope;
  private final TurnWaiters waiters;
  private final Set<String> issued = new HashSet<>();
  private String inFlight;

  TurnCalls(SessionScope scope, TurnWaiters waiters) {
    this.scope = scope;
    this.waiters = waiters;
  }

  /** The call in flight (a tool call's key, or {@code model:<turn>:<step>}); null when none. */
  String inFlight() {
    return inFlight;
  }

  void inFlight(String call) {
    inFlight = call;
  }

  /** The tool call {@code key} may reach its tool from now on. */
  void issued(String key) {
    issued.add(key);
  }

  /** The tool call {@code key} answered. */
  void answered(String key) {
    if (key.equals(inFlight)) {
      inFlight = null;
    }
    issued.remove(key);
  }

  /**
   * Cancel the turn: its open calls are closed (one in flight as its outcome unknown), and the
   * reply names the calls that may have been applied.
   */
  ReplyEffect<Event, SessionState> cancel(SessionState s, AgentSessionEntity.Cancel cmd) {
    List<Event> events = close(s, "the turn was cancelled");
    List<SessionEvents.ToolCallOutcomeUnknown> unknown =
        events.stream()
            .filter(e -> e instanceof SessionEvents.ToolCallOutcomeUnknown)
            .map(e -> (SessionEvents.ToolCallOutcomeUnknown) e)
            .toList();
    events.add(new TurnCancelled(s.turn(), cmd.by()));
    inFlight = null;
    int turn = s.turn();
    return scope
        .effect()
        .persist(events)
        .thenRun(waiters::answer)
        .thenReply(
            cmd.replyTo(),
            st -> StatusReply.success(new AgentSessionEntity.Cancelled(turn, unknown)));
  }

  /**
   * Whether the node is stopping (the agents' executor is shut down): a model or tool call it
   * interrupted did not fail, and must not be recorded as failed; the session resumes it (same key)
   * on the node that takes it over.
   */
  boolean stopping() {
    return scope.runtime().executor() instanceof ExecutorService es && es.isShutdown();
  }

  ReplyEffect<Event, SessionState> overBudget(SessionState s, String limit, String detail) {
    List<Event> events = new ArrayList<>();
    events.add(new BudgetExceeded(s.turn(), limit, detail));
    List<Event> closed = close(s, "budget " + limit + " reached");
    events.addAll(closed);
    StringBuilder answer =
        new StringBuilder(
            "I stopped before finishing: this turn reached its "
                + limit
                + " limit ("
                + detail
                + ").");
    for (Event e : closed) {
      if (e instanceof SessionEvents.ToolCallOutcomeUnknown u) {
        answer
            .append(" The call to ")
            .append(u.tool())
            .append(" (key ")
            .append(u.key())
            .append(") was issued but did not answer: its ")
            .append(SessionEvents.ToolCallOutcomeUnknown.OUTCOME_UNKNOWN)
            .append("; check before asking for it again.");
      }
    }
    answer.append(" Ask again with a narrower question, or raise the agent's limits.");
    events.add(new AnswerProduced(s.turn(), answer.toString(), s.citations()));
    inFlight = null;
    return scope.effect().persist(events).thenRun(waiters::answer).thenNoReply();
  }

  ReplyEffect<Event, SessionState> end(SessionState s, String answer) {
    List<Event> events = close(s, answer);
    events.add(new AnswerProduced(s.turn(), answer, s.citations()));
    inFlight = null;
    return scope.effect().persist(events).thenRun(waiters::answer).thenNoReply();
  }

  /**
   * Closes the turn's open calls: one that may have reached its tool (issued, no outcome) as {@link
   * SessionEvents.ToolCallOutcomeUnknown}, the others as {@link ToolCallAbandoned} (never run).
   */
  List<Event> close(SessionState s, String why) {
    List<Event> events = new ArrayList<>();
    for (SessionState.Pending p : s.pending()) {
      if (issued.contains(p.key())) {
        Audit.refused(
            "tool outcome unknown",
            Audit.field("session", scope.entityId()),
            Audit.field("key", p.key()),
            Audit.field("tool", p.tool()),
            Audit.field("reason", why));
        events.add(
            new SessionEvents.ToolCallOutcomeUnknown(
                s.turn(),
                p.key(),
                p.tool(),
                SessionEvents.ToolCallOutcomeUnknown.OUTCOME_UNKNOWN
                    + ": the call was issued and "
                    + why
                    + " before it answered; check before repeating it"));
      } else {
        events.add(new ToolCallAbandoned(s.turn(), p.key(), why));
      }
    }
    issued.clear();
    return events;
  }

  /** "3 s", or "300 ms" under a second. */
  static String span(Duration d) {
    return d.compareTo(Duration.ofSeconds(1)) < 0 ? d.toMillis() + " ms" : d.toSeconds() + " s";
  }

  static String describe(Throwable failure) {
    Throwable e = failure;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof TimeoutException) {
      return "timed out";
    }
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
