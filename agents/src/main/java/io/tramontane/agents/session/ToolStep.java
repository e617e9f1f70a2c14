package io.tramontane.agents.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tramontane.agents.definition.AgentDefinition;
import io.tramontane.agents.session.AgentSessionEntity.ToolDeadline;
import io.tramontane.agents.session.AgentSessionEntity.ToolFinished;
import io.tramontane.agents.session.SessionEvents.ApprovalDenied;
import io.tramontane.agents.session.SessionEvents.ApprovalGranted;
import io.tramontane.agents.session.SessionEvents.Event;
import io.tramontane.agents.session.SessionEvents.ToolCallCompleted;
import io.tramontane.agents.session.SessionEvents.ToolCallDenied;
import io.tramontane.agents.session.SessionEvents.ToolCallFailed;
import io.tramontane.agents.tool.Tool;
import io.tramontane.agents.tool.ToolCall;
import io.tramontane.agents.tool.ToolException;
import io.tramontane.agents.tool.ToolResult;
import io.tramontane.core.ConflictException;
import io.tramontane.core.audit.Audit;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tools' side of a turn: the next executable call runs on the runtime's executor with its
 * platform key (tools deduplicate on it) and the turn's remaining time as its deadline; its outcome
 * is persisted before the turn moves on.
 */
final class ToolStep {

  private static final Logger LOG = LoggerFactory.getLogger(AgentSessionEntity.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SessionScope scope;
  private final SessionRuntime runtime;
  private final ActorContext<AgentSessionEntity.Command> context;
  private final EffectFactories<Event, SessionState> effect;
  private final TurnCalls calls;

  ToolStep(SessionScope scope, TurnCalls calls) {
    this.scope = scope;
    this.runtime = scope.runtime();
    this.context = scope.context();
    this.effect = scope.effect();
    this.calls = calls;
  }

  /** Runs the turn's next executable tool call, if the budget allows it. */
  ReplyEffect<Event, SessionState> act(SessionState s, AgentDefinition def, Duration remaining) {
    Optional<SessionState.Pending> next = s.nextExecutable();
    if (next.isEmpty()) {
      return effect.noReply();
    }
    if (s.toolCalls() >= def.limits().maxToolCalls()) {
      return calls.overBudget(s, "max-tool-calls", s.toolCalls() + " tool calls");
    }
    SessionState.Pending p = next.get();
    Tool tool = runtime.tools().find(p.tool()).orElse(null);
    if (tool == null || !def.allows(p.tool())) {
      // The definition changed under a recovering session: refuse rather than run.
      int turn = s.turn();
      return effect
          .persist(new ToolCallDenied(turn, p.key(), p.tool(), "tool no longer allowed"))
          .thenRun(st -> scope.proceed(turn))
          .thenNoReply();
    }
    JsonNode args;
    try {
      args = ToolPolicy.arguments(p.arguments());
    } catch (IOException e) {
      args = JSON.createObjectNode();
    }
    ToolCall call =
        new ToolCall(
            p.tool(),
            args,
            p.key(),
            s.tenant(),
            s.principals(),
            scope.entityId(),
            def.collections());
    int turn = s.turn();
    calls.inFlight(p.key());
    calls.issued(p.key());
    // The turn's time bounds the call too: when it runs out, the turn ends without waiting.
    context.scheduleOnce(remaining, context.getSelf(), new ToolDeadline(turn, p.key()));
    Audit.done(
        "tool call",
        Audit.field("session", scope.entityId()),
        Audit.field("key", p.key()),
        Audit.field("tool", p.tool()));
    context.pipeToSelf(
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return tool.execute(call);
              } catch (ToolException e) {
                throw new CompletionException(e);
              }
            },
            runtime.executor()),
        (result, failure) ->
            new ToolFinished(
                turn, p.key(), result, failure == null ? null : TurnCalls.describe(failure)));
    return effect.noReply();
  }

  /** A tool call ended: its outcome is recorded, unless the turn is over (then only audited). */
  ReplyEffect<Event, SessionState> finished(SessionState s, ToolFinished r) {
    if (r.failure() != null && calls.stopping()) {
      LOG.info(
          "Session {}: the call {} was interrupted by the node stopping; it is issued again, with"
              + " the same key, when the session resumes",
          scope.entityId(),
          r.key());
      return effect.noReply();
    }
    calls.answered(r.key());
    if (r.turn() != s.turn() || s.pending(r.key()).isEmpty()) {
      // The turn ended (cancelled, out of time) while the call ran: its outcome was recorded as
      // unknown; say in the audit log what it turned out to be.
      Audit.refused(
          "late tool outcome",
          Audit.field("session", scope.entityId()),
          Audit.field("key", r.key()),
          Audit.field("outcome", r.failure() == null ? "completed" : "failed"));
      return effect.noReply();
    }
    Event e =
        r.failure() == null
            ? new ToolCallCompleted(
                s.turn(),
                r.key(),
                new ToolResult(WellFormedText.repaired(r.result().text()), r.result().citations()))
            : new ToolCallFailed(s.turn(), r.key(), WellFormedText.repaired(r.failure()));
    int turn = s.turn();
    return effect.persist(e).thenRun(st -> scope.proceed(turn)).thenNoReply();
  }

  /** The turn's time ran out while its call ran: the turn ends, the call's outcome unknown. */
  ReplyEffect<Event, SessionState> deadline(SessionState s, ToolDeadline d) {
    if (d.turn() != s.turn() || !d.key().equals(calls.inFlight()) || s.pending(d.key()).isEmpty()) {
      return effect.noReply();
    }
    String tool = s.pending(d.key()).get().tool();
    Duration limit = scope.definition(s).map(def -> def.limits().timeout()).orElse(Duration.ZERO);
    return calls.overBudget(
        s,
        "timeout",
        "the call to "
            + tool
            + " had not answered when the turn's "
            + TurnCalls.span(limit)
            + " ran out");
  }

  /** A person approves or denies a call waiting for approval; the turn then moves on. */
  ReplyEffect<Event, SessionState> decide(SessionState s, AgentSessionEntity.Decide cmd) {
    Optional<SessionState.Pending> p = s.pending(cmd.key());
    if (p.isEmpty() || p.get().status() != SessionState.PendingStatus.AWAITING_APPROVAL) {
      return effect.reply(
          cmd.replyTo(),
          StatusReply.error(
              new ConflictException("no tool call awaits approval under key '" + cmd.key() + "'")));
    }
    Event e =
        cmd.approve()
            ? new ApprovalGranted(s.turn(), cmd.key(), cmd.by())
            : new ApprovalDenied(
                s.turn(),
                cmd.key(),
                cmd.by(),
                cmd.reason() == null ? "denied by " + cmd.by() : cmd.reason());
    Audit.done(
        cmd.approve() ? "approval granted" : "approval denied",
        Audit.field("session", scope.entityId()),
        Audit.field("key", cmd.key()),
        Audit.field("tool", p.get().tool()),
        Audit.field("by", cmd.by()));
    int turn = s.turn();
    return effect
        .persist(e)
        .thenRun(st -> scope.proceed(turn))
        .thenReply(cmd.replyTo(), st -> StatusReply.success(Done.getInstance()));
  }
}
