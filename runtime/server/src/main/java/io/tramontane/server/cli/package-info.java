/**
 * The {@code tramontane} command line: picocli commands under {@link
 * io.tramontane.server.cli.Main}, the launcher's entry point.
 *
 * <h2>Use</h2>
 *
 * <pre>{@code
 * int code = Main.run(out, err, "validate", "flows/refund.yaml");  // tests: no System.exit
 * }</pre>
 *
 * <ul>
 *   <li>{@link io.tramontane.server.cli.Main} — registers the subcommands, adds every {@link
 *       io.tramontane.server.cli.PluginCommand} found by {@link java.util.ServiceLoader} ({@code
 *       bench}), and turns failures into exit codes.
 *   <li>A node in this process: {@code ServeCommand} ({@code serve}, until SIGTERM) and {@code
 *       DemoCommand} ({@code demo}, with {@code DemoSteps}, {@code DemoCallback}, {@code DemoLog})
 *       start a {@link io.tramontane.server.TramontaneServer}; {@code IngestCommand}, {@code
 *       ReindexCommand}, {@code AskCommand} and {@code RunCommand} start a {@code RetrievalNode}
 *       (no HTTP edge, cluster port 0).
 *   <li>Without a cluster node: {@code SearchCommand} (the last committed index, opened read-only,
 *       so it works beside a server), {@code ReplayCommand} (the journal through a local actor
 *       system: no sharding, model or tool), {@code ValidateCommand} (workflow files), {@code
 *       VersionCommand}.
 *   <li>Over HTTP to a running server: {@code RunsCommand} ({@code runs show|watch|cancel|approve},
 *       with {@code RunsList} for {@code list}) and {@code ClusterCommand}, through {@code
 *       ServerClient} and the {@code --server}/{@code --api-key} options of {@code ServerOptions}.
 *   <li>Shared: {@code ConfigOptions} ({@code --config}, {@code --data-dir}, {@code --db}), {@code
 *       JsonArgument} (JSON arguments with line and column), {@code UsageErrors} (a parse error as
 *       one line, naming the closest real option).
 * </ul>
 *
 * <h2>Invariants</h2>
 *
 * <ul>
 *   <li>Output: stdout is the command's result; progress and errors go to stderr. A failure a user
 *       can fix is one line, {@code tramontane: <message>}, redacted of known secrets, with no
 *       stack trace.
 *   <li>Exit codes: 0 success; 2 usage and configuration errors (a non-retriable {@link
 *       io.tramontane.core.TramontaneException}); 1 anything else, retriable or unreachable; 3 for
 *       a negative result ({@code validate} invalid, {@code ingest} some files failed, {@code
 *       replay} diverges, {@code run} raised an error, {@code runs watch} failed or cancelled).
 *   <li>Every command that starts a node, and {@code replay} on the embedded database, takes the
 *       data directory with {@link io.tramontane.server.DataDirLock}; beside a server it stops at
 *       once, saying what to do instead (usually: use the server's REST API).
 *   <li>Nothing here is persisted; {@code run} runs a workflow locally without journaling it.
 * </ul>
 */
package io.tramontane.server.cli;
