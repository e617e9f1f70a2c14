/**
 * The {@code filesystem} connector, the reference the other connectors copy: a folder kept in sync
 * with a collection by an initial scan, passes every {@code interval}, and a watch that asks for a
 * pass when something changes.
 *
 * <pre>{@code
 * tramontane.connectors.handbook {
 *   kind = filesystem, tenant = acme, collection = handbook, public = on
 *   path = /srv/handbook
 *   "include" = ["**.md", "**.pdf"]       # include is a HOCON keyword: quote it
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link io.tramontane.connectors.filesystem.FileSystemConnector} — the {@link
 *       io.tramontane.connectors.ConnectorKind} {@code filesystem} ({@link
 *       io.tramontane.connectors.filesystem.FileSystemConnector#KIND}); no agent tools. The server
 *       registers it with the other kinds.
 *   <li>{@link io.tramontane.connectors.filesystem.FileSystemSettings} — the kind's keys ({@code
 *       path}, {@code include}, {@code exclude}, {@code max-file-bytes}, {@code debounce}, {@code
 *       parallelism}); a missing folder, a bad glob or a limit over the parser's stops start-up
 *       naming the key.
 *   <li>{@code FileSystemSource} (package-private) — the {@link
 *       io.tramontane.connectors.SyncSource}: one pass over the folder, and the watch.
 * </ul>
 *
 * <h2>A pass</h2>
 *
 * Walks the folder without following symbolic links and takes each included, not excluded file
 * whose version (modification time in ns and size) differs from the manifest kept by the sync
 * entity: reads it, ingests it ({@code parallelism} at a time, on virtual threads), publishes
 * {@code io.tramontane.document.changed} and records the version, in walk order. Every manifest
 * item the walk did not see is deleted and published as {@code io.tramontane.document.deleted},
 * except under a folder that could not be read; a pass asked to stop ends before any deletion. A
 * file over {@code max-file-bytes} is removed from the collection and listed as a failure. The
 * checkpoint is the time the last complete walk started.
 *
 * <h2>Invariants</h2>
 *
 * <ul>
 *   <li>Persisted in the manifest, the index and the event log, so fixed: the document id (the path
 *       relative to the root, with {@code /}), the version string ({@code <mtime ns>:<size>}) and
 *       the event ids ({@code changed:<id>@<version>}, {@code deleted:...}, hashed beyond 512
 *       characters), which let a repeated pass publish nothing twice.
 *   <li>The source sends no ACL of its own: the instance's {@code acl} and {@code public} are added
 *       by the pass context.
 *   <li>The sync entity never runs two passes of one instance at once. The watch debounces (at most
 *       ten times {@code debounce} while changes keep coming); if it stops, passes still run every
 *       {@code interval}.
 * </ul>
 */
package io.tramontane.connectors.filesystem;
