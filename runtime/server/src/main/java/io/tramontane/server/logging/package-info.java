/**
 * Logging safeguards of the server process: no secret reaches a log line, whichever library writes
 * it and whichever appender prints it.
 *
 * <ul>
 *   <li>{@link io.tramontane.server.logging.SecretRedactingFilter} — a logback turbo filter, so it
 *       sees every event before any appender. An event whose formatted message or exception
 *       (message, causes, suppressed, stack trace) contains a {@link
 *       io.tramontane.core.KnownSecrets known secret} — as written, JSON-escaped or URL-encoded —
 *       is dropped and logged again by the same logger at the same level with each secret replaced
 *       by {@value io.tramontane.core.KnownSecrets#REDACTED}; the stack trace then follows the
 *       message as text. Events without secrets pass untouched.
 * </ul>
 *
 * <h2>Use</h2>
 *
 * <pre>{@code
 * SecretRedactingFilter.install();   // first thing at start: TramontaneServer and the CLI's Main
 * }</pre>
 *
 * The shipped {@code logback.xml} declares the filter as well, so a logback reconfiguration keeps
 * it; {@code install()} adds it to the running context unless it is already there, and does nothing
 * when logback is not the SLF4J backend.
 *
 * <h2>Invariants and limits</h2>
 *
 * <ul>
 *   <li>Only values registered with {@code KnownSecrets} are redacted (everything resolved through
 *       {@code SecretReference}, the database password, API keys; values under 6 characters are
 *       never registered). A secret used before it is registered can be logged in clear.
 *   <li>Only the message and the exception are examined; MDC values and markers are passed on as
 *       they are.
 *   <li>The filter is stateless apart from a thread-local guard that keeps it from examining its
 *       own redacted copy; it is thread-safe. With no secret registered it costs one check.
 *   <li>The redacted copy carries no {@code Throwable}: appenders that render exceptions
 *       structurally (JSON encoders) see the trace inside the message.
 * </ul>
 *
 * <p>Tests: {@code SecretRedactingFilterTest}; {@code SecretRedactionIT} checks the log and the
 * journal of a server whose model provider echoes its key.
 */
package io.tramontane.server.logging;
