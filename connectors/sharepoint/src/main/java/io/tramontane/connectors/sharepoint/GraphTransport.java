package io.tramontane.connectors.sharepoint;

import io.tramontane.connectors.SyncException;
import io.tramontane.core.outbound.OutboundException;
import io.tramontane.core.outbound.OutboundHttp;
import io.tramontane.core.outbound.PinnedHttpExchange;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How a request to Microsoft Graph or Entra ID goes out: through the platform's outbound-HTTP
 * component (the instance's policy: the configured Graph, authority and download hosts, private
 * networks only when allowed, size and time caps), within the tenant's request budget, with the
 * bearer token on authorized requests (fetched again once on a 401), and throttling obeyed — a
 * 429/503/502/504 with {@code Retry-After} is never retried before it has passed, without it the
 * wait grows exponentially with jitter. Every wait is reported to the throttle listener.
 */
final class GraphTransport {

  /** Receives every wait the client imposes on itself. */
  interface Throttle {
    void waited(Duration wait, String reason);
  }

  /** The bearer token: the cached one, or a fresh one after {@link #invalidate}. */
  interface Tokens {
    String token() throws InterruptedException;

    void invalidate(String used);
  }

  private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

  /** Longer Retry-After values end the pass instead of blocking it; see {@link #notBefore()}. */
  static final Duration LONGEST_WAIT_IN_PASS = Duration.ofSeconds(120);

  private final SharePointSettings settings;
  private final OutboundHttp http;
  private final RequestBudget budget;
  private final Clock clock;
  private volatile Throttle onThrottle = (wait, reason) -> {};
  private volatile Instant notBefore = Instant.EPOCH;

  GraphTransport(
      SharePointSettings settings, OutboundHttp http, RequestBudget budget, Clock clock) {
    this.settings = settings;
    this.http = http;
    this.budget = budget;
    this.clock = clock;
  }

  void onThrottle(Throttle throttle) {
    this.onThrottle = Objects.requireNonNull(throttle);
  }

  /** No request should be sent before this instant (a long Retry-After ended the last pass). */
  Instant notBefore() {
    return notBefore;
  }

  /**
   * Sends one request, retried on connection failures and throttling; with {@code tokens} it is
   * authorized (budgeted, bearer token attached), without them it goes out bare (the token request
   * itself, a pre-authenticated download).
   */
  PinnedHttpExchange.Response send(
      URI uri, String method, byte[] body, Tokens tokens, Map<String, String> headers)
      throws InterruptedException {
    int attempt = 0;
    boolean refreshed = false;
    while (true) {
      if (tokens != null) {
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
      String bearer = tokens != null ? tokens.token() : null;
      List<Map.Entry<String, String>> h = new ArrayList<>(headers.entrySet());
      if (bearer != null) {
        h.add(Map.entry("Authorization", "Bearer " + bearer));
      }
      PinnedHttpExchange.Response r;
      try {
        r = http.send(new OutboundHttp.Request(method, uri, h, body));
      } catch (OutboundException e) {
        if (e.refused()) {
          throw new SyncException(
              e.getMessage() + "; check the graph, authority and download-hosts settings.");
        }
        attempt++;
        if (attempt > settings.maxRetries()) {
          throw new SyncException(
              "Cannot reach "
                  + uri.getScheme()
                  + "://"
                  + uri.getAuthority()
                  + " ("
                  + e.getMessage()
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
      int status = r.status();
      if (status == 401 && tokens != null && !refreshed) {
        tokens.invalidate(bearer);
        refreshed = true;
        continue;
      }
      if (status == 429 || status == 503 || status == 502 || status == 504) {
        attempt++;
        throttled(uri, status, retryAfter(r), attempt, tokens != null);
        continue;
      }
      return r;
    }
  }

  /** Waits out a throttled answer, or ends the pass when the wait is too long or too often. */
  private void throttled(URI uri, int status, Duration retryAfter, int attempt, boolean budgeted)
      throws InterruptedException {
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
    if (retryAfter != null && budgeted) {
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
  }

  /** Exponential from {@code initial-backoff}, at most a minute, jittered down to half. */
  private Duration backoff(int attempt) {
    long base = settings.initialBackoff().toMillis() << Math.min(16, attempt - 1);
    long capped = Math.min(base, MAX_BACKOFF.toMillis());
    long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    return Duration.ofMillis(Math.max(1, jittered));
  }

  /** Retry-After as delta-seconds or an HTTP date; null when absent or unreadable. */
  private Duration retryAfter(PinnedHttpExchange.Response r) {
    String v = r.header("retry-after");
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

  static String describe(URI uri) {
    String path = uri.getRawPath();
    return "GET " + (path.length() > 120 ? path.substring(0, 120) + "…" : path);
  }
}
