package io.tramontane.connectors.sharepoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Microsoft Graph and the Entra ID token endpoint on loopback, answering with the payload shapes
 * Microsoft documents (token response, site, drives, driveItem delta pages with
 * {@code @odata.nextLink}/{@code @odata.deltaLink}, the {@code deleted} facet, permissions, the 302
 * to a pre-authenticated download URL) and injectable faults: 429 with Retry-After, 503 without it,
 * 410 on expired delta tokens, duplicate items in one delta, revoked tokens.
 *
 * <p>Every change to an item bumps the drive's change sequence; a deltaLink carries the sequence it
 * was issued at and a delta from it returns the items changed since (their current state), as Graph
 * does — a permission change is such a change. The download URL rejects requests carrying an
 * Authorization header (and records that they happened).
 */
public final class FakeGraph implements AutoCloseable {

  public static final String TENANT = "7f3c1a52-tenant";
  public static final String CLIENT_ID = "0a1b2c3d-app";
  public static final String SECRET = "canary-secret-Zq81!";
  public static final String HOST = "contoso.sharepoint.com";
  public static final String SITE_PATH = "/sites/finance";
  static final String SITE_ID = "contoso.sharepoint.com,2c712604-site,2d2244c3-web";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One request as the fake saw it. */
  record Request(
      long receivedNanos,
      long respondedNanos,
      String method,
      String target,
      boolean authorization,
      int status,
      int retryAfterSeconds) {}

  public static final class Item {
    final String id;
    String name;
    boolean folder;
    byte[] content;
    int version = 1;
    final Set<String> users = new LinkedHashSet<>();
    final Set<String> groups = new LinkedHashSet<>();
    final Set<String> siteGroups = new LinkedHashSet<>();
    boolean anonymousLink;
    boolean deleted;
    long changedAt;

    Item(String id) {
      this.id = id;
    }
  }

  public static final class Drive {
    final String id;
    final String name;
    final Map<String, Item> items = new LinkedHashMap<>();
    long seq;
    long minValidToken;

