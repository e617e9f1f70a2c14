/**
 * Workflows on a node: deployed definitions, starting and reading durable runs, schedules, webhook
 * triggers and platform events, and the live side of a run's effects. The durable run itself is in
 * {@link io.tramontane.workflows.run}.
 *
 * <h2>Use</h2>
 *
 * <pre>{@code
 * Workflows workflows = Workflows.start(node, List.of(agentCall, retrieveCall), events, config);
 * workflows.deploy("acme", "refund", "refund.yaml", yaml);            // checked whole, then stored
 * workflows.start("acme", "refund", "order-42", input);               // same name again: same run
 * workflows.deliver("acme", "refund", "order-42", approvalEvent);     // for a waiting listen
 * }</pre>
 *
 * <ul>
 *   <li>{@link io.tramontane.workflows.node.Workflows} — the entry point: deploys the definitions
 *       directory at start, checks the configured triggers, registers {@link
 *       io.tramontane.workflows.run.WorkflowRunEntity} with sharding, and starts, reads, cancels
 *       runs and delivers events to them; {@code onDelivery} starts one run per webhook delivery
 *       ({@code hook-<delivery id>}), {@code onEvent} one per platform event a definition's {@code
 *       schedule.on} matches ({@code evt-<hash>}) and publishes the event to waiting runs.
 *   <li>{@link io.tramontane.workflows.node.WorkflowRuns} — the read side, from the JDBC read
 *       journal: a run's events as JSON (recorded, then live) and pages of a workflow's runs.
 *   <li>{@link io.tramontane.workflows.node.NodeEffects} — {@code call: <function>} to the {@link
 *       io.tramontane.workflows.call.CallHandler} of that name with the idempotency key {@code <run
 *       id>/<effect key>}; durable {@code wait} sleeps on the run's virtual thread.
 *   <li>{@code EmittingEffects} — wraps them so that {@code emit} publishes a platform event.
 *   <li>{@code Deployments} — the deployed definitions per tenant and name, kept in {@link
 *       io.tramontane.core.definition.StoredDefinitions} and followed on every node; {@code
 *       Schedules} keeps each one's {@link io.tramontane.workflows.schedule.ScheduleEntity} in
 *       step.
 * </ul>
 *
 * <h2>Invariants</h2>
 *
 * <ul>
 *   <li>Tenancy: a run's id is {@code <tenant>/<workflow>/<run name>} (names 1–128 of {@code
 *       [A-Za-z0-9._:-]}); every method takes the caller's tenant, and {@code WorkflowRuns} reads
 *       only journal ids under {@code WorkflowRun|<tenant>/<workflow>/}.
 *   <li>Persisted names that must not change: the stored-definition kind {@code WorkflowDefinition}
 *       and the run entity's type key {@code WorkflowRun} (both are in journal ids). A run is
 *       pinned to the definition's tree and hash it started with.
 *   <li>A definition is validated completely before it is stored: a refused one changes nothing.
 *   <li>Thread-safety: the public methods may be called from any thread; they ask the entities (30
 *       s) and answer with {@link java.util.concurrent.CompletionStage}s. {@code Deployments} keeps
 *       its maps concurrent and applies store changes one at a time.
 * </ul>
 *
 * <p>Callers: {@code io.tramontane.server.TramontaneServer} (start, webhook deliveries), the REST
 * routes of {@code io.tramontane.server.http}, and {@code tramontane run} ({@code NodeEffects}).
 */
package io.tramontane.workflows.node;
