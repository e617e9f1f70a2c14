package io.tramontane.connectors.email;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where an instance has got to in each folder, as the connector checkpoint string: {@code {"INBOX":
 * {"uidvalidity": 1700000000, "uid": 42, "since": 1700000000}}}. {@code uid} is the highest UID
 * whose message is ingested (0: none yet); {@code since} (epoch seconds) is when the folder was
 * first synced — mail received before it is indexed but not announced as {@code mail.received}
 * unless {@code publish-existing = on}.
 */
final class MailCheckpoint {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One folder's position. {@code announceFrom}: the first UID announced as new mail (the UIDNEXT
   * of the folder's first pass), or -1 after a UIDVALIDITY change, when mail received after {@code
   * since} is announced (UIDs were renumbered).
   */
  record Mark(long uidValidity, long uid, long since, long announceFrom) {
    Mark withUid(long next) {
      return new Mark(uidValidity, next, since, announceFrom);
    }
  }

  private final Map<String, Mark> folders = new LinkedHashMap<>();

  /**
   * Reads a checkpoint; null, blank or unreadable starts over (safe: messages are deduplicated by
   * Message-ID, so a resync ingests nothing twice).
   */
  static MailCheckpoint parse(String text) {
    MailCheckpoint cp = new MailCheckpoint();
    if (text == null || text.isBlank()) {
      return cp;
    }
    try {
      JsonNode root = JSON.readTree(text);
      for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode n = e.getValue();
        cp.folders.put(
            e.getKey(),
            new Mark(
                n.path("uidvalidity").asLong(-1),
                n.path("uid").asLong(0),
                n.path("since").asLong(0),
                n.path("announce-from").asLong(-1)));
      }
      return cp;
    } catch (JsonProcessingException | RuntimeException e) {
      return new MailCheckpoint();
    }
  }

  Optional<Mark> get(String folder) {
    return Optional.ofNullable(folders.get(folder));
  }

  void put(String folder, Mark mark) {
    folders.put(folder, mark);
  }

  String toJson() {
    ObjectNode root = JSON.createObjectNode();
    folders.forEach(
        (name, m) ->
            root.putObject(name)
                .put("uidvalidity", m.uidValidity())
                .put("uid", m.uid())
                .put("since", m.since())
                .put("announce-from", m.announceFrom()));
    return root.toString();
  }

  @Override
  public String toString() {
    return toJson();
  }
}
