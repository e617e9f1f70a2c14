package io.tramontane.retrieval.index;

import java.util.Objects;
import java.util.Set;

/**
 * Who is searching: the tenant (from the API key, never from a request body) and the principals
 * (user and groups) the caller holds. An empty principal set sees only documents public to the
 * tenant.
 */
public record Caller(String tenant, Set<String> principals) {

  public Caller {
    Objects.requireNonNull(tenant, "tenant");
    if (tenant.isBlank()) {
      throw new IllegalArgumentException("a caller needs a tenant");
    }
    principals = Set.copyOf(principals);
  }
}
