/**
 * The kernel every module builds on: layered configuration, the exception hierarchy every edge
 * translates once, the one serialization marker, the blocking-I/O dispatcher, and secrets.
 *
 * <ul>
 *   <li>{@link io.tramontane.core.TramontaneConfig} — loads HOCON, highest first: overrides, JVM
 *       properties, {@code --config} file, {@code application.conf}, every {@code
 *       tramontane-defaults.conf}, every {@code reference.conf}; environment variables enter
 *       through {@code ${?TRAMONTANE_...}} substitutions.
 *   <li>{@link io.tramontane.core.TramontaneException} — the unchecked root; {@code retriable()}
 *       decides HTTP 503 + Retry-After versus 4xx. Subclasses: {@link
 *       io.tramontane.core.ConfigurationException} (stops start-up, names the key), {@link
 *       io.tramontane.core.InvalidRequestException} (400), {@link
 *       io.tramontane.core.NotFoundException} (404, names only what was asked for) and {@link
 *       io.tramontane.core.UnavailableException} (retriable, carries {@code retryAfter}).
 *   <li>{@link io.tramontane.core.CborSerializable} — the marker bound to Jackson CBOR (in {@code
 *       tramontane-defaults.conf}); Java serialization is off.
 *   <li>{@link io.tramontane.core.Dispatchers} — {@value
 *       io.tramontane.core.Dispatchers#BLOCKING_IO}, where JDBC, file and blocking HTTP calls run.
 *   <li>{@link io.tramontane.core.SecretReference} — resolves {@code env:NAME} and {@code
 *       file:/path}; errors name the key, never the value.
 *   <li>{@link io.tramontane.core.KnownSecrets} — every secret resolved in this process, matched as
 *       written, JSON-escaped and URL-encoded, for the logging layer's redaction.
 * </ul>
 *
 * <h2>Invariants</h2>
 *
 * <ul>
 *   <li>Every command, reply, event and state that crosses a node or reaches the journal implements
 *       {@code CborSerializable}; its record components are the stored format.
 *   <li>Exception messages are for the person who acts on them (what, where, how to fix) and never
 *       contain a secret's value.
 *   <li>{@code KnownSecrets} is process-wide and thread-safe (writes synchronised, reads of an
 *       immutable snapshot); values shorter than 6 characters are not registered, so not redacted.
 *   <li>Nothing blocking runs on the default dispatcher.
 * </ul>
 *
 * <pre>{@code
 * Config config = TramontaneConfig.load(Optional.of(Path.of("tramontane.conf")), Map.of());
 * String key = SecretReference.resolve("tramontane.x.api-key", "env:X_API_KEY", System::getenv);
 * }</pre>
 */
package io.tramontane.core;
