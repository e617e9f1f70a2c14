/**
 * Where the journal lives: the embedded H2 file database (the default) or PostgreSQL, shared by
 * pekko-persistence-jdbc and Tramontane's own tables.
 *
 * <ul>
 *   <li>{@link io.tramontane.core.persistence.DatabaseSettings} — {@code tramontane.database}, read
 *       once: kind, URL, user, password (a literal, {@code password-file}, or an {@code
 *       env:}/{@code file:} reference, registered with {@link io.tramontane.core.KnownSecrets}),
 *       pool size; {@code toPekkoConfig()} feeds the journal's shared Slick database. Never prints
 *       the password.
 *   <li>{@link io.tramontane.core.persistence.Database} — a small Hikari pool ({@code max(2,
 *       max-connections / 2)}, opened lazily) for Tramontane's own tables, the readiness ping and
 *       direct reads of the journal tables (the index reconciliation). Every call blocks.
 *   <li>{@link io.tramontane.core.persistence.SchemaInitializer} — creates the journal, tag,
 *       snapshot, durable-state and {@code tramontane_offset} tables if missing, from {@code
 *       h2-schema.sql} or {@code postgres-schema.sql}; idempotent, and on PostgreSQL one
 *       transaction under an advisory lock, so several nodes may run it at once.
 *   <li>{@link io.tramontane.core.persistence.PersistenceSettings} — {@code
 *       tramontane.persistence.on-persist-failure}: entities restart with backoff when the journal
 *       refuses a write.
 *   <li>{@link io.tramontane.core.persistence.JournaledEntity} — the base of the event-sourced
 *       entities: persistence id {@code <type>|<id>}, an empty state and one {@code apply(event)},
 *       tags and snapshots as its {@code Journal} says, restart with backoff on a refused write,
 *       and hooks for recovery, restart and stop.
 *   <li>{@code H2Compaction} (package-private) — rewrites the default H2 file at start ({@code
 *       SHUTDOWN COMPACT}); a custom {@code h2-url} is left alone.
 * </ul>
 *
 * <h2>Invariants</h2>
 *
 * <ul>
 *   <li>The journal tables are pekko-persistence-jdbc's, with its names; {@code tramontane_offset}
 *       is ours (the feeds' offsets). Other code queries them by name in SQL (the feeds' offset
 *       store, the index reconciliation), so the schema files change only together with it.
 *   <li>The default H2 URL ({@code WRITE_DELAY=0;REUSE_SPACE=FALSE;FILE_LOCK=FS}) makes an
 *       acknowledged commit survive kill -9; the file grows while the node runs and is compacted at
 *       the next start. H2 serves one node only; a cluster needs PostgreSQL.
 *   <li>A node opens up to 1.5 × {@code max-connections} connections (journal pool plus this pool).
 *   <li>Blocking: call {@code Database} and {@code SchemaInitializer} on {@link
 *       io.tramontane.core.Dispatchers#BLOCKING_IO} or another non-actor thread.
 * </ul>
 *
 * <p>{@link io.tramontane.core.system.TramontaneSystem} opens the database, runs the schema (when
 * {@code create-schema} is on) and closes the pool in coordinated shutdown.
 */
package io.tramontane.core.persistence;
