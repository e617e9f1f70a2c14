package io.tramontane.retrieval.ingest;

import io.tramontane.core.CborSerializable;

/**
 * Where an ingesting source (a connector) has got to, e.g. a Graph deltaLink or an IMAP
 * UIDVALIDITY:UID. It travels with the document through the log and is written into the same Lucene
 * commit as the document, so after a crash the index and the source's checkpoint agree.
 *
 * @param source the source's name, e.g. {@code sharepoint:finance}
 * @param value the opaque checkpoint
 */
public record SourceCheckpoint(String source, String value) implements CborSerializable {

  public SourceCheckpoint {
    if (source == null || !source.matches("[A-Za-z0-9._:\\-]{1,200}")) {
      throw new IllegalArgumentException(
          "a checkpoint source is 1-200 letters, digits or . _ : -, was '" + source + "'");
    }
    if (value == null || value.length() > 8192) {
      throw new IllegalArgumentException("a checkpoint value is at most 8192 characters");
    }
  }
}
