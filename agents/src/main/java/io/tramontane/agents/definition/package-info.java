/**
 * Agent definitions: YAML files parsed strictly into {@link
 * io.tramontane.agents.definition.AgentDefinition}s, and the per-tenant catalog of every version a
 * session may be pinned to.
 *
 * <h2>Use</h2>
 *
 * <pre>{@code
 * AgentDefinitions loader = new AgentDefinitions(toolNames::contains, modelNames::contains);
 * AgentDefinition d = loader.parse("handbook.yaml", yamlBytes);  // or load(path), loadDirectory
 * catalog.put("acme", d);
 * Optional<AgentDefinition> run = catalog.version("acme", "handbook", pinned);  // a session's
 * }</pre>
 *
 * <ul>
 *   <li>{@link io.tramontane.agents.definition.AgentDefinitions} — the loader: refuses a syntax
 *       error, an unknown key, an unregistered tool, an unconfigured model, an alias bomb or a file
 *       over 256 KiB ({@link io.tramontane.agents.definition.AgentDefinitions#MAX_BYTES}), each
 *       with {@code file:line:column}. Tools that approve by default are added to {@code approval}
 *       unless listed under {@code without-approval}.
 *   <li>{@link io.tramontane.agents.definition.AgentDefinition} — one agent: model, instructions,
 *       the tool allowlist, collections, approvals, limits, optional output schema; {@code version}
 *       is the SHA-256 of the file's bytes.
 *   <li>{@link io.tramontane.agents.definition.Limits} — what one turn may spend (steps, tool
 *       calls, tokens, wall clock); {@code DEFAULT} is 8 / 8 / 32,000 / 2 minutes.
 *   <li>{@link io.tramontane.agents.definition.AgentCatalog} — per tenant, the deployed version of
 *       each name and every version known; what is not in memory is read through its {@link
 *       io.tramontane.agents.definition.AgentCatalog.Store}.
 *   <li>{@link io.tramontane.agents.definition.DefinitionException} — an invalid definition; the
 *       message starts with {@code file:line:column}; not retriable.
 * </ul>
 *
 * <h2>Invariants</h2>
 *
 * <ul>
 *   <li>A session keeps the version it started with, after the definition is replaced or removed;
 *       {@code version(...)} answers empty rather than another version when the store cannot be
 *       read. Only a version never stored falls back to the deployed one, with a warning.
 *   <li>Nothing answers across tenants: the same name in two tenants is two definitions.
 *   <li>The version is the hash of the bytes, and the bytes are what is stored (through {@code
 *       StoredDefinitions}) and parsed again on every node: a change to the parser's rules applies
 *       to stored versions too; one that no longer parses is left out.
 *   <li>{@code AgentCatalog} is thread-safe (concurrent maps; {@code apply} ignores a read older
 *       than one already applied). The loader keeps no state between calls.
 * </ul>
 *
 * <p>Callers: {@code Agents} (at start, on upload, on every node's change notice), the session
 * runtime, and {@code JournalReplay} / {@code tramontane replay}.
 */
package io.tramontane.agents.definition;
