package io.tramontane.connectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.tramontane.core.InvalidRequestException;
import io.tramontane.core.UnavailableException;
import io.tramontane.core.event.PlatformEvent;
import io.tramontane.retrieval.ingest.IngestResult;
import io.tramontane.retrieval.ingest.SourceCheckpoint;
import io.tramontane.retrieval.ingest.SourceDocument;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SyncContext} of one pass run by a {@link ConnectorSyncEntity}: documents go to the
 * node's ingestion (tenant and collection forced from the settings), events to the platform events,
 * and checkpoints, manifest changes, counters and failures to the entity, which persists them.
 * Changes are buffered and handed over ("flushed") at each checkpoint, after {@link #FLUSH_CHANGES}
 * changes, {@link #FLUSH_EVERY} after the last flush, and at the end of the pass. Thread-safe: a
 * source may ingest from several threads.
 */
final class PassContext implements SyncContext {

  private static final Logger LOG = LoggerFactory.getLogger(PassContext.class);

  static final int FLUSH_CHANGES = 256;
  static final Duration FLUSH_EVERY = Duration.ofSeconds(2);
  private static final long MAX_BACKOFF_MILLIS = 1000;

  /** Where a flush goes: the entity, which answers once the changes are persisted. */
  @FunctionalInterface
  interface Journal {
    void save(ConnectorSyncEntity.Changes changes);
  }

  private final ConnectorSettings settings;
  private final ConnectorResources resources;
  private final AtomicBoolean stopping;
  private final Journal journal;
  private final Clock clock;
  private final Object flushing = new Object();

  // Guarded by this.
  private final Manifest manifest;
  private String last;
  private String pendingCheckpoint;
  private final Map<String, String> remembered = new LinkedHashMap<>();
  private final Set<String> forgotten = new LinkedHashSet<>();
  private final List<ConnectorStatus.ItemFailure> failures = new ArrayList<>();
  private long synced;
  private long deleted;
  private long failed;
  private long waits;
  private long waitedMillis;
  private int pending;
  private long lastFlush;

  PassContext(
      ConnectorSettings settings,
      ConnectorResources resources,
      String checkpoint,
      Map<String, String> manifest,
      AtomicBoolean stopping,
      Journal journal,
      Clock clock) {
    this.settings = settings;
    this.resources = resources;
    this.last = checkpoint;
    this.manifest = new Manifest(manifest);
    this.stopping = stopping;
    this.journal = journal;
    this.clock = clock;
    this.lastFlush = System.nanoTime();
  }

  @Override
  public ConnectorSettings settings() {
    return settings;
  }

  @Override
  public IngestResult ingest(SourceDocument document) {
    Set<String> acl = new LinkedHashSet<>(document.acl());
    acl.addAll(settings.acl());
    SourceDocument doc =
        new SourceDocument(
            settings.tenant(),
            settings.collection(),
            document.sourceId(),
            acl,
            document.publicToTenant() || settings.publicToTenant(),
            document.sourceUri(),
            document.fileName(),
            document.contentType(),
            document.content(),
            document.modified(),
            document.checkpoint() != null ? document.checkpoint() : sourceCheckpoint(),
            document.metadata());
    IngestResult result = null;
    long backoff = 25;
    while (result == null) {
      try {
        result = await(resources.ingestion().ingest(doc));
      } catch (UnavailableException busy) {
        // Ingestion is at capacity: its back-pressure. Wait a little and offer it again.
        long wait = Math.min(backoff, Math.max(25, busy.retryAfter().toMillis()));
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
        sleep(wait);
      } catch (InvalidRequestException invalid) {
        result = new IngestResult.Failed(document.sourceId(), invalid.getMessage());
      }
    }
    switch (result) {
      case IngestResult.Indexed i -> count(() -> synced++);
      case IngestResult.Unchanged u -> {}
      case IngestResult.Failed f -> itemFailed(f.documentId(), f.reason());
    }
    return result;
  }

  @Override
  public boolean delete(String sourceId) {
    boolean known;
    try {
      known =
          await(
              resources
                  .ingestion()
                  .delete(settings.tenant(), settings.collection(), sourceId, sourceCheckpoint()));
    } catch (InvalidRequestException invalid) {
      return false; // an id that cannot be ingested was never indexed
    }
    if (known) {
      count(() -> deleted++);
    }
    return known;
  }

  /** From the node's index of the collection, once it has caught up with the shared log. */
  @Override
  public Set<String> sourceIds(String prefix) {
    return await(
        resources.ingestion().documentIds(settings.collection(), settings.tenant(), prefix));
  }

  @Override
  public void publish(String type, String id, String subject, JsonNode data) {
    await(
        resources
            .events()
            .publish(
                PlatformEvent.of(
                    settings.tenant(), settings.eventSource(), id, type, subject, data)));
  }

  @Override
  public void checkpoint(String checkpoint) {
    synchronized (this) {
      last = checkpoint;
      pendingCheckpoint = checkpoint;
      pending++;
    }
    flush();
  }

  @Override
  public synchronized String lastCheckpoint() {
    return last;
  }

  @Override
  public void throttled(Duration wait, String reason) {
    LOG.info("Connector {}: the source asks to wait {} ({})", settings.name(), wait, reason);
    count(
        () -> {
          waits++;
          waitedMillis += Math.max(0, wait.toMillis());
        });
  }

  @Override
  public void itemFailed(String item, String reason) {
    LOG.info("Connector {}: {} not taken: {}", settings.name(), item, reason);
    count(
        () -> {
          failed++;
          failures.add(new ConnectorStatus.ItemFailure(item, reason, clock.instant()));
          if (failures.size() > ConnectorSyncEntity.RECENT_FAILURES) {
            failures.removeFirst();
          }
        });
  }

  @Override
  public boolean stopping() {
    return stopping.get() || Thread.currentThread().isInterrupted();
  }

  @Override
  public Manifest manifest() {
    return manifest;
  }

  @Override
  public void remember(String item, String version) {
    count(
        () -> {
          manifest.put(item, version);
          remembered.put(item, version);
          forgotten.remove(item);
        });
  }

  @Override
  public void forget(String item) {
    count(
        () -> {
          manifest.remove(item);
          remembered.remove(item);
          forgotten.add(item);
        });
  }

  /** Hands the buffered changes to the entity and waits until they are persisted. */
  void flush() {
    synchronized (flushing) {
      ConnectorSyncEntity.Changes changes;
      synchronized (this) {
        changes = take();
      }
      if (!changes.isEmpty()) {
        journal.save(changes);
      }
    }
  }

  /** The changes not flushed yet (the end of the pass hands them over with its outcome). */
  ConnectorSyncEntity.Changes drain() {
    synchronized (flushing) {
      synchronized (this) {
        return take();
      }
    }
  }

  private ConnectorSyncEntity.Changes take() {
    ConnectorSyncEntity.Changes c =
        new ConnectorSyncEntity.Changes(
            pendingCheckpoint,
            new LinkedHashMap<>(remembered),
            new ArrayList<>(forgotten),
            synced,
            deleted,
            failed,
            waits,
            waitedMillis,
            new ArrayList<>(failures));
    pendingCheckpoint = null;
    remembered.clear();
    forgotten.clear();
    failures.clear();
    synced = 0;
    deleted = 0;
    failed = 0;
    waits = 0;
    waitedMillis = 0;
    pending = 0;
    lastFlush = System.nanoTime();
    return c;
  }

  private void count(Runnable change) {
    boolean due;
    synchronized (this) {
      change.run();
      pending++;
      due = pending >= FLUSH_CHANGES || System.nanoTime() - lastFlush >= FLUSH_EVERY.toNanos();
    }
    if (due) {
      flush();
    }
  }

  private synchronized SourceCheckpoint sourceCheckpoint() {
    if (last == null) {
      return null;
    }
    try {
      return new SourceCheckpoint(settings.sourceName(), last);
    } catch (IllegalArgumentException tooLong) {
      return null; // over 8 KiB: the index does not carry it
    }
  }

  /** Waits for a stage, interruptibly; its failure is rethrown as it is. */
  static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("the pass was interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      while (cause instanceof CompletionException && cause.getCause() != null) {
        cause = cause.getCause();
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(cause == null ? e.getMessage() : cause.getMessage(), cause);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("the pass was interrupted", e);
    }
  }
}
