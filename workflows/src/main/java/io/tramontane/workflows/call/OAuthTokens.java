package io.tramontane.workflows.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tramontane.core.KnownSecrets;
import io.tramontane.core.audit.Audit;
import io.tramontane.core.outbound.OutboundException;
import io.tramontane.core.outbound.OutboundHttp;
import io.tramontane.core.outbound.PinnedHttpExchange;
import io.tramontane.workflows.run.WorkflowError;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Access tokens for {@code oauth2} and {@code oidc} policies (dsl-reference.md "OAUTH2
 * Authentication", "OpenIdConnect Authentication"): the {@code client_credentials} and {@code
 * password} grants, client authentication {@code client_secret_post} (the default), {@code
 * client_secret_basic} or {@code none}, form or JSON request. The token endpoint is {@code
 * authority} + {@code endpoints.token} (default {@code /oauth2/token}) for oauth2, the {@code
 * token_endpoint} of the authority's {@code /.well-known/openid-configuration} for oidc. Every
 * request goes through the call's outbound-HTTP policy (allowlist, address checks). A token is
 * reused, per tenant, token endpoint, client, credentials, grant, user, scopes and audiences, until
 * {@value #MARGIN_SECONDS} s before its {@code expires_in} ends (without {@code expires_in}, it is
 * not reused) or until the service answers it with 401 (then one new token is requested and the
 * call sent once more); tokens are registered with the log redaction. A failing token endpoint is
 * the DSL's communication error naming the endpoint (never a credential, never the answer's body).
 */
final class OAuthTokens {

  static final long MARGIN_SECONDS = 30;
  private static final Set<String> GRANTS = Set.of("client_credentials", "password");
  private static final Set<String> CLIENT_AUTH =
      Set.of("client_secret_post", "client_secret_basic", "none");
  private static final String WELL_KNOWN = "/.well-known/openid-configuration";
  private static final Duration DISCOVERY_TTL = Duration.ofHours(1);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What a token is reused for; {@code proof} is a digest of the client secret and password, so a
   * policy that does not hold them never gets a token requested with them.
   */
  private record Key(
      String tenant,
      String endpoint,
      String client,
      String grant,
      String user,
      String scopes,
      String audiences,
      String proof) {}

  private record Cached(String value, Instant renewAt) {}

  private final OutboundHttp http;
  private final Clock clock;
  private final Map<Key, Cached> tokens = new ConcurrentHashMap<>();
  private final Map<String, Cached> endpoints = new ConcurrentHashMap<>();

  OAuthTokens(OutboundHttp http, Clock clock) {
    this.http = http;
    this.clock = clock;
  }

  /** An access token, and whether it was reused from the cache. */
  record Token(String value, boolean reused) {}

  /**
   * A valid access token for policy settings {@code s} of kind {@code oauth2} or {@code oidc}; with
   * {@code renew}, a new one even if one is cached (the service refused the cached one).
   */
  Token token(String kind, JsonNode s, CallHandler.Call call, boolean renew) {
    String ref = call.task();
    String grant = HttpAuthentication.text(s, "grant", kind, ref);
    String clientAuth = s.path("client").path("authentication").asText("client_secret_post");
    if (!GRANTS.contains(grant) || !CLIENT_AUTH.contains(clientAuth)) {
      throw WorkflowError.runtime(
          400,
          "Unsupported authentication",
          kind
              + " grant '"
              + grant
              + "' with client authentication '"
              + clientAuth
              + "': supported are grants "
              + GRANTS
              + " and client authentication "
              + CLIENT_AUTH,
          ref);
    }
    String authority = HttpAuthentication.text(s, "authority", kind, ref);
    URI endpoint =
        kind.equals("oidc")
            ? discover(authority, call)
            : join(authority, s.path("endpoints").path("token").asText("/oauth2/token"), ref);
    String client = s.path("client").path("id").asText("");
    String user = grant.equals("password") ? HttpAuthentication.text(s, "username", kind, ref) : "";
    Key key =
        new Key(
            call.tenant(),
            endpoint.toString(),
            client,
            grant,
            user,
            words(s.get("scopes")),
            words(s.get("audiences")),
            proof(
                s.path("client").path("secret").asText("") + "\n" + s.path("password").asText("")));
    Cached cached = tokens.get(key);
    Instant now = clock.instant();
    if (!renew && cached != null && now.isBefore(cached.renewAt())) {
      return new Token(cached.value(), true);
    }
    Cached fresh = request(endpoint, s, key, clientAuth, call, now);
    Cached old = tokens.put(key, fresh);
    if (old != null && !old.value().equals(fresh.value())) {
      KnownSecrets.forget(old.value());
    }
    return new Token(fresh.value(), false);
  }

