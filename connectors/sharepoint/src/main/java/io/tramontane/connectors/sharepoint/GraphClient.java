package io.tramontane.connectors.sharepoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tramontane.connectors.SyncException;
import io.tramontane.core.KnownSecrets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Microsoft Graph over {@code java.net.http}: an app-only token (client credentials, cached until
 * shortly before it expires, fetched again once on a 401), the tenant's request budget, and
 * throttling — a 429/503 with {@code Retry-After} is never retried before it has passed, without it
 * the wait grows exponentially with jitter. Every wait is reported to {@link #onThrottle}.
 *
 * <p>The bearer token goes only to URLs on the configured Graph origin; a download's 302 target (a
 * pre-authenticated URL on SharePoint) is fetched without it. Error messages name the app and
 * tenant, never the secret.
 */
final class GraphClient {

  /** Receives every wait the client imposes on itself. */
  interface Throttle {
    void waited(Duration wait, String reason);
  }

  static final ObjectMapper JSON = new ObjectMapper();

  private static final Logger LOG = LoggerFactory.getLogger(GraphClient.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

  /** Longer Retry-After values end the pass instead of blocking it; see {@link #notBefore()}. */
  static final Duration LONGEST_WAIT_IN_PASS = Duration.ofSeconds(120);

  private final SharePointSettings settings;
  private final HttpClient http;
  private final RequestBudget budget;
  private final Clock clock;
  private final Object tokenLock = new Object();
  private volatile Throttle onThrottle = (wait, reason) -> {};
  private volatile Instant notBefore = Instant.EPOCH;
  private String token;
  private Instant tokenRenewAt = Instant.EPOCH;

  GraphClient(SharePointSettings settings, HttpClient http, RequestBudget budget, Clock clock) {
    this.settings = settings;
    this.http = http;
    this.budget = budget;
    this.clock = clock;
  }

  static HttpClient defaultHttpClient() {
    return HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(20))
        .build();
  }

  void onThrottle(Throttle throttle) {
    this.onThrottle = Objects.requireNonNull(throttle);
  }

  /** No request should be sent before this instant (a long Retry-After ended the last pass). */
  Instant notBefore() {
    return notBefore;
  }

  /** GETs a Graph URL (absolute, on the Graph origin) or a path under the Graph base. */
  JsonNode get(String urlOrPath, Map<String, String> headers) throws InterruptedException {
    URI uri = graphUri(urlOrPath);
    HttpResponse<byte[]> r = send(uri, "GET", null, true, headers, BodyHandlers.ofByteArray());
    if (r.statusCode() / 100 == 2) {
      return readJson(r.body(), uri);
    }
    throw error(r.statusCode(), r.body(), r, uri);
  }

  /**
   * The bytes of a drive item: {@code /content} answers 302 to a pre-authenticated URL, fetched
   * without the Authorization header. Files over {@code maxBytes} are a {@link GraphException} with
   * status 413.
   */
  byte[] content(String driveId, String itemId, long maxBytes) throws InterruptedException {
    URI uri = graphUri("/drives/" + segment(driveId) + "/items/" + segment(itemId) + "/content");
    HttpResponse<InputStream> r =
        send(uri, "GET", null, true, Map.of(), BodyHandlers.ofInputStream());
    if (r.statusCode() / 100 == 3) {
      drain(r.body());
      String location = r.headers().firstValue("Location").orElse(null);
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
      r = send(target, "GET", null, false, Map.of(), BodyHandlers.ofInputStream());
    }
    if (r.statusCode() / 100 != 2) {
      byte[] body = readLimited(r.body(), 64 * 1024, true);
      throw error(r.statusCode(), body, r, uri);
    }
    byte[] bytes = readLimited(r.body(), maxBytes, false);
    if (bytes == null) {
      throw new GraphException(
          413, "tooLarge", "larger than max-file-bytes (" + maxBytes + " bytes)", null);
    }
    return bytes;
  }

  // ---- token

