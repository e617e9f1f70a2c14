package io.tramontane.connectors.filesystem;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tramontane.connectors.ConnectorSettings;
import io.tramontane.connectors.SyncContext;
import io.tramontane.connectors.SyncException;
import io.tramontane.connectors.SyncSource;
import io.tramontane.core.Sha256;
import io.tramontane.core.event.EventTypes;
import io.tramontane.retrieval.ingest.IngestResult;
import io.tramontane.retrieval.ingest.SourceDocument;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over a folder, and a watch on it.
 *
 * <p>A pass walks the folder (symbolic links are not followed) and takes every included file whose
 * version — modification time and size — differs from the one in the instance's manifest ({@link
 * SyncContext#known}): it reads it, ingests it (document id: the path relative to the root, with
 * '/'), publishes {@code io.tramontane.document.changed} and records the version. Unchanged files
 * are not read. Every manifest item the walk did not see is deleted from the collection and
 * published as {@code io.tramontane.document.deleted}: so a file removed while the node was down is
 * caught by the next pass. A folder that cannot be read keeps its files (they are listed as
 * failures instead). A pass that is asked to stop ends before the deletions.
 *
 * <p>The checkpoint is the time the last complete walk started; the manifest, persisted by the sync
 * entity, is what makes passes incremental.
 */
final class FileSystemSource implements SyncSource {

