package io.tramontane.workflows.run;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many runs of each tenant are running on this node: each run counts from the moment its thread
 * is launched until it ends, is cancelled or its entity stops. It bounds what one run can start
 * ({@code run: workflow} fanning out).
 */
public final class RunningRuns {

  private final ConcurrentHashMap<String, AtomicInteger> byTenant = new ConcurrentHashMap<>();

  void started(String tenant) {
    byTenant.computeIfAbsent(tenant, t -> new AtomicInteger()).incrementAndGet();
  }

  void ended(String tenant) {
    AtomicInteger n = byTenant.get(tenant);
    if (n != null) {
      n.decrementAndGet();
    }
  }

  /** The runs of {@code tenant} running on this node now. */
  public int of(String tenant) {
    AtomicInteger n = byTenant.get(tenant);
    return n == null ? 0 : n.get();
  }

  /** The tenant of a run id ({@code <tenant>/<workflow>/<run>}). */
  static String tenantOf(String runId) {
    int slash = runId.indexOf('/');
    return slash < 0 ? "" : runId.substring(0, slash);
  }
}