  String token() throws InterruptedException {
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
      HttpResponse<byte[]> r =
          send(
              uri,
              "POST",
              HttpRequest.BodyPublishers.ofString(form),
              false,
              Map.of("Content-Type", "application/x-www-form-urlencoded"),
              BodyHandlers.ofByteArray());
      JsonNode body;
      try {
        body = JSON.readTree(r.body());
      } catch (IOException e) {
        body = JSON.createObjectNode();
      }
      if (r.statusCode() != 200 || !body.path("access_token").isTextual()) {
        throw tokenFailure(r.statusCode(), body, uri);
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

  private void invalidate(String used) {
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

  // ---- transport

  private <T> HttpResponse<T> send(
      URI uri,
      String method,
      HttpRequest.BodyPublisher body,
      boolean authorized,
      Map<String, String> headers,
      BodyHandler<T> handler)
      throws InterruptedException {
    int attempt = 0;
    boolean refreshed = false;
    while (true) {
      if (authorized) {
        Duration wait = budget.reserve();
        if (!wait.isZero()) {
          onThrottle.waited(
              wait,
              "request budget of "
                  + settings.requestsPerMinute()
                  + "/min for tenant "
                  + settings.tenantId());
          Thread.sleep(wait);
        }
      }
      String bearer = authorized ? token() : null;
      HttpRequest.Builder b =
          HttpRequest.newBuilder(uri)
              .timeout(Duration.ofMinutes(5))
              .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body);
      headers.forEach(b::header);
      if (bearer != null) {
        b.header("Authorization", "Bearer " + bearer);
      }
      HttpResponse<T> r;
      try {
        r = http.send(b.build(), handler);
      } catch (IOException e) {
        attempt++;
        if (attempt > settings.maxRetries()) {
          throw new SyncException(
              "Cannot reach "
                  + uri.getScheme()
                  + "://"
                  + uri.getAuthority()
                  + " ("
                  + e.getClass().getSimpleName()
                  + (e.getMessage() == null ? "" : ": " + e.getMessage())
                  + ") after "
                  + attempt
                  + " attempts; check the network, proxy and the graph/authority settings.",
              e);
        }
        Duration wait = backoff(attempt);
        onThrottle.waited(wait, "connection to " + uri.getAuthority() + " failed, retrying");
        Thread.sleep(wait);
        continue;
      }
      int status = r.statusCode();
      if (status == 401 && authorized && !refreshed) {
        discard(r);
        invalidate(bearer);
        refreshed = true;
        continue;
      }
      if (status == 429 || status == 503 || status == 502 || status == 504) {
        attempt++;
        Duration retryAfter = retryAfter(r);
        discard(r);
        if (attempt > settings.maxRetries()) {
          throw new SyncException(
              "Graph kept answering "
                  + status
                  + " to "
                  + describe(uri)
                  + " ("
                  + attempt
                  + " attempts); the next pass tries again. If this persists, lower"
                  + " requests-per-minute.");
        }
        Duration wait = retryAfter != null ? retryAfter : backoff(attempt);
        if (retryAfter != null && authorized) {
          budget.pauseFor(retryAfter);
        }
        if (wait.compareTo(LONGEST_WAIT_IN_PASS) > 0) {
          notBefore = clock.instant().plus(wait);
          onThrottle.waited(wait, "Graph answered " + status + " with Retry-After " + wait);
          throw new SyncException(
              "Graph asked to wait "
                  + wait.toSeconds()
                  + " s (HTTP "
                  + status
                  + " Retry-After); the next pass starts after "
                  + notBefore
                  + ".");
        }
        onThrottle.waited(
            wait,
            "Graph answered "
                + status
                + " to "
                + describe(uri)
                + (retryAfter != null
                    ? " with Retry-After " + retryAfter.toSeconds() + " s"
                    : ", backing off"));
        Thread.sleep(wait);
        continue;
      }
      return r;
    }
  }

  /** Exponential from {@code initial-backoff}, at most a minute, jittered down to half. */
  private Duration backoff(int attempt) {
    long base = settings.initialBackoff().toMillis() << Math.min(16, attempt - 1);
    long capped = Math.min(base, MAX_BACKOFF.toMillis());
    long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    return Duration.ofMillis(Math.max(1, jittered));
  }

  /** Retry-After as delta-seconds or an HTTP date; null when absent or unreadable. */
  private Duration retryAfter(HttpResponse<?> r) {
    String v = r.headers().firstValue("Retry-After").orElse(null);
    if (v == null || v.isBlank()) {
      return null;
    }
    v = v.strip();
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
    } catch (NumberFormatException e) {
      try {
        Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(clock.instant(), at);
        // Round up: a date has second precision, and early is never allowed.
        return d.isNegative() ? Duration.ZERO : d.plusSeconds(1);
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  private GraphException error(int status, byte[] body, HttpResponse<?> r, URI uri) {
    String code = "";
    String message = "";
    try {
      JsonNode e = JSON.readTree(body == null ? new byte[0] : body).path("error");
      code = e.path("code").asText("");
      message = e.path("message").asText("");
    } catch (IOException | RuntimeException ignored) {
      // not a Graph error body
    }
    String location = r.headers().firstValue("Location").orElse(null);
    return new GraphException(
        status,
        code,
        "HTTP "
            + status
            + (code.isEmpty() ? "" : " " + code)
            + " from "
            + describe(uri)
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

  private String describe(URI uri) {
    String path = uri.getRawPath();
    return "GET " + (path.length() > 120 ? path.substring(0, 120) + "…" : path);
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

  private static void discard(HttpResponse<?> r) {
    if (r.body() instanceof InputStream in) {
      drain(in);
    }
  }

  private static void drain(InputStream in) {
    try (in) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException ignored) {
      // the connection is dropped instead of reused
    }
  }

  /** Reads at most {@code max} bytes; null (or truncated when {@code truncate}) beyond. */
  private static byte[] readLimited(InputStream in, long max, boolean truncate) {
    try (in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[64 * 1024];
      long total = 0;
      int n;
      while ((n = in.read(buf)) >= 0) {
        total += n;
        if (total > max) {
          if (truncate) {
            out.write(buf, 0, (int) (n - (total - max)));
            return out.toByteArray();
          }
          return null;
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new GraphException(502, "readFailed", "download interrupted: " + e.getMessage(), null);
    }
  }
}
