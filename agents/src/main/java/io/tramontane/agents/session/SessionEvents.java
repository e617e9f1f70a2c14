package io.tramontane.agents.session;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.tramontane.agents.tool.Citation;
import io.tramontane.agents.tool.ToolResult;
import io.tramontane.core.CborSerializable;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Everything an agent session does, as persisted steps (past tense, one record each). */
public final class SessionEvents {

  private SessionEvents() {}

  /** A step of an agent session. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = MessageReceived.class, name = "message-received"),
    @JsonSubTypes.Type(value = ModelAnswered.class, name = "model-answered"),
    @JsonSubTypes.Type(value = ToolCallRequested.class, name = "tool-call-requested"),
    @JsonSubTypes.Type(value = ApprovalRequested.class, name = "approval-requested"),
    @JsonSubTypes.Type(value = ApprovalGranted.class, name = "approval-granted"),
    @JsonSubTypes.Type(value = ApprovalDenied.class, name = "approval-denied"),
    @JsonSubTypes.Type(value = ToolCallCompleted.class, name = "tool-call-completed"),
    @JsonSubTypes.Type(value = ToolCallFailed.class, name = "tool-call-failed"),
    @JsonSubTypes.Type(value = ToolCallDenied.class, name = "tool-call-denied"),
    @JsonSubTypes.Type(value = ToolCallAbandoned.class, name = "tool-call-abandoned"),
    @JsonSubTypes.Type(value = AnswerProduced.class, name = "answer-produced"),
    @JsonSubTypes.Type(value = BudgetExceeded.class, name = "budget-exceeded"),
    @JsonSubTypes.Type(value = TurnCancelled.class, name = "turn-cancelled"),
    @JsonSubTypes.Type(value = OutputRejected.class, name = "output-rejected"),
    @JsonSubTypes.Type(value = ModelCallFailed.class, name = "model-call-failed"),
    @JsonSubTypes.Type(value = ToolCallOutcomeUnknown.class, name = "tool-call-outcome-unknown")
  })
  public sealed interface Event extends CborSerializable {
    int turn();
  }

  /**
   * A user's message started a turn; the definition version is pinned for the session.
   *
   * @param idempotencyKey the client's {@code Idempotency-Key}, or null: a message sent again with
   *     it returns this turn instead of starting another, also after a restart
   * @param requestHash SHA-256 of the message (text and principals) sent with that key, so the key
   *     reused for another message is recognised; null without a key
   */
  public record MessageReceived(
      int turn,
      String tenant,
      String agent,
      String agentVersion,
      String text,
      Set<String> principals,
      Instant at,
      String idempotencyKey,
      String requestHash)
      implements Event {
    public MessageReceived {
      principals = principals == null ? Set.of() : new java.util.TreeSet<>(principals);
    }
  }

  /** A tool call the model asked for. */
  public record RequestedCall(String modelCallId, String tool, String arguments)
      implements CborSerializable {}

  /** The model answered: text, tool calls, or both. */
  public record ModelAnswered(
      int turn, int step, String text, List<RequestedCall> calls, int inputTokens, int outputTokens)
      implements Event {
    public ModelAnswered {
      calls = calls == null ? List.of() : List.copyOf(calls);
      text = text == null ? "" : text;
    }
  }

  /**
   * A tool call is due, under a platform key {@code <session>/<turn>/<index>}: after a crash the
   * same call is re-issued with the same key, and the tool deduplicates on it.
   */
  public record ToolCallRequested(
      int turn, String key, String modelCallId, String tool, String arguments) implements Event {}

  /** The call waits for a person. */
  public record ApprovalRequested(int turn, String key, String tool, String arguments)
      implements Event {}

  public record ApprovalGranted(int turn, String key, String by) implements Event {}

  public record ApprovalDenied(int turn, String key, String by, String reason) implements Event {}

  public record ToolCallCompleted(int turn, String key, ToolResult result) implements Event {}

  public record ToolCallFailed(int turn, String key, String error) implements Event {}

  /** Policy refused the call (not on the allowlist, invalid arguments): it never ran. */
  public record ToolCallDenied(int turn, String key, String tool, String reason) implements Event {}

  /** The call will not run (turn cancelled or out of budget); closed, never an orphan. */
  public record ToolCallAbandoned(int turn, String key, String reason) implements Event {}

  /**
   * The call was issued but the turn ended (cancelled, out of time) before it answered: its outcome
   * is unknown and it may have been applied. Closed, never re-issued; the model and the user are
   * told exactly that.
   */
  public record ToolCallOutcomeUnknown(int turn, String key, String tool, String reason)
      implements Event {

    /** The words the model and the user read, before the reason. */
    public static final String OUTCOME_UNKNOWN = "outcome unknown (may have been applied)";
  }

  /**
   * A model call failed (the provider's error, its own time-out, an unusable answer). It counts as
   * a step and ends the turn without an answer.
   *
   * @param kind {@code unavailable}, {@code refused}, {@code rate-limited} or {@code timed-out}
   * @param detail a summary for people: status and kind, never the provider's raw body
   */
  public record ModelCallFailed(int turn, int step, String model, String kind, String detail)
      implements Event {}

  /** The turn's answer, with the passages it rests on. */
  public record AnswerProduced(int turn, String text, List<Citation> citations) implements Event {
    public AnswerProduced {
      citations = citations == null ? List.of() : List.copyOf(citations);
    }
  }

  /** A limit was reached before a model or tool call; the turn ends. */
  public record BudgetExceeded(int turn, String limit, String detail) implements Event {}

  public record TurnCancelled(int turn, String by) implements Event {}

  /** The model's final answer did not match the agent's output schema; it is asked again. */
  public record OutputRejected(int turn, int step, String problem) implements Event {}
}