  private static final Logger LOG = LoggerFactory.getLogger(FileSystemSource.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BATCH = 32;

  private final ConnectorSettings connector;
  private final FileSystemSettings settings;
  private final Clock clock;
  private final List<PathMatcher> include;
  private final List<PathMatcher> exclude;

  FileSystemSource(ConnectorSettings connector, FileSystemSettings settings, Clock clock) {
    this.connector = connector;
    this.settings = settings;
    this.clock = clock;
    this.include =
        settings.include().stream().map(g -> FileSystemSettings.glob("include", g)).toList();
    this.exclude =
        settings.exclude().stream().map(g -> FileSystemSettings.glob("exclude", g)).toList();
  }

  /** A file the walk found changed. */
  private record Found(Path file, String id, String version, BasicFileAttributes attrs) {}

  /**
   * What became of a file: {@code result} null if it vanished since the walk; {@code remember}
   * false when it should be tried again at the next pass even if unchanged (it could not be read).
   */
  private record Taken(IngestResult result, boolean remember) {}

  @Override
  public String sync(String checkpoint, SyncContext context) throws Exception {
    Path root = settings.root();
    if (!Files.isDirectory(root)) {
      throw new SyncException(
          "the folder "
              + root
              + " does not exist or is not a folder any more (tramontane.connectors."
              + connector.name()
              + ".path); restore it or fix the path. Its documents are kept until then.");
    }
    String started = clock.instant().toString();
    Set<String> seen = new HashSet<>();
    List<String> unreadable = new ArrayList<>();
    List<Found> batch = new ArrayList<>();
    try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
      Semaphore slots = new Semaphore(settings.parallelism());
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              if (context.stopping()) {
                return FileVisitResult.TERMINATE;
              }
              return !dir.equals(root) && excluded(id(root, dir))
                  ? FileVisitResult.SKIP_SUBTREE
                  : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              if (context.stopping()) {
                return FileVisitResult.TERMINATE;
              }
              if (!attrs.isRegularFile()) {
                return FileVisitResult.CONTINUE; // links, devices, sockets
              }
              String id = id(root, file);
              if (excluded(id) || !included(id)) {
                return FileVisitResult.CONTINUE;
              }
              seen.add(id);
              String version = version(attrs);
              if (!version.equals(context.known(id))) {
                batch.add(new Found(file, id, version, attrs));
                if (batch.size() >= BATCH) {
                  take(batch, seen, context, workers, slots);
                  batch.clear();
                }
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              String id = file.equals(root) ? "" : id(root, file);
              unreadable.add(id);
              seen.add(id);
              context.itemFailed(
                  id.isEmpty() ? root.toString() : id,
                  "cannot be read ("
                      + reason(e)
                      + "); check the permissions of the service account on it");
              return FileVisitResult.CONTINUE;
            }
          });
      if (!batch.isEmpty() && !context.stopping()) {
        take(batch, seen, context, workers, slots);
      }
    }
    if (context.stopping()) {
      return checkpoint; // no deletions from an incomplete walk
    }
    for (String id : context.knownItems()) {
      if (seen.contains(id) || under(unreadable, id)) {
        continue;
      }
      if (context.stopping()) {
        return checkpoint;
      }
      String version = context.known(id);
      context.delete(id);
      ObjectNode data = JSON.createObjectNode();
      data.put("collection", connector.collection()).put("document", id);
      context.publish(EventTypes.DOCUMENT_DELETED, eventId("deleted", id, version), id, data);
      context.forget(id);
    }
    return started;
  }

  /** Ingests a batch, {@code parallelism} at a time; then publishes and records in order. */
  private void take(
      List<Found> batch,
      Set<String> seen,
      SyncContext context,
      ExecutorService workers,
      Semaphore slots)
      throws IOException {
    List<Future<Taken>> results = new ArrayList<>(batch.size());
    for (Found f : batch) {
      results.add(
          workers.submit(
              () -> {
                slots.acquire();
                try {
                  return ingest(f, context);
                } finally {
                  slots.release();
                }
              }));
    }
    for (int i = 0; i < batch.size(); i++) {
      Found f = batch.get(i);
      Taken taken;
      try {
        taken = results.get(i).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("the pass was interrupted");
      } catch (java.util.concurrent.ExecutionException e) {
        switch (e.getCause()) {
          case RuntimeException r -> throw r;
          case IOException io -> throw io;
          case Error err -> throw err;
          default -> throw new IOException(e.getCause());
        }
      }
      IngestResult result = taken.result();
      if (result == null) {
        seen.remove(f.id()); // vanished since the walk: the deletion below takes it
        continue;
      }
      if (!(result instanceof IngestResult.Failed)) {
        context.publish(
            EventTypes.DOCUMENT_CHANGED,
            eventId("changed", f.id(), f.version()),
            f.id(),
            changed(f));
      }
      if (taken.remember()) {
        context.remember(f.id(), f.version());
      }
    }
  }

  /** Reads and ingests one file. Failures are recorded by the context. */
  private Taken ingest(Found f, SyncContext context) {
    long size = f.attrs().size();
    if (size > settings.maxFileBytes()) {
      String reason =
          "the file is "
              + size
              + " bytes, over max-file-bytes ("
              + settings.maxFileBytes()
              + "); raise tramontane.connectors."
              + connector.name()
              + ".max-file-bytes to index it";
      context.delete(f.id()); // an earlier, smaller version must not stay searchable
      context.itemFailed(f.id(), reason);
      return new Taken(new IngestResult.Failed(f.id(), reason), true);
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(f.file());
    } catch (NoSuchFileException gone) {
      return new Taken(null, false);
    } catch (IOException e) {
      context.itemFailed(
          f.id(), "cannot be read (" + reason(e) + "); check the service account's permissions");
      return new Taken(new IngestResult.Failed(f.id(), reason(e)), false);
    }
    IngestResult result =
        context.ingest(
            new SourceDocument(
                connector.tenant(),
                connector.collection(),
                f.id(),
                Set.of(),
                false,
                f.file().toUri().toString(),
                f.file().getFileName().toString(),
                null,
                bytes,
                f.attrs().lastModifiedTime().toInstant(),
                null,
                Map.of()));
    return new Taken(result, true);
  }

  private ObjectNode changed(Found f) {
    ObjectNode data = JSON.createObjectNode();
    String type = null;
    try {
      type = Files.probeContentType(f.file());
    } catch (IOException | RuntimeException e) {
      // unknown type
    }
    data.put("collection", connector.collection())
        .put("document", f.id())
        .put("title", f.file().getFileName().toString())
        .put("source", f.file().toUri().toString())
        .put("contentType", type)
        .put("modified", f.attrs().lastModifiedTime().toInstant().toString());
    return data;
  }

  /**
   * Watches every folder under the root (new folders too) and asks for a pass once changes have
   * been quiet for {@code debounce} — or after at most ten times that while they keep coming.
   */
  @Override
  public AutoCloseable watch(Runnable syncNow) {
    return FolderWatch.start(connector, settings, this::excluded, syncNow);
  }

  private boolean included(String id) {
    Path p = Path.of(id);
    return include.stream().anyMatch(m -> m.matches(p));
  }

  private boolean excluded(String id) {
    Path p = Path.of(id);
    return exclude.stream().anyMatch(m -> m.matches(p));
  }

  private static boolean under(List<String> dirs, String id) {
    for (String d : dirs) {
      if (d.isEmpty() || id.equals(d) || id.startsWith(d + "/")) {
        return true;
      }
    }
    return false;
  }

  /** The document id: the path relative to the root, with '/' separators. */
  static String id(Path root, Path file) {
    Path rel = root.relativize(file);
    List<String> parts = new ArrayList<>();
    rel.forEach(p -> parts.add(p.toString()));
    return String.join("/", parts);
  }

  /** What makes a file's version: its modification time (to the nanosecond) and size. */
  static String version(BasicFileAttributes attrs) {
    return attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS) + ":" + attrs.size();
  }

  /**
   * A deterministic event id: the same change published twice (after a crash) is stored once; a
   * later change of the same file is a new event.
   */
  static String eventId(String what, String id, String version) {
    String plain = what + ":" + id + "@" + version;
    if (plain.length() <= 512) {
      return plain;
    }
    return what + ":sha256:" + Sha256.hex(plain);
  }

  static String reason(Exception e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}
