package io.tramontane.connectors.sharepoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.tramontane.connectors.ConnectorSettings;
import io.tramontane.connectors.SyncException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The SharePoint site an instance syncs and its document libraries (drives), found through Graph;
 * Graph failures become messages that say what to fix.
 */
final class SiteDrives {

  record Site(String id, String name) {}

  record Drive(String id, String name) {}

  private final ConnectorSettings instance;
  private final SharePointSettings settings;
  private final GraphClient graph;

  SiteDrives(ConnectorSettings instance, SharePointSettings settings, GraphClient graph) {
    this.instance = instance;
    this.settings = settings;
    this.graph = graph;
  }

  /** The site of {@code site} (hostname:/path, or an id). */
  Site resolve() throws InterruptedException {
    String s = settings.site();
    int colon = s.indexOf(':');
    String path;
    if (colon < 0) {
      path = "/sites/" + GraphClient.segment(s);
    } else {
      StringBuilder b =
          new StringBuilder("/sites/")
              .append(GraphClient.segment(s.substring(0, colon)))
              .append(':');
      for (String part : s.substring(colon + 1).split("/")) {
        if (!part.isEmpty()) {
          b.append('/').append(GraphClient.segment(part));
        }
      }
      path = b.toString();
    }
    try {
      JsonNode site = graph.get(path, Map.of());
      String id = site.path("id").asText("");
      if (id.isEmpty()) {
        throw new SyncException("Graph answered site " + s + " without an id; check site.");
      }
      return new Site(id, site.path("displayName").asText(s));
    } catch (GraphException e) {
      if (e.status() == 404 || e.status() == 400) {
        throw new SyncException(
            "SharePoint site '"
                + s
                + "' was not found ("
                + e.getMessage()
                + "): set site to hostname:/server-relative path as in the site's address, e.g."
                + " contoso.sharepoint.com:/sites/finance.");
      }
      throw failure(e, "opening site '" + s + "'");
    }
  }

  /** The site's document libraries the instance syncs: all, or those named in {@code drives}. */
  List<Drive> select(Site site) throws InterruptedException {
    List<Drive> all = new ArrayList<>();
    String next = "/sites/" + GraphClient.segment(site.id()) + "/drives";
    try {
      while (next != null) {
        JsonNode page = graph.get(next, Map.of());
        for (JsonNode d : page.path("value")) {
          String type = d.path("driveType").asText("documentLibrary");
          if ("documentLibrary".equals(type)) {
            all.add(new Drive(d.path("id").asText(), d.path("name").asText()));
          }
        }
        next = page.path("@odata.nextLink").asText(null);
      }
    } catch (GraphException e) {
      throw failure(e, "listing the document libraries of site '" + settings.site() + "'");
    }
    if (settings.drives().isEmpty()) {
      return all;
    }
    List<Drive> chosen = new ArrayList<>();
    for (String name : settings.drives()) {
      Drive match =
          all.stream()
              .filter(d -> d.name().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT)))
              .findFirst()
              .orElseThrow(
                  () ->
                      new SyncException(
                          "Site '"
                              + settings.site()
                              + "' has no document library named '"
                              + name
                              + "'; it has: "
                              + String.join(", ", all.stream().map(Drive::name).toList())
                              + ". Fix drives in connector "
                              + instance.name()
                              + "."));
      chosen.add(match);
    }
    return chosen;
  }

  /** A Graph failure as a message an operator can act on (token, permissions, or try again). */
  SyncException failure(GraphException e, String doing) {
    String app = "app " + settings.clientId() + " (tenant " + settings.tenantId() + ")";
    return switch (e.status()) {
      case 401 ->
          new SyncException(
              "Graph refused the token of "
                  + app
                  + " while "
                  + doing
                  + " ("
                  + e.getMessage()
                  + "); check that tenant-id and authority match the app registration.");
      case 403 ->
          new SyncException(
              app
                  + " may not read site '"
                  + settings.site()
                  + "' ("
                  + e.getMessage()
                  + " while "
                  + doing
                  + "): grant it the application permissions Sites.Read.All (or Sites.Selected"
                  + " with a read grant on this site) and Files.Read.All, then grant admin"
                  + " consent.");
      default ->
          new SyncException(
              "Graph failed while "
                  + doing
                  + " ("
                  + e.getMessage()
                  + "); the next pass tries again.",
              e);
    };
  }
}
