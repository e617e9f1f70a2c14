package io.tramontane.connectors;

import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watch on a connector's source while it is not paused: a change it sees asks the entity for a
 * pass ({@link ConnectorSyncEntity.Changed}). A source that cannot be watched is synced every
 * {@code interval} only.
 */
final class SourceWatch {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectorSyncEntity.class);

  private final String name;
  private final ConnectorSyncEntity.Instance instance;
  private final ActorRef<ConnectorSyncEntity.Command> self;
  private AutoCloseable watch;

  /** {@code instance} null: not configured, nothing to watch. */
  SourceWatch(
      String name,
      ConnectorSyncEntity.Instance instance,
      ActorRef<ConnectorSyncEntity.Command> self) {
    this.name = name;
    this.instance = instance;
    this.self = self;
  }

  void open() {
    if (watch != null || instance == null) {
      return;
    }
    try {
      watch = instance.source().watch(() -> self.tell(ConnectorSyncEntity.Changed.INSTANCE));
    } catch (RuntimeException e) {
      LOG.warn(
          "Connector {}: cannot watch the source ({}); passes run every {}",
          name,
          PassThread.summary(e),
          instance.settings().interval());
    }
  }

  void close() {
    if (watch == null) {
      return;
    }
    try {
      watch.close();
    } catch (Exception e) {
      LOG.debug("Connector {}: closing the watch: {}", name, e.toString());
    }
    watch = null;
  }
}
