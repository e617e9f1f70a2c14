package io.tramontane.connectors.sharepoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tramontane.connectors.SyncException;
import io.tramontane.core.KnownSecrets;
import io.tramontane.core.outbound.OutboundHttp;
import io.tramontane.core.outbound.PinnedHttpExchange;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Microsoft Graph for one instance: an app-only token (client credentials, cached until shortly
 * before it expires, fetched again once on a 401), JSON reads and file downloads. Requests go out
 * through {@link GraphTransport} (the platform's outbound-HTTP component, the tenant's request
 * budget, throttling).
 *
 * <p>The bearer token goes only to URLs on the configured Graph origin; a download's 302 target (a
 * pre-authenticated URL on SharePoint, a host of {@code download-hosts}) is fetched without it.
 * Error messages name the app and tenant, never the secret.
 */
final class GraphClient implements GraphTransport.Tokens {

  static final ObjectMapper JSON = new ObjectMapper();

  private static final Logger LOG = LoggerFactory.getLogger(GraphClient.class);

  private final SharePointSettings settings;
  private final GraphTransport transport;
  private final Clock clock;
  private final Object tokenLock = new Object();
  private String token;
  private Instant tokenRenewAt = Instant.EPOCH;

  GraphClient(SharePointSettings settings, OutboundHttp http, RequestBudget budget, Clock clock) {
    this.settings = settings;
    this.transport = new GraphTransport(settings, http, budget, clock);
    this.clock = clock;
  }

  void onThrottle(GraphTransport.Throttle throttle) {
    transport.onThrottle(throttle);
  }

  /** No request should be sent before this instant (a long Retry-After ended the last pass). */
  Instant notBefore() {
    return transport.notBefore();
  }

  /** GETs a Graph URL (absolute, on the Graph origin) or a path under the Graph base. */
  JsonNode get(String urlOrPath, Map<String, String> headers) throws InterruptedException {
    URI uri = graphUri(urlOrPath);
    PinnedHttpExchange.Response r = transport.send(uri, "GET", null, this, headers);
    if (r.status() / 100 == 2) {
      return readJson(r.body(), uri);
    }
    throw error(r.status(), r.body(), r, uri);
  }

  /**
   * The bytes of a drive item: {@code /content} answers 302 to a pre-authenticated URL, fetched
   * without the Authorization header. Files over {@code maxBytes} are a {@link GraphException} with
   * status 413.
   */
  byte[] content(String driveId, String itemId, long maxBytes) throws InterruptedException {
    URI uri = graphUri("/drives/" + segment(driveId) + "/items/" + segment(itemId) + "/content");
    PinnedHttpExchange.Response r = transport.send(uri, "GET", null, this, Map.of());
    if (r.status() / 100 == 3) {
      String location = r.header("location");
      URI target;
      try {
        target = location == null ? null : uri.resolve(location);
      } catch (IllegalArgumentException e) {
        target = null;
      }
      if (target == null
          || !("https".equalsIgnoreCase(target.getScheme())
              || "http".equalsIgnoreCase(target.getScheme()))) {
        throw new GraphException(
            502, "badRedirect", "the download redirect is not an http(s) URL", null);
      }
      r = transport.send(target, "GET", null, null, Map.of());
    }
    if (r.status() / 100 != 2) {
      throw error(r.status(), r.body(), r, uri);
    }
    if (r.truncated() || r.body().length > maxBytes) {
      throw new GraphException(
          413, "tooLarge", "larger than max-file-bytes (" + maxBytes + " bytes)", null);
    }
    return r.body();
  }

  // ---- token

