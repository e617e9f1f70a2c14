package io.tramontane.server.http.body;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.tramontane.agents.session.AgentSessionEntity;
import io.tramontane.agents.session.SessionEvents;
import io.tramontane.agents.session.SessionState;
import io.tramontane.agents.session.WellFormedText;
import io.tramontane.core.InvalidRequestException;
import io.tramontane.server.http.body.AgentBodies.CitationBody;
import io.tramontane.server.http.body.AgentBodies.UnknownOutcome;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The bodies of an agent session ({@code /agents/{agent}/sessions/{session}}). */
public final class SessionBodies {

  private SessionBodies() {}

  /** The longest principal name a message may carry. */
  public static final int MAX_PRINCIPAL_CHARS = 256;

  /** The most principals a message may carry. */
  public static final int MAX_PRINCIPALS = 256;

  /**
   * {@code POST .../messages}: the user's message, the principals the calling application acts for,
   * and whether to wait for the answer (the default) or be answered 202 at once (member {@code
   * wait}).
   */
  public record MessageRequest(
      String text, List<String> principals, @JsonProperty("wait") Boolean waits) {

    public MessageRequest {
      if (text == null) {
        throw new InvalidRequestException(
            "'text' is required and must be a string: the user's message (1-"
                + AgentSessionEntity.MAX_MESSAGE_CHARS
                + " characters).");
      }
      AgentSessionEntity.checkMessage(text)
          .ifPresent(
              problem -> {
                throw new InvalidRequestException(problem);
              });
      principals = principals == null ? List.of() : principals;
      if (principals.size() > MAX_PRINCIPALS) {
        throw new InvalidRequestException(
            "'principals' has " + principals.size() + " entries; at most " + MAX_PRINCIPALS + ".");
      }
      for (int i = 0; i < principals.size(); i++) {
        String p = principals.get(i);
        if (p == null
            || p.isBlank()
            || p.length() > MAX_PRINCIPAL_CHARS
            || WellFormedText.loneSurrogate(p) >= 0) {
          throw new InvalidRequestException(
              "'principals["
                  + i
                  + "]' must be a non-empty string of at most "
                  + MAX_PRINCIPAL_CHARS
                  + " well-formed characters; 'principals' is an array of strings.");
        }
      }
      waits = waits == null || waits;
    }

    /** The principals, each once, in the order sent. */
    public Set<String> principalSet() {
      return new LinkedHashSet<>(principals);
    }
  }

  /** {@code POST .../decisions}: approve or deny the pending call {@code key}. */
  public record DecisionRequest(String key, Boolean approve, String reason) {

    public DecisionRequest {
      required("key", key != null, "a pending call's key");
      required("approve", approve != null, "true or false");
    }

    private static void required(String field, boolean present, String what) {
      if (!present) {
        throw new InvalidRequestException(
            "'"
                + field
                + "' must be "
                + what
                + ": send {\"key\": \"<pending key>\", \"approve\": true|false}.");
      }
    }
  }

  /**
   * {@code POST .../messages}: the turn's outcome. Which members are present depends on {@code
   * status}: {@code answered} and {@code budget-exceeded} carry {@code answer} and {@code
   * citations} (and {@code outcomeUnknown} when some call's outcome is unknown); {@code
   * awaiting-approval} carries {@code pending}; {@code awaiting-approval}, {@code working} and
   * {@code ended} carry the {@code session} and its {@code events}; {@code ended} carries {@code
   * detail}.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TurnAnswer(
      int turn,
      String status,
      List<String> pending,
      String answer,
      List<CitationBody> citations,
      List<UnknownOutcome> outcomeUnknown,
      String detail,
      String session,
      String events) {}

  /** {@code GET /agents/{agent}/sessions/{session}}. */
  public record SessionView(
      String agent,
      String agentVersion,
      int turn,
      String phase,
      List<PendingCall> pending,
      List<SessionStep> steps) {}

  /** A tool call of the running turn and where it stands. */
  public record PendingCall(String key, String tool, String arguments, String status) {

