package io.tramontane.connectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.tramontane.retrieval.ingest.IngestResult;
import io.tramontane.retrieval.ingest.SourceDocument;
import java.time.Duration;
import java.util.Set;

/**
 * What a {@link SyncSource} can do during a pass. Every method blocks until its effect is durable.
 */
public interface SyncContext {

  /** The instance's settings (tenant, collection, default ACL …). */
  ConnectorSettings settings();

  /**
   * Ingests a document into the instance's collection (its tenant and collection are set from the
   * settings, whatever the document says). Waits out back-pressure. A document that cannot be
   * indexed is {@link IngestResult.Failed}, recorded in the status with its reason; the pass goes
   * on.
   */
  IngestResult ingest(SourceDocument document);

  /**
   * Removes a document (by source id) from the collection; idempotent. True when the collection
   * held it (indexed or recorded as failed), false when there was nothing to remove.
   */
  boolean delete(String sourceId);

  /**
   * The source ids in the instance's collection (its tenant only) that start with {@code prefix}
   * ("" for all) — what the collection holds, not what this node or pass remembers: the answer
   * comes from the durable document log, so it is the same on every node of a cluster and reflects
   * every ingest and delete acknowledged before the call, whoever made it. For reconciling
   * deletions after a full enumeration (items held but no longer in the source), where keeping a
   * manifest of {@link #remember} entries would be too large. Blocks until the node's index has
   * caught up with the log; not for every item, once per enumeration. Choose source ids so that a
   * prefix selects exactly one part of the source (e.g. {@code <drive id>/}).
   */
  default Set<String> sourceIds(String prefix) {
    throw new UnsupportedOperationException("this context cannot list its collection");
  }

  /**
   * Publishes a platform event from this connector (source {@code
   * tramontane://connector/<kind>/<name>}); the same {@code id} twice is stored once.
   */
  void publish(String type, String id, String subject, JsonNode data);

  /**
   * Saves an intermediate checkpoint (after a page, a message, a folder): a pass interrupted later
   * resumes from here. Only call it once everything before it is ingested or deleted.
   */
  void checkpoint(String checkpoint);

  /** The checkpoint saved last (by this pass or an earlier one), or null. */
  String lastCheckpoint();

  /** Records a wait imposed by the source (429/503 Retry-After, a budget) in the status. */
  void throttled(Duration wait, String reason);

  /**
   * Records an item the pass could not take (quarantined) and why, in words a user can act on; the
   * pass goes on.
   */
  void itemFailed(String item, String reason);

  /** True once the connector is paused or stopping: end the pass at the next safe point. */
  boolean stopping();

  /**
   * The version recorded for {@code item} in the instance's manifest (by this pass or an earlier
   * one), or null. The manifest is the set of items the instance has taken, with a version the
   * source chooses (mtime and size, an eTag, a content hash): a source compares versions to skip
   * unchanged items, and lists the recorded items to find the ones deleted while it was not looking
   * (a file removed while the node was down). The manifest is the entity's journaled state: for
   * sources with very many items, list the collection instead ({@link #sourceIds}).
   */
  default String known(String item) {
    return manifest().version(item);
  }

  /** Every item in the manifest. */
  default Set<String> knownItems() {
    return manifest().items();
  }

  /** The manifest {@link #known} reads; a context that keeps none throws. */
  default Manifest manifest() {
    throw new UnsupportedOperationException("this context keeps no manifest");
  }

  /**
   * Records {@code item} at {@code version} in the manifest, once it is ingested (or failed for
   * good). Durable with the next {@link #checkpoint}, after a few hundred changes, or at the end of
   * the pass, whichever comes first: after a crash, at most those few items are taken again.
   */
  default void remember(String item, String version) {
    manifest().put(item, version);
  }

  /** Removes {@code item} from the manifest, once it is deleted; durable as {@link #remember}. */
  default void forget(String item) {
    manifest().remove(item);
  }
}
