package io.tramontane.server.http.body;

import io.tramontane.connectors.ConnectorSettings;
import io.tramontane.connectors.ConnectorStatus;
import java.time.Instant;
import java.util.List;

/** The bodies of the connectors API ({@code /connectors}). */
public final class ConnectorBodies {

  private ConnectorBodies() {}

  /** {@code GET /connectors}: the API key's tenant's connector instances. */
  public record ConnectorList(List<ConnectorView> connectors) {}

  /** A connector instance, its settings and how its passes went. */
  public record ConnectorView(
      String name,
      String kind,
      String collection,
      String interval,
      String state,
      Instant lastSyncStarted,
      Instant lastSuccess,
      long lagSeconds,
      String lastError,
      long documentsSynced,
      long documentsDeleted,
      long itemsFailed,
      long throttledWaits,
      long throttledMillis,
      List<ConnectorStatus.ItemFailure> recentFailures) {

    public static ConnectorView of(ConnectorSettings s, ConnectorStatus st) {
      return new ConnectorView(
          s.name(),
          s.kind(),
          s.collection(),
          s.interval().toString(),
          st.state(),
          st.lastSyncStarted(),
          st.lastSuccess(),
          st.lagSeconds(),
          st.lastError(),
          st.documentsSynced(),
          st.documentsDeleted(),
          st.itemsFailed(),
          st.throttledWaits(),
          st.throttledMillis(),
          st.recentFailures());
    }
  }

  /** {@code POST /connectors/{c}/sync|pause|resume}: what was asked of the connector. */
  public record ConnectorAction(String connector, String status) {}
}
