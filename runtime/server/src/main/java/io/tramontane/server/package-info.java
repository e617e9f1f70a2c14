/**
 * The Tramontane process: {@link io.tramontane.server.TramontaneServer} starts one node with every
 * module and its HTTP edge; the adapters here plug one module into another's port, so the modules
 * do not depend on each other (workflows know neither agents nor retrieval).
 *
 * <h2>Use</h2>
 *
 * <pre>{@code
 * try (TramontaneServer server = TramontaneServer.start(TramontaneConfig.load(Map.of()))) {
 *   int port = server.port();               // bound; tramontane.lock under the data dir names it
 *   server.modules().agents();              // the running modules, for tests and commands
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link io.tramontane.server.TramontaneServer} — validates API keys and triggers, takes the
 *       data directory, checks that the cluster and HTTP ports are free, then starts inference, the
 *       actor system, retrieval, platform events, connectors, agents, workflows, the webhook intake
 *       (its delivery feed starts the bound workflows) and {@link
 *       io.tramontane.server.http.HttpEdge}; {@code close()} is the graceful stop.
 *   <li>{@link io.tramontane.server.DataDirLock} — one process per data directory: an OS lock on
 *       {@value io.tramontane.server.DataDirLock#FILE_NAME} holding pid, command and URL, so a
 *       second process says who has it instead of waiting for the database.
 *   <li>{@link io.tramontane.server.SearchRetrievers} — the agents' {@link
 *       io.tramontane.agents.tool.Retrievers} port: hybrid search per caller.
 *   <li>{@code RetrievalIngestion} — the connectors' {@link
 *       io.tramontane.connectors.DocumentIngestion} port, onto this node's retrieval.
 *   <li>{@code AgentCall} and {@code RetrieveCall} — the workflows' {@code call: agent} and {@code
 *       call: retrieve} handlers, from {@link io.tramontane.server.TramontaneServer#workflowCalls};
 *       a run acts for no user, so both see the tenant's public documents only.
 * </ul>
 *
 * <h2>Invariants</h2>
 *
 * Configuration mistakes and port clashes stop the start with one {@link
 * io.tramontane.core.ConfigurationException} line before the node starts (a cluster bind failure is
 * translated after it). Shutdown is Pekko's coordinated shutdown: the binding unbinds and gives
 * in-flight requests {@code tramontane.server.shutdown-timeout}; agents, retrieval and inference
 * close in the service-stop phase; the data-directory lock is released when the actor system has
 * terminated. Nothing in this package is persisted.
 *
 * <p>Callers: the {@code serve} and {@code demo} commands of {@link io.tramontane.server.cli} and
 * the tests start servers; the CLI's local node ({@code ask}, {@code run}, {@code ingest}) uses
 * {@code DataDirLock}, {@code SearchRetrievers} and {@code workflowCalls} without the HTTP edge;
 * runtime/bench uses {@code SearchRetrievers}.
 */
package io.tramontane.server;