    public static PendingCall of(SessionState.Pending p) {
      return new PendingCall(
          p.key(), p.tool(), p.arguments(), p.status().name().toLowerCase(Locale.ROOT));
    }
  }

  /**
   * One persisted step of a session ({@code type} is the event's name); in the session view and as
   * the data of its server-sent events. Members that do not apply to the step are absent; {@code
   * citations} is the list of passages of an answer, or how many a tool call returned.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record SessionStep(
      int turn,
      String type,
      String text,
      List<String> calls,
      String key,
      String tool,
      String reason,
      Object citations,
      String limit,
      String detail,
      String error,
      String by,
      String model,
      String kind) {

    public static SessionStep of(SessionEvents.Event e) {
      Builder b = new Builder(e.turn(), e.getClass().getSimpleName());
      return switch (e) {
        case SessionEvents.MessageReceived x -> b.text(x.text()).build();
        case SessionEvents.ModelAnswered x ->
            b.text(x.text())
                .calls(x.calls().stream().map(SessionEvents.RequestedCall::tool).toList())
                .build();
        case SessionEvents.ToolCallRequested x -> b.key(x.key()).tool(x.tool()).build();
        case SessionEvents.ToolCallDenied x -> b.key(x.key()).reason(x.reason()).build();
        case SessionEvents.AnswerProduced x ->
            b.text(x.text()).citations(CitationBody.of(x.citations())).build();
        case SessionEvents.BudgetExceeded x -> b.limit(x.limit()).detail(x.detail()).build();
        case SessionEvents.ToolCallCompleted x ->
            b.key(x.key()).citations(x.result().citations().size()).build();
        case SessionEvents.ToolCallFailed x -> b.key(x.key()).error(x.error()).build();
        case SessionEvents.ToolCallAbandoned x -> b.key(x.key()).reason(x.reason()).build();
        case SessionEvents.ApprovalRequested x -> b.key(x.key()).tool(x.tool()).build();
        case SessionEvents.ApprovalGranted x -> b.key(x.key()).by(x.by()).build();
        case SessionEvents.ApprovalDenied x -> b.key(x.key()).by(x.by()).reason(x.reason()).build();
        case SessionEvents.TurnCancelled x -> b.by(x.by()).build();
        case SessionEvents.ToolCallOutcomeUnknown x ->
            b.key(x.key()).tool(x.tool()).reason(x.reason()).build();
        case SessionEvents.ModelCallFailed x ->
            b.model(x.model()).kind(x.kind()).detail(x.detail()).build();
        default -> b.build();
      };
    }
  }

  /** Fills a {@link SessionStep} member by member. */
  private static final class Builder {
    private final int turn;
    private final String type;
    private String text;
    private List<String> calls;
    private String key;
    private String tool;
    private String reason;
    private Object citations;
    private String limit;
    private String detail;
    private String error;
    private String by;
    private String model;
    private String kind;

    Builder(int turn, String type) {
      this.turn = turn;
      this.type = type;
    }

    Builder text(String v) {
      text = v;
      return this;
    }

    Builder calls(List<String> v) {
      calls = v;
      return this;
    }

    Builder key(String v) {
      key = v;
      return this;
    }

    Builder tool(String v) {
      tool = v;
      return this;
    }

    Builder reason(String v) {
      reason = v;
      return this;
    }

    Builder citations(Object v) {
      citations = v;
      return this;
    }

    Builder limit(String v) {
      limit = v;
      return this;
    }

    Builder detail(String v) {
      detail = v;
      return this;
    }

    Builder error(String v) {
      error = v;
      return this;
    }

    Builder by(String v) {
      by = v;
      return this;
    }

    Builder model(String v) {
      model = v;
      return this;
    }

    Builder kind(String v) {
      kind = v;
      return this;
    }

    SessionStep build() {
      return new SessionStep(
          turn, type, text, calls, key, tool, reason, citations, limit, detail, error, by, model,
          kind);
    }
  }
}
