package io.tramontane.server.http;

import io.tramontane.core.error.ErrorKind;
import io.tramontane.core.error.KindedError;
import java.util.Set;
import java.util.TreeSet;

/**
 * A request named a principal its API key may not act as ({@link ErrorKind#FORBIDDEN}), refused
 * before anything is read or recorded.
 */
final class PrincipalNotAllowedException extends RuntimeException implements KindedError {

  private final String principal;

  PrincipalNotAllowedException(String keyId, String principal, Set<String> allowed) {
    super(
        "The API key '"
            + keyId
            + "' may not act as '"
            + principal
            + "': it may act as "
            + (allowed.isEmpty() ? "no principal" : new TreeSet<>(allowed).toString())
            + " (tramontane.server.api-keys."
            + keyId
            + ".principals). Leave '"
            + principal
            + "' out, list it in the key's principals, or give a trusted front end the scope '"
            + Principal.SCOPE_ASSERT
            + "'.");
    this.principal = principal;
  }

  String principal() {
    return principal;
  }

  @Override
  public ErrorKind kind() {
    return ErrorKind.FORBIDDEN;
  }
}
