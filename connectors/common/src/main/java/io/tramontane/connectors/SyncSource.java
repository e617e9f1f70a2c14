package io.tramontane.connectors;

import java.time.Duration;

/**
 * A connector's source logic: one sync pass from a checkpoint, called by the connector's sync
 * entity (never concurrently for one instance, always off the actor threads). The entity persists
 * the checkpoints the pass reports, so a pass interrupted by a crash resumes from the last one
 * saved; a pass must therefore be safe to repeat from there (ingesting a document again is
 * harmless: unchanged bytes and permissions are recognised and skipped).
 */
public interface SyncSource {

  /**
   * Runs one pass: brings the collection up to date with the source from {@code checkpoint} (null
   * on the first pass), reporting documents and checkpoints through {@code context}. Returns the
   * checkpoint to start the next pass from. Blocking. A failure that a user can act on is a {@link
   * SyncException}; anything else is reported with its message.
   */
  String sync(String checkpoint, SyncContext context) throws Exception;

  /**
   * Starts watching the source for changes (file system events, IMAP IDLE …), calling {@code
   * syncNow} when a pass should run; closed when the connector stops or is paused. The default
   * watches nothing: passes run on the connector's interval and on request.
   */
  default AutoCloseable watch(Runnable syncNow) {
    return () -> {};
  }

  /**
   * How long to wait before the next pass after a failed one ({@code failures} in a row): by
   * default exponential from 5 s, at most 5 minutes.
   */
  default Duration retryAfter(int failures) {
    long seconds = Math.min(300, 5L << Math.min(6, Math.max(0, failures - 1)));
    return Duration.ofSeconds(seconds);
  }
}
