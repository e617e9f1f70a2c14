package io.tramontane.workflows.definition;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The profile's checks of authentication policies (dsl-reference.md "Authentication") and secrets
 * (dsl.md "Secret"): a {@code call: http} endpoint's {@code authentication} and each policy of
 * {@code use.authentications}. A policy named by {@code use} must be defined; a secret a policy
 * uses ({@code basic: {use: <secret>}}, {@code ${ $secrets.<name> }}) must be listed in {@code
 * use.secrets}; {@code $secrets} is read in authentication policies only (anywhere else its value
 * would enter the run's data and journal). What the runtime does not implement is refused:
 * certificate authentication, OAuth2 grants other than client_credentials and password, JWT client
 * authentication, issuer checks, token exchange.
 */
final class ProfileAuthentications {

  private static final Set<String> GRANTS = Set.of("client_credentials", "password");
  private static final Set<String> CLIENT_AUTH =
      Set.of("client_secret_post", "client_secret_basic", "none");
  private static final List<String> SCHEMES =
      List.of("basic", "bearer", "digest", "oauth2", "oidc");
  private static final Pattern SECRET =
      Pattern.compile("\\$secrets(?:\\.([A-Za-z_][A-Za-z0-9_]*)|\\[\\s*\"([^\"]+)\"\\s*\\])?");

  private final Locations where;
  private final List<Problem> problems;
  private final Set<String> claimed;
  private final Set<String> secrets = new LinkedHashSet<>();
  private final Set<String> policies = new LinkedHashSet<>();

  ProfileAuthentications(Locations where, List<Problem> problems, Set<String> claimed) {
    this.where = where;
    this.problems = problems;
    this.claimed = claimed;
  }

  /** Where a call: openapi task's own policy is ({@code with.authentication}). */
  private static final java.util.regex.Pattern OPENAPI_POLICY =
      java.util.regex.Pattern.compile(".*/with/authentication/.*");

  void check(JsonNode root) {
    JsonNode use = root.path("use");
    use.path("secrets").forEach(s -> secrets.add(s.asText()));
    use.path("authentications").fieldNames().forEachRemaining(policies::add);
    for (Map.Entry<String, JsonNode> p : use.path("authentications").properties()) {
      policy("/use/authentications/" + Locations.escape(p.getKey()), p.getValue(), true);
    }
    walk("", root);
  }

  /** Every call: http endpoint's policy, and every $secrets outside a policy. */
  private void walk(String pointer, JsonNode node) {
    if (node.isObject()) {
      if ("http".equals(node.path("call").asText())) {
        JsonNode auth = node.path("with").path("endpoint").path("authentication");
        if (auth.isObject()) {
          policy(pointer + "/with/endpoint/authentication", auth, false);
        }
      }
      if ("openapi".equals(node.path("call").asText())) {
        JsonNode auth = node.path("with").path("authentication");
        if (auth.isObject()) {
          policy(pointer + "/with/authentication", auth, false);
        }
      }
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        walk(pointer + "/" + Locations.escape(e.getKey()), e.getValue());
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(pointer + "/" + i, node.get(i));
      }
    } else if (node.isTextual() && node.asText().contains("$authorization")) {
      refuse(
          pointer,
          false,
          "$authorization is not provided: it would copy the call's credential into the run's"
              + " data and journal",
          "the call sends the credential itself; read what you need from the response");
    } else if (node.isTextual()
        && node.asText().contains("$secrets")
        && !pointer.startsWith("/use/authentications/")
        && !pointer.contains("/endpoint/authentication/")
        && !OPENAPI_POLICY.matcher(pointer).matches()) {
      refuse(
          pointer,
          false,
          "$secrets is read in authentication policies only",
          "use the secret in the endpoint's authentication (e.g. bearer: {token: ${ $secrets.name"
              + " }}): elsewhere its value would enter the run's data and journal");
    }
  }

  private void policy(String pointer, JsonNode policy, boolean top) {
    if (policy.has("use")) {
      String name = policy.path("use").asText();
      if (top) {
        refuse(
            pointer + "/use",
            true,
            "a policy of use.authentications cannot use another",
            "write the policy itself");
      } else if (!policies.contains(name)) {
        refuse(
            pointer + "/use",
            false,
            "authentication policy '" + name + "' is not defined in use.authentications",
            "define it under use.authentications"
                + (policies.isEmpty() ? "" : " (defined: " + policies + ")")
                + ", or write the policy inline");
      }
      return;
    }
    if (policy.has("certificate")) {
      refuse(
          pointer + "/certificate",
          true,
          "certificate authentication is not supported",
          "use basic, bearer, digest, oauth2 or oidc");
    }
    for (String scheme : SCHEMES) {
      JsonNode s = policy.get(scheme);
      if (s == null || !s.isObject()) {
        continue;
      }
      String at = pointer + "/" + scheme;
      if (s.size() == 1 && s.path("use").isTextual()) {
        secret(at + "/use", s.get("use").asText());
        continue;
      }
      secrets(at, s);
      if (scheme.startsWith("o")) {
        oauth(at, scheme, s);
      }
    }
  }

  private void oauth(String at, String scheme, JsonNode s) {
    JsonNode grant = s.get("grant");
    if (grant != null
        && grant.isTextual()
        && !Profile.isExpression(grant.asText())
        && !GRANTS.contains(grant.asText())) {
      refuse(
          at + "/grant",
          false,
          scheme + " grant '" + grant.asText() + "' is not supported",
          "use grant client_credentials or password");
    }
    if ("password".equals(s.path("grant").asText()) && (!s.has("username") || !s.has("password"))) {
      refuse(
          at + "/grant",
          false,
          scheme + " grant password needs username and password",
          "add username and password (a secret: ${ $secrets.name.password })");
    }
    JsonNode clientAuth = s.path("client").get("authentication");
    if (clientAuth != null
        && clientAuth.isTextual()
        && !CLIENT_AUTH.contains(clientAuth.asText())) {
      refuse(
          at + "/client/authentication",
          false,
          scheme + " client authentication '" + clientAuth.asText() + "' is not supported",
          "use client_secret_post (the default), client_secret_basic or none");
    }
    for (String key : List.of("issuers", "subject", "actor")) {
      if (s.has(key)) {
        refuse(
            at + "/" + key,
            true,
            scheme + " '" + key + "' is not supported (no issuer check, no token exchange)",
            "remove " + key);
      }
    }
    if (s.path("client").has("assertion")) {
      refuse(
          at + "/client/assertion",
          true,
          scheme + " client.assertion is not supported",
          "authenticate the client with its secret (client_secret_post or client_secret_basic)");
    }
  }

  /** Each $secrets reference in a policy's settings names a secret of use.secrets. */
  private void secrets(String pointer, JsonNode node) {
    if (node.isContainerNode()) {
      if (node.isObject()) {
        node.properties()
            .forEach(e -> secrets(pointer + "/" + Locations.escape(e.getKey()), e.getValue()));
      } else {
        for (int i = 0; i < node.size(); i++) {
          secrets(pointer + "/" + i, node.get(i));
        }
      }
      return;
    }
    Matcher m = SECRET.matcher(node.isTextual() ? node.asText() : "");
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2);
      if (name == null) {
        refuse(
            pointer,
            false,
            "$secrets is read by name only",
            "write ${ $secrets.name } or ${ $secrets[\"name\"] }");
      } else {
        secret(pointer, name);
      }
    }
  }

  private void secret(String pointer, String name) {
    if (!secrets.contains(name)) {
      refuse(
          pointer,
          false,
          "secret '" + name + "' is not listed in use.secrets",
          "add it (use: {secrets: ["
              + name
              + "]}) and configure tramontane.workflows.secrets."
              + name
              + " on the platform");
    }
  }

  private void refuse(String pointer, boolean key, String message, String hint) {
    claimed.add(pointer);
    problems.add(key ? where.atKey(pointer, message, hint) : where.at(pointer, message, hint));
  }
}
