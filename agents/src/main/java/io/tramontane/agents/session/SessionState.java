package io.tramontane.agents.session;

import io.tramontane.agents.session.SessionEvents.Event;
import io.tramontane.agents.tool.Citation;
import io.tramontane.core.CborSerializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An agent session's state, rebuilt from its events. Immutable; {@link #apply} never fails and
 * never does I/O.
 *
 * @param transcript the events of the last {@link #KEPT_TURNS} turns: the model's memory is a
 *     projection of them, and the session view shows them
 * @param idempotencyKeys the clients' {@code Idempotency-Key}s of the last {@link #KEPT_KEYS}
 *     messages that carried one, oldest first, with the turn each started
 */
public record SessionState(
    String tenant,
    String agent,
    String agentVersion,
    int turn,
    Phase phase,
    Set<String> principals,
    Instant turnStartedAt,
    int steps,
    int toolCalls,
    int requested,
    int tokens,
    List<Pending> pending,
    List<Citation> citations,
    List<Event> transcript,
    Map<String, KeyedTurn> idempotencyKeys)
    implements CborSerializable {

  static final int KEPT_TURNS = 20;

  /** How many idempotency keys a session remembers (the oldest is forgotten first). */
  public static final int KEPT_KEYS = 1000;

  /** The turn a client's idempotency key started, and a hash of the message it came with. */
  public record KeyedTurn(int turn, String requestHash) implements CborSerializable {}

  /** What the session is doing. */
  public enum Phase {
    /** Waiting for a message. */
    IDLE,
    /** The next step is a model call. */
    THINKING,
    /** Tool calls are due. */
    ACTING,
    /** Every due call waits for a person's decision. */
    AWAITING_APPROVAL
  }

  /** A requested call not yet closed. */
  public record Pending(
      String key, String modelCallId, String tool, String arguments, PendingStatus status)
      implements CborSerializable {
    Pending with(PendingStatus s) {
      return new Pending(key, modelCallId, tool, arguments, s);
    }
  }

  /** Where a requested call stands. */
  public enum PendingStatus {
    REQUESTED,
    AWAITING_APPROVAL,
    APPROVED
  }

  public static final SessionState EMPTY =
      new SessionState(
          null,
          null,
          null,
          0,
          Phase.IDLE,
          Set.of(),
          null,
          0,
          0,
          0,
          0,
          List.of(),
          List.of(),
          List.of(),
          Map.of());

  public SessionState {
    idempotencyKeys =
        idempotencyKeys == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(idempotencyKeys));
    principals = principals == null ? Set.of() : Set.copyOf(principals);
    pending = pending == null ? List.of() : List.copyOf(pending);
    citations = citations == null ? List.of() : List.copyOf(citations);
    transcript = transcript == null ? List.of() : List.copyOf(transcript);
  }

  /** The next call to execute: the first requested or approved one, in the model's order. */
  public java.util.Optional<Pending> nextExecutable() {
    return pending.stream()
        .filter(p -> p.status() == PendingStatus.REQUESTED || p.status() == PendingStatus.APPROVED)
        .findFirst();
  }

  public java.util.Optional<Pending> pending(String key) {
    return pending.stream().filter(p -> p.key().equals(key)).findFirst();
  }

  SessionState apply(Event event) {
    List<Event> log = new ArrayList<>(transcript);
    log.add(event);
    SessionState s =
        switch (event) {
          case SessionEvents.MessageReceived e ->
              new SessionState(
                  e.tenant(),
                  e.agent(),
                  agentVersion == null ? e.agentVersion() : agentVersion,
                  e.turn(),
                  Phase.THINKING,
                  e.principals(),
                  e.at(),
                  0,
                  0,
                  0,
                  0,
                  List.of(),
                  List.of(),
                  trim(log, e.turn()),
                  remember(e));
          case SessionEvents.ModelAnswered e ->
              copy(
                  e.calls().isEmpty() ? phase : Phase.ACTING,
                  steps + 1,
                  toolCalls,
                  requested,
                  tokens + e.inputTokens() + e.outputTokens(),
                  pending,
                  citations,
                  log);
          case SessionEvents.ToolCallRequested e -> {
            List<Pending> p = new ArrayList<>(pending);
            p.add(
                new Pending(
                    e.key(), e.modelCallId(), e.tool(), e.arguments(), PendingStatus.REQUESTED));
            yield copy(Phase.ACTING, steps, toolCalls, requested + 1, tokens, p, citations, log);
          }
          case SessionEvents.ApprovalRequested e ->
              withPending(
                  mark(e.key(), PendingStatus.AWAITING_APPROVAL), toolCalls, citations, log);
          case SessionEvents.ApprovalGranted e ->
              withPending(mark(e.key(), PendingStatus.APPROVED), toolCalls, citations, log);
          case SessionEvents.ApprovalDenied e ->
              withPending(without(e.key()), toolCalls, citations, log);
          case SessionEvents.ToolCallCompleted e -> {
            List<Citation> c = new ArrayList<>(citations);
            c.addAll(e.result().citations());
            yield withPending(without(e.key()), toolCalls + 1, c, log);
          }
          case SessionEvents.ToolCallFailed e ->
              withPending(without(e.key()), toolCalls + 1, citations, log);
          case SessionEvents.ToolCallDenied e ->
              withPending(without(e.key()), toolCalls, citations, log);
          case SessionEvents.ToolCallAbandoned e ->
              withPending(without(e.key()), toolCalls, citations, log);
          case SessionEvents.ToolCallOutcomeUnknown e ->
              withPending(without(e.key()), toolCalls + 1, citations, log);
          case SessionEvents.ModelCallFailed e ->
              copy(Phase.IDLE, steps + 1, toolCalls, requested, tokens, List.of(), citations, log);
          case SessionEvents.OutputRejected e ->
              copy(Phase.THINKING, steps, toolCalls, requested, tokens, pending, citations, log);
          case SessionEvents.BudgetExceeded e ->
              copy(phase, steps, toolCalls, requested, tokens, pending, citations, log);
          case SessionEvents.AnswerProduced e ->
              copy(Phase.IDLE, steps, toolCalls, requested, tokens, List.of(), citations, log);
          case SessionEvents.TurnCancelled e ->
              copy(Phase.IDLE, steps, toolCalls, requested, tokens, List.of(), citations, log);
        };
    return s;
  }

  private SessionState copy(
      Phase phase,
      int steps,
      int toolCalls,
      int requested,
      int tokens,
      List<Pending> pending,
      List<Citation> citations,
      List<Event> transcript) {
    return new SessionState(
        tenant,
        agent,
        agentVersion,
        turn,
        phase,
        principals,
        turnStartedAt,
        steps,
        toolCalls,
        requested,
        tokens,
        pending,
        citations,
        transcript,
        idempotencyKeys);
  }

  /** The keys with the message's, if it has one; the oldest goes when there are too many. */
  private Map<String, KeyedTurn> remember(SessionEvents.MessageReceived e) {
    if (e.idempotencyKey() == null) {
      return idempotencyKeys;
    }
    LinkedHashMap<String, KeyedTurn> keys = new LinkedHashMap<>(idempotencyKeys);
    keys.remove(e.idempotencyKey());
    keys.put(e.idempotencyKey(), new KeyedTurn(e.turn(), e.requestHash()));
    while (keys.size() > KEPT_KEYS) {
      keys.remove(keys.keySet().iterator().next());
    }
    return keys;
  }

  /** After a call changed: acting while something can run, waiting while all wait for people. */
  private SessionState withPending(
      List<Pending> p, int toolCalls, List<Citation> citations, List<Event> log) {
    Phase next;
    if (phase == Phase.IDLE) {
      next = Phase.IDLE;
    } else if (p.isEmpty()) {
      next = Phase.THINKING;
    } else if (p.stream().anyMatch(x -> x.status() != PendingStatus.AWAITING_APPROVAL)) {
      next = Phase.ACTING;
    } else {
      next = Phase.AWAITING_APPROVAL;
    }
    return copy(next, steps, toolCalls, requested, tokens, p, citations, log);
  }

  private List<Pending> mark(String key, PendingStatus status) {
    return pending.stream().map(p -> p.key().equals(key) ? p.with(status) : p).toList();
  }

  private List<Pending> without(String key) {
    return pending.stream().filter(p -> !p.key().equals(key)).toList();
  }

  private static List<Event> trim(List<Event> log, int currentTurn) {
    int oldest = currentTurn - KEPT_TURNS + 1;
    if (log.isEmpty() || log.getFirst().turn() >= oldest) {
      return log;
    }
    return log.stream().filter(e -> e.turn() >= oldest).toList();
  }
}
