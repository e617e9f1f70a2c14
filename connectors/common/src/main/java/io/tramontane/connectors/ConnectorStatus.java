package io.tramontane.connectors;

import io.tramontane.core.CborSerializable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Where a connector instance stands, for {@code GET /connectors/{name}} and metrics.
 *
 * @param name instance name
 * @param kind connector kind
 * @param collection the collection it fills
 * @param state {@code idle}, {@code syncing}, {@code paused} or {@code failing}
 * @param lastSyncStarted when the last pass started (null: never)
 * @param lastSuccess when the last pass completed (null: never)
 * @param lastError why the last pass failed (null when it did not), words a user can act on
 * @param lagSeconds seconds since the last completed pass (-1: never completed)
 * @param documentsSynced documents ingested since the instance was created
 * @param documentsDeleted documents removed since the instance was created
 * @param itemsFailed items that could not be taken since the instance was created
 * @param throttledWaits waits the source imposed (429/503 …) since the instance was created
 * @param throttledMillis their total length
 * @param recentFailures the last item failures, newest first (at most 20)
 */
public record ConnectorStatus(
    String name,
    String kind,
    String collection,
    String state,
    Instant lastSyncStarted,
    Instant lastSuccess,
    String lastError,
    long lagSeconds,
    long documentsSynced,
    long documentsDeleted,
    long itemsFailed,
    long throttledWaits,
    long throttledMillis,
    List<ItemFailure> recentFailures)
    implements CborSerializable {

  public ConnectorStatus {
    recentFailures = recentFailures == null ? List.of() : List.copyOf(recentFailures);
  }

  /** One item a pass could not take, and why. */
  public record ItemFailure(String item, String reason, Instant at) implements CborSerializable {}

  /**
   * The status of connector {@code name} ({@code settings} null: not configured) at {@code now}.
   */
  static ConnectorStatus of(
      String name,
      ConnectorSettings settings,
      String state,
      ConnectorSyncEntity.State s,
      Instant now) {
    return new ConnectorStatus(
        name,
        settings == null ? null : settings.kind(),
        settings == null ? null : settings.collection(),
        state,
        s.lastSyncStarted(),
        s.lastSuccess(),
        s.lastError(),
        s.lastSuccess() == null
            ? -1
            : Math.max(0, Duration.between(s.lastSuccess(), now).toSeconds()),
        s.documentsSynced(),
        s.documentsDeleted(),
        s.itemsFailed(),
        s.throttledWaits(),
        s.throttledMillis(),
        s.recentFailures());
  }
}
