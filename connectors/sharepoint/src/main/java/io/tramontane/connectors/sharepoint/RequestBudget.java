package io.tramontane.connectors.sharepoint;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A token bucket of Graph requests shared by every instance of one tenant in this JVM (Graph
 * throttles per app and tenant, so two instances on the same tenant share one budget). Refills at
 * {@code requestsPerMinute / 60} per second and holds at most ten seconds' worth, so a burst after
 * a quiet spell stays short. A 429 from Graph pauses the whole tenant ({@link #pauseFor}).
 */
final class RequestBudget {

  private static final ConcurrentMap<String, RequestBudget> BY_TENANT = new ConcurrentHashMap<>();

  private final double perNano;
  private final double capacity;
  private double tokens;
  private long updated;
  private long pausedUntil;

  RequestBudget(int requestsPerMinute) {
    this.perNano = requestsPerMinute / 60e9;
    this.capacity = Math.max(1.0, requestsPerMinute / 6.0);
    this.tokens = capacity;
    this.updated = System.nanoTime();
    this.pausedUntil = updated;
  }

  /**
   * The budget of {@code tenantKey} (authority + tenant id); the first instance to ask sets the
   * rate, later ones with another rate get the lower of the two.
   */
  static RequestBudget forTenant(String tenantKey, int requestsPerMinute) {
    return BY_TENANT.merge(
        tenantKey,
        new RequestBudget(requestsPerMinute),
        (old, mine) -> mine.perNano < old.perNano ? mine : old);
  }

  /** Takes one request from the budget; returns how long the caller must wait before sending. */
  synchronized Duration reserve() {
    long now = System.nanoTime();
    tokens = Math.min(capacity, tokens + (now - updated) * perNano);
    updated = now;
    tokens -= 1;
    long wait = tokens >= 0 ? 0 : (long) Math.ceil(-tokens / perNano);
    wait = Math.max(wait, pausedUntil - now);
    return Duration.ofNanos(Math.max(0, wait));
  }

  /** Nobody on this tenant sends before {@code wait} has passed (Graph said Retry-After). */
  synchronized void pauseFor(Duration wait) {
    pausedUntil = Math.max(pausedUntil, System.nanoTime() + wait.toNanos());
  }
}