  private Cached request(
      URI endpoint, JsonNode s, Key key, String clientAuth, CallHandler.Call call, Instant now) {
    String ref = call.task();
    Map<String, List<String>> form = new java.util.LinkedHashMap<>();
    form.put("grant_type", List.of(key.grant()));
    JsonNode client = s.path("client");
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    headers.add(Map.entry("Accept", "application/json"));
    if (clientAuth.equals("client_secret_basic")) {
      String pair =
          URLEncoder.encode(key.client(), StandardCharsets.UTF_8)
              + ":"
              + URLEncoder.encode(client.path("secret").asText(""), StandardCharsets.UTF_8);
      headers.add(
          Map.entry(
              "Authorization",
              "Basic "
                  + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8))));
    } else if (!key.client().isEmpty()) {
      form.put("client_id", List.of(key.client()));
      if (clientAuth.equals("client_secret_post") && client.hasNonNull("secret")) {
        form.put("client_secret", List.of(client.get("secret").asText()));
      }
    }
    if (key.grant().equals("password")) {
      form.put("username", List.of(key.user()));
      form.put("password", List.of(HttpAuthentication.text(s, "password", "oauth2", ref)));
    }
    if (!key.scopes().isEmpty()) {
      form.put("scope", List.of(key.scopes()));
    }
    if (!key.audiences().isEmpty()) {
      form.put("audience", List.of(key.audiences().split(" ")));
    }
    boolean json = "application/json".equals(s.path("request").path("encoding").asText());
    headers.add(
        Map.entry("Content-Type", json ? "application/json" : "application/x-www-form-urlencoded"));
    byte[] body = (json ? json(form) : form(form)).getBytes(StandardCharsets.UTF_8);
    JsonNode answer = exchange(new OutboundHttp.Request("POST", endpoint, headers, body), call);
    JsonNode token = answer.path("access_token");
    if (!token.isTextual() || token.asText().isBlank()) {
      throw invalid(endpoint, "POST", ref);
    }
    KnownSecrets.register(token.asText());
    long expires = answer.path("expires_in").asLong(0);
    long reuse = expires > 2 * MARGIN_SECONDS ? expires - MARGIN_SECONDS : expires / 2;
    return new Cached(token.asText(), now.plusSeconds(Math.max(0, reuse)));
  }

  /** The token endpoint the OpenID Connect discovery document of {@code authority} names. */
  private URI discover(String authority, CallHandler.Call call) {
    String ref = call.task();
    String base =
        authority.endsWith("/") ? authority.substring(0, authority.length() - 1) : authority;
    String document = base.endsWith(WELL_KNOWN) ? base : base + WELL_KNOWN;
    Instant now = clock.instant();
    Cached cached = endpoints.get(document);
    if (cached != null && now.isBefore(cached.renewAt())) {
      return URI.create(cached.value());
    }
    URI uri = uri(document, ref);
    JsonNode answer =
        exchange(
            new OutboundHttp.Request(
                "GET", uri, List.of(Map.entry("Accept", "application/json")), null),
            call);
    JsonNode endpoint = answer.path("token_endpoint");
    if (!endpoint.isTextual()) {
      throw invalid(uri, "GET", ref);
    }
    URI token = uri(endpoint.asText(), ref);
    endpoints.put(document, new Cached(token.toString(), now.plus(DISCOVERY_TTL)));
    return token;
  }

  private JsonNode exchange(OutboundHttp.Request request, CallHandler.Call call) {
    String ref = call.task();
    String what = request.method() + " " + name(request.uri());
    PinnedHttpExchange.Response response;
    try {
      response = http.send(request, false);
    } catch (OutboundException e) {
      if (e.refused()) {
        Audit.refused(
            "workflow token endpoint refused",
            Audit.field("run", call.runId()),
            Audit.field("task", ref),
            Audit.field("host", e.host()),
            Audit.field("reason", e.getMessage()));
      }
      int status =
          switch (e.kind()) {
            case HOST_REFUSED, ADDRESS_REFUSED -> 403;
            case BAD_REQUEST -> 400;
            default -> 503;
          };
      throw new WorkflowError(
          WorkflowError.COMMUNICATION,
          status,
          "Token endpoint failed",
          what + ": " + KnownSecrets.redact(e.getMessage()),
          ref);
    }
    if (response.status() < 200 || response.status() > 299) {
      throw new WorkflowError(
          WorkflowError.COMMUNICATION,
          response.status(),
          "Token endpoint failed",
          what + " answered " + response.status(),
          ref);
    }
    try {
      JsonNode tree = JSON.readTree(response.body());
      if (tree != null && tree.isObject() && !response.truncated()) {
        return tree;
      }
    } catch (IOException e) {
      // below
    }
    throw invalid(request.uri(), request.method(), ref);
  }

  private static WorkflowError invalid(URI uri, String method, String ref) {
    return new WorkflowError(
        WorkflowError.COMMUNICATION,
        502,
        "Token endpoint failed",
        method + " " + name(uri) + " did not answer the JSON the protocol defines",
        ref);
  }

  /** {@code authority} + a relative token path (an absolute one is itself). */
  private static URI join(String authority, String path, String ref) {
    if (path.contains("://")) {
      return uri(path, ref);
    }
    String base =
        authority.endsWith("/") ? authority.substring(0, authority.length() - 1) : authority;
    return uri(base + (path.startsWith("/") ? path : "/" + path), ref);
  }

  private static URI uri(String text, String ref) {
    try {
      URI uri = URI.create(text);
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("no host");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw WorkflowError.runtime(400, "Bad authority", "'" + text + "' is not a URL", ref);
    }
  }

  /** Scheme, host, port and path: no user info, no query. */
  static String name(URI uri) {
    return uri.getScheme()
        + "://"
        + OutboundHttp.hostOf(uri)
        + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
        + uri.getRawPath();
  }

  private static String proof(String credentials) {
    try {
      return java.util.HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-256")
                  .digest(credentials.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static String words(JsonNode list) {
    List<String> out = new ArrayList<>();
    if (list != null && list.isArray()) {
      list.forEach(v -> out.add(v.asText()));
    }
    return String.join(" ", out);
  }

  private static String form(Map<String, List<String>> form) {
    StringBuilder b = new StringBuilder();
    form.forEach(
        (name, values) ->
            values.forEach(
                v ->
                    b.append(b.isEmpty() ? "" : "&")
                        .append(URLEncoder.encode(name, StandardCharsets.UTF_8))
                        .append('=')
                        .append(URLEncoder.encode(v, StandardCharsets.UTF_8))));
    return b.toString();
  }

  private static String json(Map<String, List<String>> form) {
    ObjectNode o = JSON.createObjectNode();
    form.forEach((name, values) -> o.put(name, String.join(" ", values)));
    return o.toString();
  }
}
