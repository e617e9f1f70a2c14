package io.tramontane.server.http;

import java.util.Set;

/** Who is calling: the API key's id, its tenant and scopes. Anonymous on public routes. */
public record Principal(String keyId, String tenant, Set<String> scopes) {

  public static final Principal ANONYMOUS = new Principal("anonymous", "", Set.of());

  public boolean has(String scope) {
    return scopes.contains(scope);
  }
}