    Drive(String id, String name) {
      this.id = id;
      this.name = name;
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final Map<String, Drive> drives = new LinkedHashMap<>();
  private final Map<String, List<JsonNode>> snapshots = new HashMap<>();
  private final Map<String, byte[]> downloads = new HashMap<>();
  private final Set<String> tokens = new LinkedHashSet<>();
  private final List<Request> requests = new ArrayList<>();
  private final Random random;
  private int tokenCalls;
  private int downloadsWithAuthorization;
  private int pageSize = 100;
  private double rate429;
  private double rate503;
  private int retryAfterSeconds = 1;
  private boolean duplicates;
  private boolean forbidden;
  private long expiresIn = 3599;
  private final java.util.ArrayDeque<Integer> forced = new java.util.ArrayDeque<>();

  public FakeGraph(long seed) throws IOException {
    this.random = new Random(seed);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  public String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public String graph() {
    return base() + "/v1.0";
  }

  // ---- scenario

  public synchronized Drive drive(String id, String name) {
    return drives.computeIfAbsent(id, k -> new Drive(id, name));
  }

  /** Adds or changes a file (a change in the drive's delta). */
  public synchronized Item file(String driveId, String itemId, String name, String text) {
    Drive d = drives.get(driveId);
    Item item = d.items.computeIfAbsent(itemId, Item::new);
    if (item.content != null) {
      item.version++;
    }
    item.name = name;
    item.content = text.getBytes(StandardCharsets.UTF_8);
    item.deleted = false;
    item.changedAt = ++d.seq;
    return item;
  }

  synchronized void folder(String driveId, String itemId, String name) {
    Drive d = drives.get(driveId);
    Item item = d.items.computeIfAbsent(itemId, Item::new);
    item.name = name;
    item.folder = true;
    item.changedAt = ++d.seq;
  }

  public synchronized void grantUser(String driveId, String itemId, String userId) {
    Item item = drives.get(driveId).items.get(itemId);
    item.users.add(userId);
  }

  public synchronized void grantGroup(String driveId, String itemId, String groupId) {
    drives.get(driveId).items.get(itemId).groups.add(groupId);
  }

  synchronized void grantSiteGroup(String driveId, String itemId, String siteGroupId) {
    drives.get(driveId).items.get(itemId).siteGroups.add(siteGroupId);
  }

  synchronized void anonymousLink(String driveId, String itemId) {
    drives.get(driveId).items.get(itemId).anonymousLink = true;
  }

  /** Removes a user's access; like Graph, the item shows up in the next delta (new eTag). */
  synchronized void revokeUser(String driveId, String itemId, String userId) {
    Drive d = drives.get(driveId);
    Item item = d.items.get(itemId);
    item.users.remove(userId);
    item.version++;
    item.changedAt = ++d.seq;
  }

  synchronized void delete(String driveId, String itemId) {
    Drive d = drives.get(driveId);
    Item item = d.items.get(itemId);
    item.deleted = true;
    item.changedAt = ++d.seq;
  }

  /**
   * Removes an item without leaving a trace in the change history (only a full enumeration
   * notices).
   */
  synchronized void vanish(String driveId, String itemId) {
    drives.get(driveId).items.remove(itemId);
  }

  /** Every deltaLink issued so far for the drive answers 410 Gone. */
  synchronized void expireDeltaTokens(String driveId) {
    Drive d = drives.get(driveId);
    d.seq++;
    d.minValidToken = d.seq;
  }

  public synchronized void pageSize(int size) {
    this.pageSize = size;
  }

  synchronized void throttle(double rate429, double rate503, int retryAfterSeconds) {
    this.rate429 = rate429;
    this.rate503 = rate503;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** The next Graph calls answer these statuses (429 with Retry-After, 503 without), in order. */
  synchronized void forceNext(int... statuses) {
    for (int status : statuses) {
      forced.add(status);
    }
  }

  synchronized void duplicates(boolean on) {
    this.duplicates = on;
  }

  synchronized void forbidden(boolean on) {
    this.forbidden = on;
  }

  synchronized void revokeTokens() {
    tokens.clear();
  }

  synchronized int tokenCalls() {
    return tokenCalls;
  }

  synchronized int downloadsWithAuthorization() {
    return downloadsWithAuthorization;
  }

  synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  synchronized void clearRequests() {
    requests.clear();
  }

  // ---- HTTP

  private void handle(HttpExchange ex) throws IOException {
    long received = System.nanoTime();
    String method = ex.getRequestMethod();
    String target =
        ex.getRequestURI().getRawPath()
            + (ex.getRequestURI().getRawQuery() == null
                ? ""
                : "?" + ex.getRequestURI().getRawQuery());
    boolean auth = ex.getRequestHeaders().containsKey("Authorization");
    Reply reply;
    try {
      synchronized (this) {
        reply = route(ex, method);
      }
    } catch (RuntimeException e) {
      reply = Reply.json(500, error("generalException", String.valueOf(e)));
    }
    synchronized (this) {
      requests.add(
          new Request(
              received, System.nanoTime(), method, target, auth, reply.status, reply.retryAfter));
    }
    reply.headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    if (reply.retryAfter >= 0) {
      ex.getResponseHeaders().add("Retry-After", String.valueOf(reply.retryAfter));
    }
    if (reply.contentType != null) {
      ex.getResponseHeaders().add("Content-Type", reply.contentType);
    }
    ex.sendResponseHeaders(reply.status, reply.body.length == 0 ? -1 : reply.body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(reply.body);
    }
  }

  private static final class Reply {
    final int status;
    final byte[] body;
    final String contentType;
    final Map<String, String> headers = new LinkedHashMap<>();
    int retryAfter = -1;

    Reply(int status, byte[] body, String contentType) {
      this.status = status;
      this.body = body;
      this.contentType = contentType;
    }

    static Reply json(int status, JsonNode node) {
      try {
        return new Reply(status, JSON.writeValueAsBytes(node), "application/json");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private Reply route(HttpExchange ex, String method) throws IOException {
    String path = ex.getRequestURI().getPath();
    Map<String, String> query = query(ex.getRequestURI().getRawQuery());
    if (method.equals("POST") && path.equals("/" + TENANT + "/oauth2/v2.0/token")) {
      return token(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    }
    if (method.equals("POST") && path.endsWith("/oauth2/v2.0/token")) {
      ObjectNode e = JSON.createObjectNode();
      e.put("error", "invalid_request");
      e.put("error_description", "AADSTS90002: Tenant not found.");
      return Reply.json(400, e);
    }
    if (path.startsWith("/download/")) {
      if (ex.getRequestHeaders().containsKey("Authorization")) {
        downloadsWithAuthorization++;
        return Reply.json(
            401, error("invalidRequest", "pre-authenticated URLs reject Authorization headers"));
      }
      byte[] bytes = downloads.get(path.substring("/download/".length()));
      return bytes == null
          ? Reply.json(404, error("itemNotFound", "expired download URL"))
          : new Reply(200, bytes, "application/octet-stream");
    }
    if (!path.startsWith("/v1.0/")) {
      return Reply.json(404, error("notFound", path));
    }
    String bearer = ex.getRequestHeaders().getFirst("Authorization");
    if (bearer == null || !bearer.startsWith("Bearer ") || !tokens.contains(bearer.substring(7))) {
      return Reply.json(
          401, error("InvalidAuthenticationToken", "Access token is empty or invalid."));
    }
    double dice = random.nextDouble();
    Integer force = forced.poll();
    if (force != null) {
      dice = force == 429 ? 0 : force == 503 ? 1 : dice;
    }
    if (force != null && force == 503) {
      return Reply.json(503, error("serviceNotAvailable", "Service unavailable"));
    }
    if (dice < rate429 || (force != null && force == 429)) {
      Reply r = Reply.json(429, error("activityLimitReached", "The request has been throttled"));
      r.retryAfter = retryAfterSeconds;
      return r;
    }
    if (dice < rate429 + rate503) {
      return Reply.json(503, error("serviceNotAvailable", "Service unavailable"));
    }
    String g = path.substring("/v1.0".length());
    if (g.equals("/sites/" + HOST + ":" + SITE_PATH)) {
      ObjectNode site = JSON.createObjectNode();
      site.put("id", SITE_ID);
      site.put("displayName", "Finance");
      site.put("name", "finance");
      site.put("webUrl", "https://" + HOST + SITE_PATH);
      return Reply.json(200, site);
    }
    if (g.startsWith("/sites/") && g.contains(":")) {
      return Reply.json(404, error("itemNotFound", "Requested site could not be found"));
    }
    if (g.equals("/sites/" + SITE_ID + "/drives")) {
      if (forbidden) {
        return Reply.json(403, error("accessDenied", "Access denied"));
      }
      ObjectNode page = JSON.createObjectNode();
      page.put("@odata.context", graph() + "/$metadata#drives");
      ArrayNode value = page.putArray("value");
      for (Drive d : drives.values()) {
        ObjectNode n = value.addObject();
        n.put("id", d.id);
        n.put("name", d.name);
        n.put("driveType", "documentLibrary");
        n.put("webUrl", "https://" + HOST + SITE_PATH + "/" + d.name.replace(" ", "%20"));
      }
      ObjectNode list = value.addObject();
      list.put("id", "b!not-a-library");
      list.put("name", "Site Pages");
      list.put("driveType", "business");
      return Reply.json(200, page);
    }
    String[] parts = g.split("/");
    // /drives/{d}/root/delta   /drives/{d}/items/{i}/content|permissions
    if (parts.length >= 4 && parts[1].equals("drives")) {
      Drive d = drives.get(parts[2]);
      if (d == null) {
        return Reply.json(404, error("itemNotFound", "drive not found"));
      }
      if (parts.length == 5 && parts[3].equals("root") && parts[4].equals("delta")) {
        return delta(d, query);
      }
      if (parts.length == 6 && parts[3].equals("items")) {
        Item item = d.items.get(parts[4]);
        if (item == null || item.deleted) {
          return Reply.json(404, error("itemNotFound", "The resource could not be found."));
        }
        if (parts[5].equals("content")) {
          String key = UUID.randomUUID().toString();
          downloads.put(key, item.content);
          Reply r = new Reply(302, new byte[0], null);
          r.headers.put("Location", base() + "/download/" + key + "?tempauth=eyJ0eXAi");
          return r;
        }
        if (parts[5].equals("permissions")) {
          return Reply.json(200, permissions(item));
        }
      }
    }
    return Reply.json(400, error("invalidRequest", "unsupported " + g));
  }

  private Reply token(String form) {
    tokenCalls++;
    Map<String, String> f = query(form);
    if (!CLIENT_ID.equals(f.get("client_id"))) {
      ObjectNode e = JSON.createObjectNode();
      e.put("error", "unauthorized_client");
      e.put(
          "error_description",
          "AADSTS700016: Application with identifier '"
              + f.get("client_id")
              + "' was not found in the directory.");
      return Reply.json(400, e);
    }
    if (!SECRET.equals(f.get("client_secret"))
        || !"client_credentials".equals(f.get("grant_type"))
        || !"https://graph.microsoft.com/.default".equals(f.get("scope"))) {
      ObjectNode e = JSON.createObjectNode();
      e.put("error", "invalid_client");
      e.put(
          "error_description",
          "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the"
              + " request is the client secret value, not the client secret ID, for a secret"
              + " added to app '"
              + CLIENT_ID
              + "'.\r\nTrace ID: 0000\r\nCorrelation ID: 1111");
      e.putArray("error_codes").add(7000215);
      return Reply.json(401, e);
    }
    String token = "eyJ0eXAiOiJKV1Qi." + UUID.randomUUID();
    tokens.add(token);
    ObjectNode t = JSON.createObjectNode();
    t.put("token_type", "Bearer");
    t.put("expires_in", expiresIn);
    t.put("ext_expires_in", expiresIn);
    t.put("access_token", token);
    return Reply.json(200, t);
  }

  private Reply delta(Drive d, Map<String, String> query) {
    List<JsonNode> snapshot;
    String snapshotId;
    int skip;
    if (query.containsKey("snapshot")) {
      snapshotId = query.get("snapshot");
      snapshot = snapshots.get(snapshotId);
      skip = Integer.parseInt(query.get("skip"));
      if (snapshot == null) {
        return Reply.json(400, error("invalidRequest", "unknown snapshot"));
      }
    } else {
      long since = query.containsKey("token") ? Long.parseLong(query.get("token")) : -1;
      if (since >= 0 && since < d.minValidToken) {
        Reply r =
            Reply.json(
                410,
                error(
                    "resyncRequired",
                    "Resync required. Replace any local items with the server's version (including"
                        + " deletes) if you're sure that the service was up to date with your"
                        + " local changes when you last sync'd."));
        r.headers.put("Location", graph() + "/drives/" + d.id + "/root/delta");
        return r;
      }
      snapshot = new ArrayList<>();
      if (since < 0) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", "root-" + d.id);
        root.put("name", "root");
        root.putObject("root");
        root.putObject("folder").put("childCount", d.items.size());
        snapshot.add(root);
      }
      Item first = null;
      for (Item item : d.items.values()) {
        if (since < 0 ? item.deleted : item.changedAt <= since) {
          continue;
        }
        if (first == null && !item.folder && !item.deleted) {
          first = item;
          if (duplicates) {
            // An older state of the same item early in the enumeration; the current one follows.
            ObjectNode stale = driveItem(d, item);
            stale.put("name", "stale-" + item.name);
            stale.put("eTag", "\"{" + item.id + "},0\"");
            snapshot.add(stale);
            continue;
          }
        }
        snapshot.add(driveItem(d, item));
      }
      if (duplicates && first != null) {
        snapshot.add(driveItem(d, first));
      }
      snapshotId = UUID.randomUUID().toString();
      snapshots.put(snapshotId, snapshot);
      skip = 0;
      snapshot.add(0, JSON.getNodeFactory().textNode(String.valueOf(d.seq)));
    }
    long tokenAtStart = Long.parseLong(snapshot.get(0).asText());
    List<JsonNode> items = snapshot.subList(1, snapshot.size());
    ObjectNode page = JSON.createObjectNode();
    page.put("@odata.context", graph() + "/$metadata#Collection(driveItem)");
    ArrayNode value = page.putArray("value");
    int end = Math.min(items.size(), skip + pageSize);
    for (int i = skip; i < end; i++) {
      value.add(items.get(i));
    }
    if (end < items.size()) {
      page.put(
          "@odata.nextLink",
          graph() + "/drives/" + d.id + "/root/delta?snapshot=" + snapshotId + "&skip=" + end);
    } else {
      page.put(
          "@odata.deltaLink", graph() + "/drives/" + d.id + "/root/delta?token=" + tokenAtStart);
    }
    return Reply.json(200, page);
  }

  private ObjectNode driveItem(Drive d, Item item) {
    ObjectNode n = JSON.createObjectNode();
    n.put("@odata.type", "#microsoft.graph.driveItem");
    n.put("id", item.id);
    ObjectNode parent = n.putObject("parentReference");
    parent.put("driveId", d.id);
    parent.put("driveType", "documentLibrary");
    parent.put("id", "root-" + d.id);
    if (item.deleted) {
      n.putObject("deleted").put("state", "deleted");
      return n;
    }
    n.put("name", item.name);
    n.put("eTag", "\"{" + item.id + "}," + item.version + "\"");
    n.put("cTag", "\"c:{" + item.id + "}," + item.version + "\"");
    n.put("createdDateTime", "2024-03-01T09:00:00Z");
    n.put("lastModifiedDateTime", "2024-03-0" + Math.min(9, item.version) + "T10:00:00Z");
    n.put(
        "webUrl",
        "https://" + HOST + SITE_PATH + "/" + d.name.replace(" ", "%20") + "/" + item.name);
    parent.put("path", "/drives/" + d.id + "/root:");
    if (item.folder) {
      n.putObject("folder").put("childCount", 0);
    } else {
      n.put("size", item.content.length);
      ObjectNode file = n.putObject("file");
      file.put("mimeType", "text/plain");
      file.putObject("hashes").put("quickXorHash", "AAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    }
    return n;
  }

  private ObjectNode permissions(Item item) {
    ObjectNode page = JSON.createObjectNode();
    page.put(
        "@odata.context", graph() + "/$metadata#drives('x')/items('" + item.id + "')/permissions");
    ArrayNode value = page.putArray("value");
    int n = 0;
    for (String user : item.users) {
      ObjectNode p = value.addObject();
      p.put("id", "aTowIy5mfG1lbWJlcnNoaXB8" + n++);
      p.putArray("roles").add("read");
      ObjectNode u = p.putObject("grantedToV2").putObject("user");
      u.put("@odata.type", "#microsoft.graph.sharePointIdentity");
      u.put("id", user);
      u.put("displayName", "User " + user);
      u.put("email", user + "@contoso.com");
      ObjectNode legacy = p.putObject("grantedTo").putObject("user");
      legacy.put("id", user);
      legacy.put("displayName", "User " + user);
    }
    for (String group : item.groups) {
      ObjectNode p = value.addObject();
      p.put("id", "group-perm-" + n++);
      p.putArray("roles").add("write");
      ObjectNode g = p.putObject("grantedToV2").putObject("group");
      g.put("id", group);
      g.put("displayName", "Group " + group);
    }
    for (String siteGroup : item.siteGroups) {
      ObjectNode p = value.addObject();
      p.put("id", "site-group-perm-" + n++);
      p.putArray("roles").add("owner");
      ObjectNode g = p.putObject("grantedToV2").putObject("siteGroup");
      g.put("@odata.type", "#microsoft.graph.sharePointIdentity");
      g.put("id", siteGroup);
      g.put("displayName", "Finance Members");
      g.put("loginName", "Finance Members");
    }
    if (item.anonymousLink) {
      ObjectNode p = value.addObject();
      p.put("id", "link-perm-" + n);
      p.putArray("roles").add("read");
      p.put("shareId", "u!aHR0cHM6Ly9jb250b3Nv");
      p.put("hasPassword", false);
      ObjectNode link = p.putObject("link");
      link.put("scope", "anonymous");
      link.put("type", "view");
      link.put("webUrl", "https://contoso.sharepoint.com/:t:/s/finance/Eabc");
      link.put("preventsDownload", false);
    }
    return page;
  }

  private static ObjectNode error(String code, String message) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode e = root.putObject("error");
    e.put("code", code);
    e.put("message", message);
    ObjectNode inner = e.putObject("innerError");
    inner.put("date", "2024-03-01T10:00:00");
    inner.put("request-id", UUID.randomUUID().toString());
    return root;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return q;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      q.put(k, v);
    }
    return q;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
