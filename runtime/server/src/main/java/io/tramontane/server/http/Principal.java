package io.tramontane.server.http;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Who is calling: the API key's id, its tenant, scopes and the principals (users, groups) it may
 * act as. Anonymous on public routes.
 *
 * @param principals the principals the key may act as ({@code tramontane.server.api-keys.<id>
 *     .principals}); what it reads is bounded by them unless it holds {@value #SCOPE_ASSERT}
 */
public record Principal(String keyId, String tenant, Set<String> scopes, Set<String> principals) {

  /**
   * The scope of a trusted front end that authenticates its own users and passes their identities:
   * the principals it names are taken as given.
   */
  public static final String SCOPE_ASSERT = "principals:assert";

  public static final Principal ANONYMOUS = new Principal("anonymous", "", Set.of(), Set.of());

  public Principal {
    scopes = Set.copyOf(scopes);
    principals = Set.copyOf(principals);
  }

  public boolean has(String scope) {
    return scopes.contains(scope);
  }

  /**
   * The principals a request acts as, given those it names ({@code "principals"} in a body): none
   * named means all the key's own; otherwise each must be one of the key's, so a request narrows
   * the key's view but never widens it. A key with {@value #SCOPE_ASSERT} acts as whatever it
   * names. Every route that takes principals from a request calls this.
   *
   * @throws PrincipalNotAllowedException naming the first principal the key may not act as
   */
  public Set<String> actingAs(Collection<String> requested) {
    if (requested == null || requested.isEmpty()) {
      return principals;
    }
    Set<String> acting = new LinkedHashSet<>(requested);
    if (has(SCOPE_ASSERT)) {
      return acting;
    }
    for (String p : acting) {
      if (!principals.contains(p)) {
        throw new PrincipalNotAllowedException(keyId, p, principals);
      }
    }
    return acting;
  }
}
