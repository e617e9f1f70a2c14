/**
 * Agent sessions: one sharded, event-sourced Pekko entity per conversation (key {@code
 * <tenant>/<agent>/<session>}) that calls a language model and tools, one persisted step at a time.
 *
 * <ul>
 *   <li>{@link io.tramontane.agents.session.AgentSessionEntity} — the entity: its commands ({@code
 *       SendMessage}, {@code Decide}, {@code Cancel}, {@code Get}, {@code AwaitTurn}), the handlers
 *       per phase, and {@code init} for sharding. It delegates to package-private workers that
 *       share a {@code SessionScope}: {@code ModelStep} (prompt, budgets, the model call and what
 *       its answer becomes), {@code ToolStep} (runs the next call, deadlines, approvals), {@code
 *       TurnCalls} (the call in flight, the issued calls, cancel and early ends) and {@code
 *       TurnWaiters} (replies to {@code AwaitTurn}, passivation when idle).
 *   <li>{@link io.tramontane.agents.session.SessionEvents} — every step as a persisted event.
 *   <li>{@link io.tramontane.agents.session.SessionState} — the state rebuilt from them; {@code
 *       apply} is pure.
 *   <li>{@link io.tramontane.agents.session.SessionRuntime} — what a session needs from its node:
 *       catalog, models, tools, an executor for blocking calls, a clock, persistence settings.
 *   <li>{@link io.tramontane.agents.session.SessionReplay} — a recorded session fed through the
 *       current definition's rules, with no model or tool call; reports the divergences.
 *   <li>{@code ToolPolicy} (allowlist, registered tool, argument schema; shared with replay),
 *       {@code PromptMemory} (what the model sees), {@code ToolNames} (model-safe tool names),
 *       {@code MessageText} and {@link io.tramontane.agents.session.WellFormedText} (what text may
 *       be persisted), {@code ModelFailure} (a failed model call, for people).
 *   <li>{@link io.tramontane.agents.session.IdempotencyKeyReusedException} — the refusal (422) of a
 *       key that already started a turn with another message.
 * </ul>
 *
 * <h2>Invariants</h2>
 *
 * <ul>
 *   <li>Side effects run only after the step that asks for them is persisted, on {@link
 *       io.tramontane.agents.session.SessionRuntime#executor()}, never on the actor's thread; they
 *       report back as internal commands. The workers' fields (in-flight and issued calls, waiters)
 *       are touched only by the actor and are not persisted: after a restart, ask again.
 *   <li>A tool call is persisted ({@code ToolCallRequested}, key {@code <session>/<turn>/<n>})
 *       before it runs; on recovery a call without an outcome is issued again with the same key. A
 *       call cut off by cancel or timeout is closed as {@code ToolCallOutcomeUnknown}, never
 *       re-issued.
 *   <li>Persisted: the events (and the records they hold, such as {@code RequestedCall}) are
 *       journaled with Jackson-CBOR under their fully-qualified class names and their
 *       {@code @JsonSubTypes} names; {@link io.tramontane.agents.session.SessionState}, commands
 *       and replies cross nodes the same way. Renaming or moving a class, a record component or a
 *       type name breaks existing journals; an added component is ignored by older nodes.
 *   <li>Limits: a message has at most {@link
 *       io.tramontane.agents.session.AgentSessionEntity#MAX_MESSAGE_CHARS} characters; the state
 *       keeps the transcript of the last 20 turns and the last {@link
 *       io.tramontane.agents.session.SessionState#KEPT_KEYS} idempotency keys; an idle session
 *       passivates after two minutes. Budgets (steps, tokens, tool calls, time) come from the
 *       definition's limits.
 * </ul>
 *
 * <p>Callers: {@link io.tramontane.agents.Agents} builds the runtime and calls {@code init}; {@code
 * AgentSessions} sends the commands; {@code SessionJournal} and {@code JournalReplay} call {@link
 * io.tramontane.agents.session.SessionReplay}.
 */
package io.tramontane.agents.session;
