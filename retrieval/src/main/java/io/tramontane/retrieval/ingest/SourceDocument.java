package io.tramontane.retrieval.ingest;

import io.tramontane.core.InvalidRequestException;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A document handed to {@link Ingestion#ingest}: who owns it, who may see it, and its bytes.
 *
 * @param tenant the owning tenant (from the caller's credentials, never from the document)
 * @param collection the collection to index it in
 * @param sourceId the document's stable id within the collection (a path, a Graph item id, a
 *     Message-ID); ingesting the same id again replaces the document
 * @param acl principals (users, groups) allowed to see it
 * @param publicToTenant everyone in the tenant may see it
 * @param sourceUri where it came from, for citations ("" if unknown)
 * @param fileName the file name, a hint for type detection (may be null)
 * @param contentType the declared media type, a hint (may be null)
 * @param content the document's bytes
 * @param modified the source's last modification (may be null)
 * @param checkpoint the ingesting source's checkpoint after this document (may be null)
 * @param metadata extra string metadata (e.g. a title the source knows better than the file)
 */
public record SourceDocument(
    String tenant,
    String collection,
    String sourceId,
    Set<String> acl,
    boolean publicToTenant,
    String sourceUri,
    String fileName,
    String contentType,
    byte[] content,
    Instant modified,
    SourceCheckpoint checkpoint,
    Map<String, String> metadata) {

  /**
   * Tenant and collection names: 1-64 letters, digits, '.', '-' or '_', first a letter or digit.
   */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /** Validates a tenant or collection name; the message says what is allowed. */
  public static void checkName(String what, String value) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw new InvalidRequestException(
          what
              + " '"
              + value
              + "' is not valid: use 1-64 letters, digits, '.', '-' or '_', starting with a letter"
              + " or digit.");
    }
  }

  public SourceDocument {
    Objects.requireNonNull(content, "content");
    acl = acl == null ? Set.of() : Set.copyOf(acl);
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    sourceUri = sourceUri == null ? "" : sourceUri;
  }

  /** A document with only the essentials; the rest defaults. */
  public static SourceDocument of(
      String tenant,
      String collection,
      String sourceId,
      Set<String> acl,
      boolean publicToTenant,
      String fileName,
      byte[] content) {
    return new SourceDocument(
        tenant,
        collection,
        sourceId,
        acl,
        publicToTenant,
        "",
        fileName,
        null,
        content,
        null,
        null,
        Map.of());
  }
}
