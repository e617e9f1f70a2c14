package io.tramontane.connectors.sharepoint;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * Graph item permissions ({@code GET /drives/{d}/items/{i}/permissions}) as ACL principals. Every
 * role (read, write, owner) lets its holder read, so every grant counts:
 *
 * <ul>
 *   <li>{@code user:<Entra object id>} — {@code user.id} of {@code grantedToV2} / {@code
 *       grantedToIdentitiesV2} (and the legacy {@code grantedTo} / {@code grantedToIdentities});
 *   <li>{@code group:<Entra object id>} — {@code group.id} (security and Microsoft 365 groups);
 *   <li>{@code sharepoint-group:<site id>/<id>} — {@code siteGroup.id} (Owners, Members, Visitors
 *       …; their members are not expanded here).
 * </ul>
 *
 * Sharing links that name nobody (anyone/organization links) grant nothing: a document is visible
 * only to principals Graph names. Applications and devices are ignored.
 */
final class Permissions {

  private Permissions() {}

  /** Adds the principals of one permissions page ({@code value} array) to {@code into}. */
  static void principals(JsonNode page, String siteId, Set<String> into) {
    for (JsonNode p : page.path("value")) {
      identitySet(p.path("grantedToV2"), siteId, into);
      identitySet(p.path("grantedTo"), siteId, into);
      for (JsonNode i : p.path("grantedToIdentitiesV2")) {
        identitySet(i, siteId, into);
      }
      for (JsonNode i : p.path("grantedToIdentities")) {
        identitySet(i, siteId, into);
      }
    }
  }

  private static void identitySet(JsonNode set, String siteId, Set<String> into) {
    if (!set.isObject()) {
      return;
    }
    String user = set.path("user").path("id").asText("");
    if (!user.isBlank()) {
      into.add("user:" + user);
    }
    String group = set.path("group").path("id").asText("");
    if (!group.isBlank()) {
      into.add("group:" + group);
    }
    String siteGroup = set.path("siteGroup").path("id").asText("");
    if (!siteGroup.isBlank()) {
      into.add("sharepoint-group:" + siteId + "/" + siteGroup);
    }
  }
}
