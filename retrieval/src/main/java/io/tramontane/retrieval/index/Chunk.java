package io.tramontane.retrieval.index;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * One indexed chunk of a document, with everything a citation and a permission check need.
 *
 * @param documentId the document's id within the collection (upserts and deletes use it)
 * @param ordinal the chunk's position in the document, from 0
 * @param sourceUri where the document came from
 * @param title the document's title
 * @param section the heading path the chunk sits under ("" if none)
 * @param page the PDF page the chunk starts on (0 if not paged)
 * @param text the chunk's text
 * @param vector its embedding
 * @param acl principals allowed to see it (users and groups)
 * @param publicToTenant everyone in the tenant may see it
 * @param contentHash hash of the source document (skip-unchanged)
 * @param modified the source's last modification
 */
public record Chunk(
    String documentId,
    int ordinal,
    String sourceUri,
    String title,
    String section,
    int page,
    String text,
    float[] vector,
    Set<String> acl,
    boolean publicToTenant,
    String contentHash,
    Instant modified) {

  public Chunk {
    Objects.requireNonNull(documentId, "documentId");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(vector, "vector");
    acl = Set.copyOf(acl);
    sourceUri = sourceUri == null ? "" : sourceUri;
    title = title == null ? "" : title;
    section = section == null ? "" : section;
    contentHash = contentHash == null ? "" : contentHash;
    modified = modified == null ? Instant.EPOCH : modified;
  }
}
