package io.tramontane.connectors.filesystem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.tramontane.connectors.ConnectorSettings;
import io.tramontane.connectors.DryRunContext;
import io.tramontane.connectors.SyncSource;
import io.tramontane.core.ConfigurationException;
import io.tramontane.core.event.EventTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pass takes new and changed files (and only those), deletes what disappeared — also when it
 * disappeared between passes — publishes an event for each, and honours include, exclude and
 * max-file-bytes. Bad settings name their key.
 */
class FileSystemSourceTest {

  static ConnectorSettings settings(Path root, Map<String, Object> extra) {
    Map<String, Object> c = new java.util.HashMap<>(extra);
    c.put("kind", "filesystem");
    c.put("collection", "docs");
    c.put("path", root.toString());
    return ConnectorSettings.fromConfig("docs", ConfigFactory.parseMap(c));
  }

  static SyncSource source(Path root, Map<String, Object> extra) {
    return new FileSystemConnector().source(settings(root, extra), null);
  }

  @Test
  void takesNewAndChangedFilesOnlyAndDeletesWhatDisappeared(@TempDir Path root) throws Exception {
    Files.writeString(root.resolve("a.txt"), "alpha");
    Files.createDirectories(root.resolve("sub/deeper"));
    Files.writeString(root.resolve("sub/deeper/b.md"), "# beta");
    Files.writeString(root.resolve(".hidden"), "secret");
    Files.writeString(root.resolve("notes.txt~"), "backup");
    SyncSource source = source(root, Map.of());
    DryRunContext ctx = new DryRunContext(settings(root, Map.of()));

    String first = source.sync(null, ctx);
    assertTrue(Instant.parse(first).isBefore(Instant.now().plusSeconds(1)));
    assertEquals(Set.of("a.txt", "sub/deeper/b.md"), ctx.documents().keySet());
    var doc = ctx.documents().get("sub/deeper/b.md");
    assertEquals("b.md", doc.fileName());
    assertEquals(root.resolve("sub/deeper/b.md").toUri().toString(), doc.sourceUri());
    assertEquals(2, ctx.events().size());
    assertTrue(ctx.events().stream().allMatch(e -> e.type().equals(EventTypes.DOCUMENT_CHANGED)));
    assertEquals("docs", ctx.events().getFirst().data().get("collection").asText());

    // Nothing changed: nothing is read again.
    source.sync(first, ctx);
    assertEquals(2, ctx.ingested().size());

    // One file changes, one disappears, one appears.
    Files.writeString(root.resolve("a.txt"), "alpha, longer");
    Files.setLastModifiedTime(root.resolve("a.txt"), FileTime.from(Instant.now().plusSeconds(5)));
    Files.delete(root.resolve("sub/deeper/b.md"));
    Files.writeString(root.resolve("c.txt"), "gamma");
    source.sync(first, ctx);
    assertEquals(
        List.of("a.txt", "a.txt", "c.txt", "sub/deeper/b.md"),
        ctx.ingested().stream().sorted().toList(),
        "the changed and the new file are read again, not the others");
    assertEquals(List.of("sub/deeper/b.md"), ctx.deleted());
    assertEquals(Set.of("a.txt", "c.txt"), ctx.manifest().items());
    var deleted = ctx.events().getLast();
    assertEquals(EventTypes.DOCUMENT_DELETED, deleted.type());
    assertEquals("sub/deeper/b.md", deleted.data().get("document").asText());
    // Event ids are deterministic: the same change has the same id.
    assertEquals(
        ctx.events().stream().map(DryRunContext.Published::id).distinct().count(),
        ctx.events().size());
  }

  @Test
  void honoursIncludeAndMaxFileBytes(@TempDir Path root) throws Exception {
    Files.writeString(root.resolve("a.md"), "alpha");
    Files.writeString(root.resolve("b.txt"), "beta");
    Files.createDirectories(root.resolve("x"));
    Files.writeString(root.resolve("x/big.md"), "0123456789".repeat(20));
    Map<String, Object> extra = Map.of("include", List.of("**.md"), "max-file-bytes", 100);
    DryRunContext ctx = new DryRunContext(settings(root, extra));
    SyncSource source = source(root, extra);
    source.sync(null, ctx);
    assertEquals(Set.of("a.md"), ctx.documents().keySet());
    assertTrue(
        ctx.failures().get("x/big.md").contains("max-file-bytes"), ctx.failures().toString());
    // A file too large is reported once, not at every pass.
    source.sync(null, ctx);
    assertEquals(1, ctx.failures().size());
  }

  @Test
  void aMissingFolderIsAConfigurationErrorNamingTheKey(@TempDir Path root) throws Exception {
    var missing =
        assertThrows(ConfigurationException.class, () -> source(root.resolve("nope"), Map.of()));
    assertTrue(
        missing.getMessage().contains("tramontane.connectors.docs.path"), missing.getMessage());
    assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    Files.writeString(root.resolve("file.txt"), "x");
    var file =
        assertThrows(
            ConfigurationException.class, () -> source(root.resolve("file.txt"), Map.of()));
    assertTrue(file.getMessage().contains("not a folder"), file.getMessage());
  }

  @Test
  void theWatchAsksForAPassAfterAChangeAlsoInsideAFolderCreatedWhileWatching(@TempDir Path root)
      throws Exception {
    Files.createDirectories(root.resolve("sub"));
    Semaphore asked = new Semaphore(0);
    try (AutoCloseable watch = source(root, Map.of("debounce", "50ms")).watch(asked::release)) {
      Files.createDirectories(root.resolve("sub/new"));
      assertTrue(asked.tryAcquire(10, TimeUnit.SECONDS), "a new folder asks for a pass");
      // The pass for the folder was asked for after the folder was put under watch: a file
      // written into it now is seen only if the new folder itself is watched.
      Files.writeString(root.resolve("sub/new/n.txt"), "new");
      assertTrue(
          asked.tryAcquire(10, TimeUnit.SECONDS),
          "a file written in a folder created while watching asks for a pass");
    }
  }
}
