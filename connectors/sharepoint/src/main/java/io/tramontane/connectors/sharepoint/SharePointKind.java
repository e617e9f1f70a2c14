package io.tramontane.connectors.sharepoint;

import io.tramontane.connectors.ConnectorKind;
import io.tramontane.connectors.ConnectorResources;
import io.tramontane.connectors.ConnectorSettings;
import io.tramontane.connectors.SyncSource;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code sharepoint} connector kind: SharePoint document libraries through Microsoft Graph.
 * Keeps the sources it made by instance name so the server's notification route can reach an
 * instance's {@link ChangeNotifications} ({@link #notifications(String)}). Each instance sends
 * through the platform's outbound-HTTP component under its own policy (graph, authority, download
 * hosts).
 */
public final class SharePointKind implements ConnectorKind {

  public static final String KIND = "sharepoint";

  private final Map<String, SharePointSource> sources = new ConcurrentHashMap<>();

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public SyncSource source(ConnectorSettings settings, ConnectorResources resources) {
    SharePointSettings sp = SharePointSettings.fromConfig(settings, resources.env());
    Clock clock = resources.clock() == null ? Clock.systemUTC() : resources.clock();
    SharePointSource source = new SharePointSource(settings, sp, clock);
    sources.put(settings.name(), source);
    return source;
  }

  /** The change-notification handler of instance {@code name}, once its source exists. */
  public Optional<ChangeNotifications> changeNotifications(String name) {
    return Optional.ofNullable(sources.get(name)).map(SharePointSource::notifications);
  }

  @Override
  public Optional<io.tramontane.connectors.Notifications> notifications(String name) {
    return changeNotifications(name)
        .map(
            n ->
                (query, body) -> {
                  ChangeNotifications.Response r = n.handle(query, body);
                  return new io.tramontane.connectors.Notifications.Reply(
                      r.status(), r.contentType(), r.body());
                });
  }
}
