package io.tramontane.connectors.filesystem;

import io.tramontane.connectors.ConnectorSettings;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watch on a file-system connector's root: every folder under it that is not excluded (new
 * folders too, registered as they appear), on a virtual thread, asking for a pass once changes are
 * quiet for {@code debounce} or have kept coming for ten times that.
 */
final class FolderWatch {

  private static final Logger LOG = LoggerFactory.getLogger(FileSystemSource.class);

  private final FileSystemSettings settings;
  private final Predicate<String> excluded;

  private FolderWatch(FileSystemSettings settings, Predicate<String> excluded) {
    this.settings = settings;
    this.excluded = excluded;
  }

  /**
   * Watches every folder under the root (new folders too) and asks for a pass once changes have
   * been quiet for {@code debounce} — or after at most ten times that while they keep coming.
   */
  static AutoCloseable start(
      ConnectorSettings connector,
      FileSystemSettings settings,
      Predicate<String> excluded,
      Runnable syncNow) {
    FolderWatch watch = new FolderWatch(settings, excluded);
    WatchService service;
    try {
      service = settings.root().getFileSystem().newWatchService();
      watch.register(service, settings.root());
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot watch " + settings.root() + ": " + FileSystemSource.reason(e), e);
    }
    long debounce = Math.max(10, settings.debounce().toMillis());
    Thread watcher =
        Thread.ofVirtual()
            .name("connector-watch-" + connector.name())
            .start(
                () -> {
                  long firstChange = 0;
                  try {
                    while (!Thread.currentThread().isInterrupted()) {
                      WatchKey key =
                          firstChange == 0
                              ? service.take()
                              : service.poll(debounce, TimeUnit.MILLISECONDS);
                      long now = System.nanoTime();
                      if (key != null) {
                        Path dir = (Path) key.watchable();
                        for (var event : key.pollEvents()) {
                          if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE
                              && event.context() instanceof Path name
                              && Files.isDirectory(dir.resolve(name))) {
                            watch.register(service, dir.resolve(name));
                          }
                        }
                        key.reset();
                        firstChange = firstChange == 0 ? now : firstChange;
                      }
                      boolean quiet = key == null;
                      boolean overdue =
                          firstChange != 0
                              && now - firstChange > TimeUnit.MILLISECONDS.toNanos(debounce * 10);
                      if (firstChange != 0 && (quiet || overdue)) {
                        firstChange = 0;
                        syncNow.run();
                      }
                    }
                  } catch (InterruptedException | ClosedWatchServiceException e) {
                    // closed: the connector stopped or was paused
                  } catch (IOException | RuntimeException e) {
                    LOG.warn(
                        "Connector {}: the watch on {} stopped ({}); passes run every {}",
                        connector.name(),
                        settings.root(),
                        FileSystemSource.reason(e),
                        connector.interval());
                  }
                });
    return () -> {
      service.close();
      watcher.interrupt();
    };
  }

  private void register(WatchService service, Path top) throws IOException {
    Files.walkFileTree(
        top,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            if (!dir.equals(settings.root())
                && excluded.test(FileSystemSource.id(settings.root(), dir))) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            dir.register(
                service,
                StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_DELETE,
                StandardWatchEventKinds.ENTRY_MODIFY);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            return FileVisitResult.CONTINUE; // the pass reports it
          }
        });
  }
}
