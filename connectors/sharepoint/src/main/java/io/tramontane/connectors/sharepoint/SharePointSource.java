package io.tramontane.connectors.sharepoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tramontane.connectors.ConnectorSettings;
import io.tramontane.connectors.SyncContext;
import io.tramontane.connectors.SyncException;
import io.tramontane.connectors.SyncSource;
import io.tramontane.connectors.sharepoint.SiteDrives.Drive;
import io.tramontane.connectors.sharepoint.SiteDrives.Site;
import io.tramontane.core.event.EventTypes;
import io.tramontane.core.outbound.OutboundHttp;
import io.tramontane.retrieval.ingest.SourceDocument;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SharePoint site's document libraries, kept in sync through Graph's {@code driveItem delta}.
 *
 * <p>A pass resolves the site and its drives, then per drive follows {@code @odata.nextLink} pages
 * from the drive's saved {@code @odata.deltaLink} (or from {@code root/delta} the first time),
 * applying each page as it comes: files are downloaded (302 → pre-authenticated URL, without the
 * token), their permissions read and the document ingested with them; items with the {@code
 * deleted} facet are deleted; folders are skipped. Within a page the last occurrence of an item
 * wins; across pages items are applied in order, so the last occurrence wins there too. The drive's
 * new deltaLink is saved ({@link SyncContext#checkpoint}) only after its last page: a pass that
 * dies mid-drive starts that drive again from the previous deltaLink, and re-ingesting is harmless.
 *
 * <p>The checkpoint is a JSON object, drive id → deltaLink ({@code ""} while a drive's first
 * enumeration is under way, so that a library dropped before its first pass ended is still cleaned
 * up). A 410 (or a {@code resync…} error) on a deltaLink starts a full enumeration of that drive;
 * at its end the documents the collection holds for the drive (source ids {@code <drive id>/<item
 * id>}, listed by {@link SyncContext#sourceIds}) that the enumeration did not see are deleted. The
 * collection is the durable, shared state: a pass on any node of a cluster, with or without a data
 * directory, reconciles the same way. Nothing is kept on the local disk.
 */
public final class SharePointSource implements SyncSource {

  private static final Logger LOG = LoggerFactory.getLogger(SharePointSource.class);

  /** Deleted and out-of-scope items as deletions, sharing changes reported as item changes. */
  static final Map<String, String> DELTA_HEADERS =
      Map.of(
          "Prefer",
          "deltashowremovedasdeleted, deltatraversepermissiongaps, deltashowsharingchanges");

  private final ConnectorSettings instance;
  private final SharePointSettings settings;
  private final GraphClient graph;
  private final ChangeNotifications notifications;
  private final SiteDrives sites;
  private final Clock clock;

  public SharePointSource(ConnectorSettings instance, SharePointSettings settings, Clock clock) {
    this.instance = instance;
    this.settings = settings;
    this.clock = clock;
    this.graph =
        new GraphClient(
            settings,
            new OutboundHttp(settings.outboundPolicy("tramontane.connectors." + instance.name())),
            RequestBudget.forTenant(
                settings.authority() + "/" + settings.tenantId(), settings.requestsPerMinute()),
            clock);
    this.notifications = new ChangeNotifications(instance.name(), settings.clientState());
    this.sites = new SiteDrives(instance, settings, graph);
  }

  /** The change-notification endpoint of this instance (for the server's route). */
  public ChangeNotifications notifications() {
    return notifications;
  }

  /** Notifications trigger passes through {@code syncNow} while the connector watches. */
  @Override
  public AutoCloseable watch(Runnable syncNow) {
    return notifications.attach(syncNow);
  }

  /** The default backoff, but never before a long Retry-After Graph gave has passed. */
  @Override
  public Duration retryAfter(int failures) {
    Duration base = SyncSource.super.retryAfter(failures);
    Duration graphSays = Duration.between(clock.instant(), graph.notBefore());
    return graphSays.compareTo(base) > 0 ? graphSays : base;
  }

  @Override
  public String sync(String checkpoint, SyncContext context) throws Exception {
    graph.onThrottle(context::throttled);
    Map<String, String> links = DeltaLinks.readCheckpoint(checkpoint);
    Site site = sites.resolve();
    List<Drive> drives = sites.select(site);
    Set<String> selected = new HashSet<>();
    drives.forEach(d -> selected.add(d.id()));
    Set<String> left = new LinkedHashSet<>(links.keySet());
    left.removeAll(selected);
    for (String driveId : left) {
      if (context.stopping()) {
        return DeltaLinks.writeCheckpoint(links);
      }
      removeDrive(driveId, links.get(driveId), context);
      links.remove(driveId);
      context.checkpoint(DeltaLinks.writeCheckpoint(links));
    }
    for (Drive drive : drives) {
      if (context.stopping()) {
        break;
      }
      syncDrive(site, drive, links, context);
    }
    return DeltaLinks.writeCheckpoint(links);
  }

  private void syncDrive(Site site, Drive drive, Map<String, String> links, SyncContext context)
      throws InterruptedException {
    String link = links.get(drive.id());
    boolean full = link == null || link.isEmpty();
    String url = full ? DriveItems.rootDelta(drive) : link;
    // Versions the deletion events of this cycle: the same on a pass repeated after a crash.
    String cycle = DeltaLinks.cycle(link);
    if (link == null) {
      // Before its first document: a library dropped while it has no deltaLink is still cleaned.
      links.put(drive.id(), "");
      context.checkpoint(DeltaLinks.writeCheckpoint(links));
    }
    Set<String> seen = new HashSet<>();
    Map<String, String> applied = new HashMap<>();
    int pages = 0;
    while (true) {
      if (context.stopping()) {
        return; // the deltaLink is not saved: the next pass starts again from the previous one
      }
      JsonNode page;
      try {
        page = graph.get(url, DELTA_HEADERS);
      } catch (GraphException e) {
        if (e.resyncRequired() && !full) {
          LOG.info(
              "Connector {}: the delta link of library '{}' expired ({}); enumerating it again",
              instance.name(),
              drive.name(),
              e.getMessage());
          full = true;
          seen.clear();
          applied.clear();
          String location = e.location();
          url =
              location != null && location.startsWith(settings.graph().toString())
                  ? location
                  : DriveItems.rootDelta(drive);
          continue;
        }
        throw sites.failure(e, "reading the changes of library '" + drive.name() + "'");
      }
      pages++;
      Map<String, JsonNode> changes = new LinkedHashMap<>();
      for (JsonNode item : page.path("value")) {
        String id = item.path("id").asText("");
        if (!id.isEmpty()) {
          changes.remove(id); // the last occurrence wins, in its own position
          changes.put(id, item);
        }
      }
      apply(site, drive, changes.values(), cycle, full ? seen : null, applied, context);
      if (context.stopping()) {
        return; // some files of the page may not be taken: the deltaLink is not saved
      }
      String next = page.path("@odata.nextLink").asText(null);
      if (next != null) {
        url = next;
        continue;
      }
      String delta = page.path("@odata.deltaLink").asText(null);
      if (delta == null) {
        throw new SyncException(
            "Graph ended the changes of library '"
                + drive.name()
                + "' with neither @odata.nextLink nor @odata.deltaLink; the next pass tries"
                + " again.");
      }
      if (full && !reconcile(drive, seen, cycle, context)) {
        return; // stopped mid-way: the next pass enumerates the drive again
      }
      links.put(drive.id(), delta);
      context.checkpoint(DeltaLinks.writeCheckpoint(links));
      LOG.debug(
          "Connector {}: library '{}' in sync after {} page(s)",
          instance.name(),
          drive.name(),
          pages);
      return;
    }
  }

  private void apply(
      Site site,
      Drive drive,
      Iterable<JsonNode> changes,
      String cycle,
      Set<String> seen,
      Map<String, String> applied,
      SyncContext context)
      throws InterruptedException {
    List<JsonNode> files = new ArrayList<>();
    for (JsonNode item : changes) {
      String id = item.get("id").asText();
      if (item.has("deleted")) {
        deleted(drive, id, item.path("file").isObject(), cycle, context);
        applied.remove(id);
        if (seen != null) {
          seen.remove(id);
        }
      } else if (item.path("file").isObject()) {
        if (seen != null) {
          seen.add(id);
        }
        if (!DriveItems.etag(item).equals(applied.get(id))) {
          files.add(item);
        }
      }
      // folders, the root and packages (OneNote) carry no content of their own
    }
    for (JsonNode file : files) {
      if (context.stopping()) {
        return;
      }
      if (file(site, drive, file, context)) {
        applied.put(file.get("id").asText(), DriveItems.etag(file));
      }
    }
  }

  /** Ingests one file with its permissions; false when it could not be taken. */
  private boolean file(Site site, Drive drive, JsonNode item, SyncContext context)
      throws InterruptedException {
    String id = item.get("id").asText();
    String sourceId = DriveItems.sourceId(drive, id);
    String name = item.path("name").asText(id);
    long size = item.path("size").asLong(-1);
    try {
      if (size > settings.maxFileBytes()) {
        throw new GraphException(
            413,
            "tooLarge",
            "larger than max-file-bytes (" + size + " > " + settings.maxFileBytes() + " bytes)",
            null);
      }
      byte[] content = graph.content(drive.id(), id, settings.maxFileBytes());
      Set<String> acl = new LinkedHashSet<>();
      String next =
          "/drives/"
              + GraphClient.segment(drive.id())
              + "/items/"
              + GraphClient.segment(id)
              + "/permissions";
      while (next != null) {
        JsonNode page = graph.get(next, Map.of());
        Permissions.principals(page, site.id(), acl);
        next = page.path("@odata.nextLink").asText(null);
      }
      acl.addAll(context.settings().acl());
      String contentType = item.path("file").path("mimeType").asText(null);
      Instant modified = DriveItems.instant(item.path("lastModifiedDateTime").asText(null));
      String webUrl = item.path("webUrl").asText("");
      ConnectorSettings s = context.settings();
      context.ingest(
          new SourceDocument(
              s.tenant(),
              s.collection(),
              sourceId,
              acl,
              s.publicToTenant(),
              webUrl,
              name,
              contentType,
              content,
              modified,
              null,
              Map.of("title", name, "library", drive.name())));
      ObjectNode data = GraphClient.JSON.createObjectNode();
      data.put("collection", s.collection());
      data.put("document", sourceId);
      data.put("title", name);
      data.put("source", webUrl);
      data.put("contentType", contentType);
      data.put("modified", modified == null ? null : modified.toString());
      context.publish(
          EventTypes.DOCUMENT_CHANGED, sourceId + "@" + DriveItems.etag(item), sourceId, data);
      return true;
    } catch (GraphException e) {
      boolean passFails =
          e.status() == 401 || (e.status() >= 500 && !"badRedirect".equals(e.code()));
      if (passFails) {
        throw sites.failure(e, "reading '" + name + "' in library '" + drive.name() + "'");
      }
      // Gone since the delta (404), too large, blocked (403), a bad redirect: its old version
      // and old permissions must not stay searchable.
      if (e.status() != 404) {
        context.itemFailed(
            drive.name() + "/" + name + " (" + id + ")",
            e.status() == 403
                ? "Graph refuses to serve it (" + e.getMessage() + ")"
                : e.getMessage());
      }
      deleted(drive, id, true, DriveItems.etag(item), context);
      return false;
    }
  }

  /**
   * Deletes one item's document; the event is published when the collection held it, or when the
   * item is a file (a file that could not be taken may have had an older version). {@code version}
   * makes the event id: the same when a pass is repeated, different for a later deletion.
   */
  private void deleted(
      Drive drive, String id, boolean isFile, String version, SyncContext context) {
    String sourceId = DriveItems.sourceId(drive, id);
    // Always delete: it is idempotent, and only the collection knows whether it held the item.
    boolean held = context.delete(sourceId);
    if (held || isFile) {
      publishDeleted(sourceId, version, context);
    }
  }

  /**
   * After a full enumeration: deletes what the collection holds for the drive but the enumeration
   * did not return. False when the pass was asked to stop before the end.
   */
  private boolean reconcile(Drive drive, Set<String> seen, String cycle, SyncContext context) {
    String prefix = DeltaLinks.prefix(drive.id());
    int removed = 0;
    for (String sourceId : context.sourceIds(prefix)) {
      if (!sourceId.startsWith(prefix) || seen.contains(sourceId.substring(prefix.length()))) {
        continue;
      }
      if (context.stopping()) {
        return false;
      }
      // Published first: a crash before the delete publishes the same event id again.
      publishDeleted(sourceId, cycle, context);
      context.delete(sourceId);
      removed++;
    }
    if (removed > 0) {
      LOG.info(
          "Connector {}: library '{}' fully enumerated; {} document(s) no longer there deleted",
          instance.name(),
          drive.name(),
          removed);
    }
    return true;
  }

  private void removeDrive(String driveId, String link, SyncContext context) {
    String version = DeltaLinks.cycle(link);
    for (String sourceId : context.sourceIds(DeltaLinks.prefix(driveId))) {
      publishDeleted(sourceId, version, context);
      context.delete(sourceId);
    }
    LOG.info(
        "Connector {}: library {} is no longer synced; its documents were deleted",
        instance.name(),
        driveId);
  }

  private void publishDeleted(String sourceId, String version, SyncContext context) {
    ObjectNode data = GraphClient.JSON.createObjectNode();
    data.put("collection", context.settings().collection());
    data.put("document", sourceId);
    String v = version == null || version.isEmpty() ? "" : "@" + version;
    context.publish(EventTypes.DOCUMENT_DELETED, sourceId + v + "#deleted", sourceId, data);
  }

  // ---- helpers

}
