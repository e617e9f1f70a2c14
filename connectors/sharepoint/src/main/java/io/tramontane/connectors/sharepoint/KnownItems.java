package io.tramontane.connectors.sharepoint;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The item ids (with their last eTag) this instance has put into its collection, per drive, kept in
 * a file per drive under the state dir: one append-only log of {@code +id<TAB>eTag} and {@code -id}
 * lines, compacted when opened. A full enumeration (first pass, or after a 410) deletes the known
 * items it did not see.
 *
 * <p>Invariant: the set is a <em>superset</em> of what is in the collection. An id is added and
 * forced to disk ({@link Drive#sync()}) before its document is ingested, and removed only after its
 * document is deleted; a crash in between leaves an extra id, whose later deletion is a no-op. A
 * torn last line (crash mid-write) is ignored.
 */
final class KnownItems {

  private final Path dir;

  KnownItems(Path dir) {
    this.dir = dir;
  }

  /** Drive ids that have a known-items file. */
  Set<String> drives() {
    Set<String> drives = new LinkedHashSet<>();
    if (!Files.isDirectory(dir)) {
      return drives;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".known")).sorted().toList()) {
        String first;
        try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
          first = r.readLine();
        }
        if (first != null && first.startsWith("#drive\t")) {
          drives.add(first.substring(7));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    return drives;
  }

  Drive open(String driveId) throws IOException {
    Files.createDirectories(dir);
    return new Drive(driveId, file(driveId));
  }

  void forget(String driveId) throws IOException {
    Files.deleteIfExists(file(driveId));
  }

  private Path file(String driveId) {
    try {
      byte[] h =
          MessageDigest.getInstance("SHA-256").digest(driveId.getBytes(StandardCharsets.UTF_8));
      return dir.resolve(HexFormat.of().formatHex(h, 0, 12) + ".known");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The known items of one drive, open for appending. */
  static final class Drive implements Closeable {
    private final Map<String, String> items = new LinkedHashMap<>();
    private final FileChannel channel;
    private final BufferedWriter out;

    private Drive(String driveId, Path file) throws IOException {
      if (Files.exists(file)) {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        String complete = end < 0 ? "" : text.substring(0, end + 1);
        for (String line : complete.split("\n")) {
          if (line.startsWith("+")) {
            int tab = line.indexOf('\t');
            items.put(
                tab < 0 ? line.substring(1) : line.substring(1, tab),
                tab < 0 ? "" : line.substring(tab + 1));
          } else if (line.startsWith("-")) {
            items.remove(line.substring(1));
          }
        }
      }
      // Compact: rewrite the live set, then swap it in atomically.
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      try (FileChannel c =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        BufferedWriter w =
            new BufferedWriter(
                new OutputStreamWriter(Channels.newOutputStream(c), StandardCharsets.UTF_8));
        w.write("#drive\t" + driveId + "\n");
        for (Map.Entry<String, String> e : items.entrySet()) {
          w.write("+" + e.getKey() + "\t" + e.getValue() + "\n");
        }
        w.flush();
        c.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      out =
          new BufferedWriter(
              new OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.UTF_8));
    }

    boolean contains(String id) {
      return items.containsKey(id);
    }

    /** The eTag last recorded for {@code id} ("" when none, null when unknown). */
    String etag(String id) {
      return items.get(id);
    }

    Set<String> ids() {
      return new LinkedHashSet<>(items.keySet());
    }

    int size() {
      return items.size();
    }

    void add(String id, String etag) throws IOException {
      String e = etag == null ? "" : etag.replace('\n', ' ').replace('\t', ' ');
      if (!e.equals(items.put(id, e))) {
        out.write("+" + id + "\t" + e + "\n");
      }
    }

    void remove(String id) throws IOException {
      if (items.remove(id) != null) {
        out.write("-" + id + "\n");
      }
    }

    /** Forces what was added to disk; call before ingesting the documents added. */
    void sync() throws IOException {
      out.flush();
      channel.force(false);
    }

    @Override
    public void close() throws IOException {
      try {
        sync();
      } finally {
        channel.close();
      }
    }
  }
}
