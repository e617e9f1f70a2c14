package io.tramontane.connectors.sharepoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.tramontane.connectors.sharepoint.SiteDrives.Drive;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * What a pass reads of a drive and its items: the drive's delta endpoint, an item's source id
 * (drive id prefix and item id), its version (eTag, else cTag) and its modification time.
 */
final class DriveItems {

  private DriveItems() {}

  static String rootDelta(Drive drive) {
    return "/drives/" + GraphClient.segment(drive.id()) + "/root/delta";
  }

  static String sourceId(Drive drive, String itemId) {
    return DeltaLinks.prefix(drive.id()) + itemId;
  }

  static String etag(JsonNode item) {
    String etag = item.path("eTag").asText("");
    return etag.isEmpty() ? item.path("cTag").asText("") : etag;
  }

  static Instant instant(String s) {
    if (s == null) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
