package io.tramontane.workflows.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tramontane.core.outbound.OutboundHttp;
import io.tramontane.workflows.run.WorkflowError;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;

/**
 * The {@code authentication} of a {@code call: http} endpoint (dsl-reference.md "Authentication"),
 * as the interpreter hands it over: the policy itself (a {@code use: <name>} of {@code
 * use.authentications} already replaced by that policy), its {@code $secrets} expressions not yet
 * evaluated. {@code basic} and {@code bearer} give the {@code Authorization} header; {@code oauth2}
 * and {@code oidc} a bearer token from the authority ({@link OAuthTokens}); {@code digest} answers
 * the service's challenge ({@link DigestAuthorization}). A scheme's settings may be a secret
 * ({@code basic: {use: <secret>}}: the secret is a JSON object with the scheme's properties; for
 * {@code bearer} it may be the token itself).
 */
final class HttpAuthentication {

  private final WorkflowSecrets secrets;
  private final OAuthTokens tokens;

  HttpAuthentication(OutboundHttp http, WorkflowSecrets secrets, Clock clock) {
    this.secrets = secrets;
    this.tokens = new OAuthTokens(http, clock);
  }

  /**
   * What a policy gives a request: the {@code Authorization} header to send, or the credentials to
   * answer a digest challenge with.
   */
  record Prepared(
      String authorization, String digestUser, String digestPassword, boolean reusedToken) {
    static final Prepared NONE = new Prepared(null, null, null, false);

    boolean digest() {
      return digestUser != null;
    }
  }

  /**
   * @param renew request a new OAuth2 / OIDC token even if one is cached
   */
  Prepared prepare(JsonNode policy, CallHandler.Call call, boolean renew) {
    if (policy == null || !policy.isObject() || policy.isEmpty()) {
      return Prepared.NONE;
    }
    String ref = call.task();
    if (policy.has("basic")) {
      JsonNode s = settings(policy.get("basic"), "basic", call);
      String pair = text(s, "username", "basic", ref) + ":" + text(s, "password", "basic", ref);
      return header(
          "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)),
          ref);
    }
    if (policy.has("bearer")) {
      return header(
          "Bearer " + text(settings(policy.get("bearer"), "bearer", call), "token", "bearer", ref),
          ref);
    }
    if (policy.has("digest")) {
      JsonNode s = settings(policy.get("digest"), "digest", call);
      return new Prepared(
          null, text(s, "username", "digest", ref), text(s, "password", "digest", ref), false);
    }
    for (String kind : new String[] {"oauth2", "oidc"}) {
      if (policy.has(kind)) {
        JsonNode s = settings(policy.get(kind), kind, call);
        OAuthTokens.Token token = tokens.token(kind, s, call, renew);
        Prepared p = header("Bearer " + token.value(), ref);
        return new Prepared(p.authorization(), null, null, token.reused());
      }
    }
    throw WorkflowError.runtime(
        400,
        "Unsupported authentication",
        "authentication " + policy.fieldNames().next() + " is not supported",
        ref);
  }

  private static Prepared header(String value, String ref) {
    if (OutboundHttp.headerRefusal("Authorization", value).isPresent()) {
      throw WorkflowError.runtime(
          400, "Bad credentials", "the credentials do not fit in an Authorization header", ref);
    }
    return new Prepared(value, null, null, false);
  }

  /** A scheme's settings with every {@code $secrets} expression evaluated. */
  private JsonNode settings(JsonNode written, String kind, CallHandler.Call call) {
    String ref = call.task();
    if (written.size() == 1 && written.path("use").isTextual()) {
      String name = written.get("use").asText();
      JsonNode secret = secrets.value(name, call.tenant(), ref);
      if (secret.isTextual() && kind.equals("bearer")) {
        return JsonNodeFactory.instance.objectNode().set("token", secret);
      }
      if (!secret.isObject()) {
        throw new WorkflowError(
            WorkflowSecrets.AUTHORIZATION,
            403,
            "Bad secret",
            "secret '" + name + "' must be a JSON object with the " + kind + " policy's properties",
            ref);
      }
      return secret;
    }
    return evaluate(written, call);
  }

  private JsonNode evaluate(JsonNode value, CallHandler.Call call) {
    if (value.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      value.properties().forEach(e -> out.set(e.getKey(), evaluate(e.getValue(), call)));
      return out;
    }
    if (value.isArray()) {
      var out = JsonNodeFactory.instance.arrayNode();
      value.forEach(v -> out.add(evaluate(v, call)));
      return out;
    }
    return secrets.field(value, call.tenant(), call.task());
  }

  /** A required text property of a scheme's settings. */
  static String text(JsonNode settings, String field, String kind, String ref) {
    JsonNode v = settings.path(field);
    if (!v.isValueNode() || v.isNull() || v.asText().isEmpty()) {
      throw WorkflowError.runtime(
          400, "Bad authentication", kind + " authentication needs '" + field + "'", ref);
    }
    return v.asText();
  }
}
