/**
 * Durable workflow runs: a deterministic interpreter of the Serverless Workflow DSL, made durable
 * by replaying recorded effect outcomes, inside one sharded, event-sourced entity per run.
 *
 * <h2>Use</h2>
 *
 * <pre>{@code
 * // Not durable (tramontane run): an in-memory journal, the node's live effects.
 * Interpreter.Result r = Interpreter.run(definition.tree(), input, new Replay(journal, live, clock));
 * // Durable: one entity per run, started through io.tramontane.workflows.node.Workflows.
 * WorkflowRunEntity.init(system, new WorkflowRunEntity.Runtime(liveByRunId, clock, persistence, topic));
 * }</pre>
 *
 * <ul>
 *   <li>{@link io.tramontane.workflows.run.WorkflowRunEntity} — one run (key {@code
 *       <tenant>/<workflow>/<run>}): its commands, events ({@code RunStarted} carries the pinned
 *       definition, {@code EffectRecorded}, {@code EventReceived}, {@code RunCompleted}, {@code
 *       RunFailed}, {@code RunCancelled}) and {@code State}. Its helpers: {@code RunThread} (the
 *       virtual thread an incarnation runs on), {@code RunEvents} (delivered and platform events,
 *       persisted once per id), {@code Passivation} (an ended run is stopped and forgotten 10 s
 *       later), {@code RecordedEffects} (the outcomes map, appended without copying).
 *   <li>{@link io.tramontane.workflows.run.Interpreter} — control and data flow; every side effect
 *       goes through {@link io.tramontane.workflows.run.Interpreter.Effects}.
 *   <li>{@link io.tramontane.workflows.run.Replay} — those effects over a {@link
 *       io.tramontane.workflows.run.Replay.Journal} and a {@link
 *       io.tramontane.workflows.run.Replay.Live}: a recorded outcome is returned, never repeated;
 *       timers and timeouts record their due time first.
 *   <li>{@link io.tramontane.workflows.run.Inbox} — a run's events and the {@code listen}
 *       strategies and filters; {@code Listens} resolves a listen's expectations and output.
 *   <li>{@link io.tramontane.workflows.run.Expressions} — jq ({@code ${ … }}) with the DSL's
 *       variables; {@link io.tramontane.workflows.run.WorkflowError} — the DSL's RFC 7807 error.
 * </ul>
 *
 * <h2>Invariants</h2>
 *
 * <ul>
 *   <li>Every effect's outcome is persisted before the run moves on. Its key, {@code <task
 *       reference>#<occurrence>} (a timer's due time under {@code <key>/due}), is both the replay
 *       key and, as {@code <run id>/<key>}, a call's idempotency key: after a crash an effect whose
 *       outcome was not recorded runs again with the same key. Changing the key scheme or the
 *       interpreter's order of effects breaks recorded runs.
 *   <li>Persisted: the events are journaled with Jackson-CBOR under their fully-qualified class
 *       names (and their {@code @JsonSubTypes} names), with outcomes, definitions, inputs and
 *       events as JSON strings, under the entity type key {@code WorkflowRun}; commands and {@code
 *       State} cross nodes the same way. Renaming a class or a record component breaks recorded
 *       runs; an added component is ignored by older nodes.
 *   <li>Threads: the entity's state belongs to the actor; the run thread talks to it only by
 *       messages (it waits up to 30 s for {@code Record} to be persisted). {@link
 *       io.tramontane.workflows.run.Inbox} is synchronized, shared by the entity and the thread;
 *       {@code Finished} and {@code Listening} of an earlier incarnation (before a cancel) are
 *       ignored.
 *   <li>Limits: a run fails after 10,000 task transitions; an event is taken by one listen only.
 * </ul>
 *
 * <p>Callers: {@link io.tramontane.workflows.node.Workflows} (starts, reads, cancels, delivers),
 * {@code io.tramontane.workflows.node.WorkflowRuns} (reads the events), and the CLI's {@code run}.
 */
package io.tramontane.workflows.run;
