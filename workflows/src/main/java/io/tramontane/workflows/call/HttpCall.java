package io.tramontane.workflows.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import io.tramontane.core.audit.Audit;
import io.tramontane.core.outbound.OutboundException;
import io.tramontane.core.outbound.OutboundHttp;
import io.tramontane.core.outbound.OutboundPolicy;
import io.tramontane.core.outbound.PinnedHttpExchange;
import io.tramontane.workflows.run.WorkflowError;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code call: http}, through the platform's one outbound-HTTP component ({@link OutboundHttp} with
 * the {@value #KEY} policy: allowlist of hosts and ports, every resolved address checked, the
 * connection pinned to the vetted address, TLS verified against the host name, redirects as the
 * policy says, size and time caps). The endpoint arrives with its URI template already expanded by
 * the interpreter; {@code query} is appended ({@link HttpQuery}). The run's idempotency key goes on
 * every request; a JSON body gets {@code Content-Type: application/json}. A status outside 200–299
 * fails the call with the DSL's communication error and that status — 300–399 are allowed (and
 * followed within the policy's {@code max-redirects}) only with {@code redirect: true}, as
 * dsl-reference.md says. The output is shaped by {@code output} ({@link HttpOutput}). The
 * endpoint's {@code authentication} policy is applied ({@link HttpAuthentication}; its token
 * requests go through the same policy). Refusals are audited with the host, never the URL.
 */
public final class HttpCall implements CallHandler {

  /** The configuration block of the policy. */
  public static final String KEY = "tramontane.workflows.http";

  private static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");

  private final OutboundHttp http;
  private final HttpAuthentication authentication;

  public HttpCall(OutboundHttp http) {
    this(http, WorkflowSecrets.none(), Clock.systemUTC());
  }

  /**
   * @param secrets what {@code use.secrets} names resolve to
   * @param clock when cached OAuth2 / OpenID Connect tokens expire
   */
  public HttpCall(OutboundHttp http, WorkflowSecrets secrets, Clock clock) {
    this.http = http;
    this.authentication = new HttpAuthentication(http, secrets, clock);
  }

  /**
   * With the policy under {@value #KEY} and the secrets under {@value WorkflowSecrets#KEY} in
   * {@code config}.
   */
  public static HttpCall fromConfig(Config config) {
    return new HttpCall(
        new OutboundHttp(OutboundPolicy.fromConfig(config, KEY)),
        WorkflowSecrets.fromConfig(config),
        Clock.systemUTC());
  }

  @Override
  public String function() {
    return "http";
  }

  /** The outbound-HTTP component this call sends through ({@link OpenApiCall} reads with it). */
  OutboundHttp outbound() {
    return http;
  }

