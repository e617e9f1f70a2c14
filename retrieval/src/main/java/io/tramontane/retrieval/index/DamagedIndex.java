package io.tramontane.retrieval.index;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An index that cannot be read is a projection of the durable document log: it is set aside (kept
 * for inspection) and rebuilt from the log, instead of stopping the node.
 */
final class DamagedIndex {

  private static final Logger LOG = LoggerFactory.getLogger(CollectionIndex.class);

  private DamagedIndex() {}

  /**
   * Moves the index {@code dir} of {@code collection}, unreadable because of {@code damage}, beside
   * the index folder (not in it: nothing there is mistaken for a collection).
   */
  static void setAside(String collection, Path dir, Exception damage) throws IOException {
    Path aside =
        dir.getParent()
            .resolveSibling(dir.getParent().getFileName() + "-damaged")
            .resolve(dir.getFileName() + "-" + System.currentTimeMillis());
    LOG.warn(
        "The index of collection {} cannot be read ({}); moved to {} and rebuilt from the"
            + " document log.",
        collection,
        damage.toString(),
        aside);
    Files.createDirectories(aside.getParent());
    Files.move(dir, aside);
  }
}
