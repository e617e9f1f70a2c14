package io.tramontane.connectors.filesystem;

import io.tramontane.connectors.ConnectorKind;
import io.tramontane.connectors.ConnectorResources;
import io.tramontane.connectors.ConnectorSettings;
import io.tramontane.connectors.SyncSource;
import java.time.Clock;

/**
 * The {@code filesystem} connector kind: a folder kept in sync with a collection. It offers no
 * tools. See the module's README.
 */
public final class FileSystemConnector implements ConnectorKind {

  public static final String KIND = "filesystem";

  /** Without a node (tests): files up to 64 MiB. */
  static final long DEFAULT_PARSER_LIMIT = 64L * 1024 * 1024;

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public SyncSource source(ConnectorSettings settings, ConnectorResources resources) {
    long limit =
        resources != null && resources.ingestion() != null
            ? resources.ingestion().maxDocumentBytes()
            : DEFAULT_PARSER_LIMIT;
    Clock clock =
        resources != null && resources.clock() != null ? resources.clock() : Clock.systemUTC();
    return new FileSystemSource(settings, FileSystemSettings.from(settings, limit), clock);
  }
}