  @Override
  public String token() throws InterruptedException {
    synchronized (tokenLock) {
      if (token != null && clock.instant().isBefore(tokenRenewAt)) {
        return token;
      }
      URI uri =
          URI.create(
              settings.authority() + "/" + segment(settings.tenantId()) + "/oauth2/v2.0/token");
      String form =
          "client_id="
              + form(settings.clientId())
              + "&client_secret="
              + form(settings.clientSecret())
              + "&scope="
              + form("https://graph.microsoft.com/.default")
              + "&grant_type=client_credentials";
      Instant asked = clock.instant();
      PinnedHttpExchange.Response r =
          transport.send(
              uri,
              "POST",
              form.getBytes(StandardCharsets.UTF_8),
              null,
              Map.of("Content-Type", "application/x-www-form-urlencoded"));
      JsonNode body;
      try {
        body = JSON.readTree(r.body());
      } catch (IOException e) {
        body = JSON.createObjectNode();
      }
      if (r.status() != 200 || !body.path("access_token").isTextual()) {
        throw tokenFailure(r.status(), body, uri);
      }
      long expiresIn = body.path("expires_in").asLong(3599);
      // Renew a minute early (or halfway for very short tokens) so a request never carries an
      // expired token.
      long margin = expiresIn > 120 ? 60 : expiresIn / 2;
      String previous = token;
      token = body.get("access_token").asText();
      // A bearer token is a credential: the logs redact it like a configured secret.
      KnownSecrets.register(token);
      if (previous != null && !previous.equals(token)) {
        KnownSecrets.forget(previous);
      }
      tokenRenewAt = asked.plusSeconds(expiresIn - margin);
      LOG.debug(
          "Graph token for app {} in tenant {} valid for {} s",
          settings.clientId(),
          settings.tenantId(),
          expiresIn);
      return token;
    }
  }

  @Override
  public void invalidate(String used) {
    synchronized (tokenLock) {
      if (used != null && used.equals(token)) {
        token = null;
      }
    }
  }

  private SyncException tokenFailure(int status, JsonNode body, URI uri) {
    String error = body.path("error").asText("");
    String description = scrub(firstLine(body.path("error_description").asText("")));
    String app = "app " + settings.clientId() + " in tenant " + settings.tenantId();
    String detail =
        error.isEmpty()
            ? "HTTP " + status
            : error + (description.isEmpty() ? "" : ": ") + description;
    String fix;
    if ("invalid_client".equals(error) || description.contains("AADSTS7000215")) {
      fix =
          "check that client-secret ("
              + settings.clientSecretRef()
              + ") holds the secret's Value (not its Secret ID) and has not expired: Azure portal →"
              + " App registrations → the app → Certificates & secrets.";
    } else if (description.contains("AADSTS700016") || "unauthorized_client".equals(error)) {
      fix =
          "check client-id: no such application in that tenant (App registrations → Overview →"
              + " Application (client) ID).";
    } else if (description.contains("AADSTS90002") || description.contains("AADSTS900023")) {
      fix =
          "check tenant-id: Entra ID does not know that tenant (Overview → Directory (tenant) ID).";
    } else if (status == 404) {
      fix = "check authority: " + uri + " is not a token endpoint.";
    } else {
      fix = "check tenant-id, client-id and client-secret.";
    }
    return new SyncException(
        "Microsoft Entra ID refused a token to " + app + " (" + detail + "); " + fix);
  }

  private GraphException error(int status, byte[] body, PinnedHttpExchange.Response r, URI uri) {
    String code = "";
    String message = "";
    try {
      JsonNode e = JSON.readTree(body == null ? new byte[0] : body).path("error");
      code = e.path("code").asText("");
      message = e.path("message").asText("");
    } catch (IOException | RuntimeException ignored) {
      // not a Graph error body
    }
    String location = r.header("location");
    return new GraphException(
        status,
        code,
        "HTTP "
            + status
            + (code.isEmpty() ? "" : " " + code)
            + " from "
            + GraphTransport.describe(uri)
            + (message.isEmpty() ? "" : ": " + firstLine(message)),
        location);
  }

  private URI graphUri(String urlOrPath) {
    URI uri =
        urlOrPath.startsWith("http://") || urlOrPath.startsWith("https://")
            ? URI.create(urlOrPath)
            : URI.create(settings.graph() + urlOrPath);
    URI base = settings.graph();
    boolean sameOrigin =
        base.getScheme().equalsIgnoreCase(uri.getScheme())
            && base.getHost().equalsIgnoreCase(uri.getHost())
            && base.getPort() == uri.getPort();
    if (!sameOrigin) {
      throw new SyncException(
          "Graph returned a link to "
              + uri.getScheme()
              + "://"
              + uri.getAuthority()
              + ", outside the configured graph "
              + base
              + "; the token is not sent there. Check the graph setting.");
    }
    return uri;
  }

  private String scrub(String text) {
    return text.replace(settings.clientSecret(), "***");
  }

  static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String form(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    String line = (nl < 0 ? s : s.substring(0, nl)).strip();
    return line.length() > 300 ? line.substring(0, 300) + "…" : line;
  }

  private static JsonNode readJson(byte[] body, URI uri) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new SyncException(
          "Graph answered " + uri.getRawPath() + " with something that is not JSON; check graph.");
    }
  }
}
