package io.tramontane.connectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.tramontane.retrieval.ingest.IngestResult;
import io.tramontane.retrieval.ingest.SourceDocument;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link SyncContext} that indexes nothing: it keeps what a pass would do in memory — documents
 * by source id (the last one wins), deletions, events, checkpoints, waits and failures. For trying
 * a source's settings without touching a collection, and for testing sources.
 */
public final class DryRunContext implements SyncContext {

  /** A published event. */
  public record Published(String type, String id, String subject, JsonNode data) {}

  private final ConnectorSettings settings;
  private final Map<String, SourceDocument> documents = new LinkedHashMap<>();
  private final List<String> ingested = new ArrayList<>();
  private final List<String> deleted = new ArrayList<>();
  private final List<Published> events = new ArrayList<>();
  private final List<String> checkpoints = new ArrayList<>();
  private final List<Duration> waits = new ArrayList<>();
  private final Map<String, String> failures = new LinkedHashMap<>();
  private final Manifest manifest = new Manifest(Map.of());
  private final AtomicBoolean stopping = new AtomicBoolean();
  private String last;

  public DryRunContext(ConnectorSettings settings) {
    this.settings = settings;
  }

  /** Starts from {@code checkpoint} (as if saved by an earlier pass). */
  public DryRunContext(ConnectorSettings settings, String checkpoint) {
    this(settings);
    this.last = checkpoint;
  }

  /**
   * Starts from {@code checkpoint} with a collection that already holds {@code present} (as left by
   * earlier passes, e.g. {@code earlier.documents()}): they answer {@link #sourceIds} and stay in
   * {@link #documents()} until deleted.
   */
  public DryRunContext(
      ConnectorSettings settings, String checkpoint, Map<String, SourceDocument> present) {
    this(settings, checkpoint);
    documents.putAll(present);
  }

  @Override
  public ConnectorSettings settings() {
    return settings;
  }

  @Override
  public synchronized IngestResult ingest(SourceDocument document) {
    documents.put(document.sourceId(), document);
    ingested.add(document.sourceId());
    return new IngestResult.Indexed(document.sourceId(), 0, false, List.of());
  }

  @Override
  public synchronized boolean delete(String sourceId) {
    deleted.add(sourceId);
    return documents.remove(sourceId) != null;
  }

  /**
   * The source ids the dry-run collection holds: those it started with and those ingested since.
   */
  @Override
  public synchronized Set<String> sourceIds(String prefix) {
    Set<String> ids = new TreeSet<>();
    for (String id : documents.keySet()) {
      if (id.startsWith(prefix)) {
        ids.add(id);
      }
    }
    return ids;
  }

  @Override
  public synchronized void publish(String type, String id, String subject, JsonNode data) {
    events.add(new Published(type, id, subject, data));
  }

  @Override
  public synchronized void checkpoint(String checkpoint) {
    checkpoints.add(checkpoint);
    last = checkpoint;
  }

  @Override
  public synchronized String lastCheckpoint() {
    return last;
  }

  @Override
  public synchronized void throttled(Duration wait, String reason) {
    waits.add(wait);
  }

  @Override
  public synchronized void itemFailed(String item, String reason) {
    failures.put(item, reason);
  }

  @Override
  public boolean stopping() {
    return stopping.get();
  }

  /** The manifest during and after the pass. */
  @Override
  public Manifest manifest() {
    return manifest;
  }

  /** Asks the pass to stop at its next safe point. */
  public void stop() {
    stopping.set(true);
  }

  /** The documents present after the pass, by source id. */
  public synchronized Map<String, SourceDocument> documents() {
    return new LinkedHashMap<>(documents);
  }

  /** Every ingest, in order (a source id twice means it was ingested twice). */
  public synchronized List<String> ingested() {
    return List.copyOf(ingested);
  }

  public synchronized List<String> deleted() {
    return List.copyOf(deleted);
  }

  public synchronized List<Published> events() {
    return List.copyOf(events);
  }

  /** Every checkpoint saved, in order. */
  public synchronized List<String> checkpoints() {
    return List.copyOf(checkpoints);
  }

  public synchronized List<Duration> waits() {
    return List.copyOf(waits);
  }

  /** Items that could not be taken, with the reason. */
  public synchronized Map<String, String> failures() {
    return new LinkedHashMap<>(failures);
  }
}
