package io.tramontane.connectors;

import io.tramontane.connectors.ConnectorSyncEntity.Changes;
import io.tramontane.connectors.ConnectorSyncEntity.State;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The next versions of a connector's sync state ({@link State#apply}): paused or resumed, a pass
 * started or ended, a pass's changes folded in (manifest, counters, the recent item failures,
 * newest first, at most {@link ConnectorSyncEntity#RECENT_FAILURES}).
 */
final class SyncProgress {

  private SyncProgress() {}

  static State paused(State s, Boolean paused) {
    return with(
        s,
        s.checkpoint(),
        paused,
        s.lastSyncStarted(),
        s.lastSuccess(),
        s.lastError(),
        s.failuresInARow());
  }

  static State pass(
      State s, String checkpoint, Instant started, Instant success, String error, int inARow) {
    return with(s, checkpoint, s.paused(), started, success, error, inARow);
  }

  private static State with(
      State s,
      String checkpoint,
      Boolean paused,
      Instant started,
      Instant success,
      String error,
      int inARow) {
    return new State(
        checkpoint,
        paused,
        started,
        success,
        error,
        inARow,
        s.documentsSynced(),
        s.documentsDeleted(),
        s.itemsFailed(),
        s.throttledWaits(),
        s.throttledMillis(),
        s.recentFailures(),
        s.manifest());
  }

  static State progressed(State s, Changes c) {
    Map<String, String> manifest = s.manifest();
    if (!c.remembered().isEmpty() || !c.forgotten().isEmpty()) {
      Map<String, String> changed = new HashMap<>(manifest);
      changed.putAll(c.remembered());
      c.forgotten().forEach(changed::remove);
      manifest = changed;
    }
    List<ConnectorStatus.ItemFailure> recent = s.recentFailures();
    if (!c.failures().isEmpty()) {
      List<ConnectorStatus.ItemFailure> r = new ArrayList<>(c.failures().reversed());
      r.addAll(s.recentFailures());
      recent = r.subList(0, Math.min(ConnectorSyncEntity.RECENT_FAILURES, r.size()));
    }
    return new State(
        c.checkpoint() != null ? c.checkpoint() : s.checkpoint(),
        s.paused(),
        s.lastSyncStarted(),
        s.lastSuccess(),
        s.lastError(),
        s.failuresInARow(),
        s.documentsSynced() + c.synced(),
        s.documentsDeleted() + c.deleted(),
        s.itemsFailed() + c.failed(),
        s.throttledWaits() + c.throttledWaits(),
        s.throttledMillis() + c.throttledMillis(),
        recent,
        manifest);
  }
}
