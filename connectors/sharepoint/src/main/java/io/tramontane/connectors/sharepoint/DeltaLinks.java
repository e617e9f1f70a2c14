package io.tramontane.connectors.sharepoint;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tramontane.core.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A SharePoint instance's checkpoint: the delta link of each drive (JSON, by drive id), the source
 * ids of a drive's documents, and the version its deletions are published under.
 */
final class DeltaLinks {

  private static final Logger LOG = LoggerFactory.getLogger(SharePointSource.class);

  private DeltaLinks() {}

  /**
   * The start of every source id of a drive. Graph drive ids contain no {@code /}, so the prefix of
   * one drive never selects another's documents.
   */
  static String prefix(String driveId) {
    return driveId + "/";
  }

  /**
   * The version of the deletions made while following {@code link}: a short digest of it, or {@code
   * full} for an enumeration without one. A pass repeated from the same checkpoint publishes the
   * same event ids (stored once); a later cycle has another link, so other ids.
   */
  static String cycle(String link) {
    if (link == null || link.isEmpty()) {
      return "full";
    }
    return "delta-" + HexFormat.of().formatHex(Sha256.digest(link), 0, 8);
  }

  static Map<String, String> readCheckpoint(String checkpoint) {
    if (checkpoint == null || checkpoint.isBlank()) {
      return new TreeMap<>();
    }
    try {
      return new TreeMap<>(
          GraphClient.JSON.readValue(checkpoint, new TypeReference<Map<String, String>>() {}));
    } catch (IOException e) {
      LOG.warn("Unreadable SharePoint checkpoint; every library is enumerated again");
      return new TreeMap<>();
    }
  }

  static String writeCheckpoint(Map<String, String> links) {
    try {
      return GraphClient.JSON.writeValueAsString(new TreeMap<>(links));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