  @Override
  public JsonNode call(Call call, JsonNode with) {
    String ref = call.task();
    JsonNode endpoint = with.path("endpoint");
    String url = endpoint.isTextual() ? endpoint.asText() : endpoint.path("uri").asText();
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw WorkflowError.runtime(400, "Bad endpoint", url, ref);
    }
    uri = HttpQuery.append(uri, with.get("query"), ref);
    String output = with.path("output").asText("content");
    boolean redirect = with.path("redirect").asBoolean(false);
    String method = with.path("method").asText("get").toUpperCase(Locale.ROOT);
    JsonNode body = with.get("body");
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    headers.add(Map.entry("Idempotency-Key", call.idempotencyKey()));
    boolean contentType = false;
    for (Map.Entry<String, JsonNode> h : with.path("headers").properties()) {
      String name = h.getKey();
      String value = h.getValue().asText();
      Optional<String> refusal = OutboundHttp.headerRefusal(name, value);
      if (refusal.isPresent()) {
        throw WorkflowError.runtime(400, "Bad header", refusal.get(), ref);
      }
      contentType |= "content-type".equalsIgnoreCase(name);
      headers.add(Map.entry(name, value));
    }
    if (body != null && !body.isNull() && !body.isTextual() && !contentType) {
      headers.add(Map.entry("Content-Type", "application/json"));
    }
    byte[] bytes =
        body == null || body.isNull()
            ? (BODY_METHODS.contains(method) ? new byte[0] : null)
            : (body.isTextual() ? body.asText() : body.toString()).getBytes(StandardCharsets.UTF_8);
    JsonNode policy = endpoint.path("authentication");
    HttpAuthentication.Prepared auth = authentication.prepare(policy, call, false);
    if (auth.authorization() != null) {
      headers.removeIf(h -> h.getKey().equalsIgnoreCase("authorization"));
      headers.add(Map.entry("Authorization", auth.authorization()));
    }
    OutboundHttp.Request request = new OutboundHttp.Request(method, uri, headers, bytes);
    PinnedHttpExchange.Response response = send(request, redirect, call);
    String again = null;
    if (response.status() == 401 && auth.digest()) {
      again =
          DigestAuthorization.answer(
              response, method, uri, auth.digestUser(), auth.digestPassword(), ref);
    } else if (response.status() == 401 && auth.reusedToken()) {
      // the cached token was refused (revoked, or the service's clock is ahead): one new token
      again = authentication.prepare(policy, call, true).authorization();
    }
    if (again != null) {
      List<Map.Entry<String, String>> retry = new ArrayList<>(headers);
      retry.removeIf(h -> h.getKey().equalsIgnoreCase("authorization"));
      retry.add(Map.entry("Authorization", again));
      request = new OutboundHttp.Request(method, uri, retry, bytes);
      response = send(request, redirect, call);
    }
    String host = OutboundHttp.hostOf(uri);
    if (response.truncated()) {
      throw new WorkflowError(
          WorkflowError.COMMUNICATION,
          502,
          "Response too large",
          "more than "
              + http.policy().maxResponseBytes()
              + " bytes ("
              + KEY
              + ".max-response-bytes)",
          ref);
    }
    int status = response.status();
    if (status < 200 || status >= 400 || (status >= 300 && !redirect)) {
      throw new WorkflowError(
          WorkflowError.COMMUNICATION,
          status,
          "HTTP " + status,
          method
              + " "
              + host
              + (status >= 300 && status < 400
                  ? " answered a redirect, an error unless the call sets redirect: true"
                  : ""),
          ref);
    }
    return HttpOutput.of(output, request, response, ref);
  }

  private PinnedHttpExchange.Response send(
      OutboundHttp.Request request, boolean redirect, Call call) {
    try {
      return http.send(request, redirect);
    } catch (OutboundException e) {
      throw failure(call, request.method(), e);
    }
  }

  static WorkflowError failure(Call call, String method, OutboundException e) {
    if (e.refused()) {
      Audit.refused(
          "workflow http refused",
          Audit.field("run", call.runId()),
          Audit.field("task", call.task()),
          Audit.field("host", e.host()),
          Audit.field("reason", e.getMessage()));
    }
    String detail = method + " " + e.host() + ": " + e.getMessage();
    return switch (e.kind()) {
      case BAD_REQUEST -> WorkflowError.runtime(400, "Bad request", detail, call.task());
      case HOST_REFUSED ->
          new WorkflowError(
              WorkflowError.COMMUNICATION, 403, "Host not allowed", e.getMessage(), call.task());
      case ADDRESS_REFUSED ->
          new WorkflowError(
              WorkflowError.COMMUNICATION, 403, "Address not allowed", e.getMessage(), call.task());
      case UNKNOWN_HOST ->
          new WorkflowError(
              WorkflowError.COMMUNICATION, 503, "Unknown host", e.host(), call.task());
      case TIMED_OUT, TLS, FAILED, REDIRECT ->
          new WorkflowError(WorkflowError.COMMUNICATION, 503, "Unreachable", detail, call.task());
    };
  }
}
