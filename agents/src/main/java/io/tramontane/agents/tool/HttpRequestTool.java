package io.tramontane.agents.tool;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import io.tramontane.core.audit.Audit;
import io.tramontane.core.outbound.OutboundException;
import io.tramontane.core.outbound.OutboundHttp;
import io.tramontane.core.outbound.PinnedHttpExchange;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLSocketFactory;

/**
 * {@code http.request}: one HTTP request (GET, POST, PUT, DELETE, PATCH) to an allowlisted host,
 * the response returned to the model as data.
 *
 * <p>The request goes out through the platform's one outbound-HTTP component ({@link OutboundHttp}
 * with the {@value HttpToolSettings#KEY} policy): scheme, user info, number form of the host, host
 * and port on the allowlist, every resolved address checked, the connection pinned to the vetted
 * address (no DNS rebinding), each redirect hop checked again, credentials dropped on an origin
 * change, body, response and time capped. This class adds what is the tool's own: the model's
 * arguments checked, {@code Idempotency-Key: <call.idempotencyKey()>} on POST and PATCH (a server
 * that deduplicates sees the re-issued call after a crash as the same request), the answer rendered
 * as untrusted data ({@link HttpAnswer}). Every refusal is audited on {@code tramontane.audit} with
 * the host, never the full URL (queries can hold secrets).
 */
public final class HttpRequestTool extends DescribedTool {

  public static final String NAME = "http.request";

  private static final String DESCRIPTION =
      "Sends one HTTP request (GET, POST, PUT, DELETE, PATCH) to an allowed host and returns"
          + " the status, main headers and the response body as text (long bodies are truncated).";

  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE", "PATCH");
  private static final Set<String> KEYED_METHODS = Set.of("POST", "PATCH");
  private static final int MAX_HEADERS = 32;

  private static final JsonObjectSchema PARAMETERS =
      JsonObjectSchema.builder()
          .addEnumProperty(
              "method", List.of("GET", "POST", "PUT", "DELETE", "PATCH"), "HTTP method")
          .addStringProperty("url", "Absolute http or https URL on an allowed host")
          .addProperty(
              "headers",
              JsonObjectSchema.builder()
                  .description("Request headers, name to value (strings)")
                  .additionalProperties(true)
                  .build())
          .addStringProperty("body", "Request body (text), for POST, PUT, PATCH or DELETE")
          .required("method", "url")
          .build();

  /** Host name to addresses; the system resolver outside tests. */
  @FunctionalInterface
  interface Resolver extends OutboundHttp.Resolver {}

  private final HttpToolSettings settings;
  private final OutboundHttp http;

  public HttpRequestTool(HttpToolSettings settings) {
    super(NAME, DESCRIPTION, PARAMETERS, true);
    this.settings = settings;
    this.http = new OutboundHttp(settings.policy());
  }

  /** For tests: a scripted resolver and a TLS factory trusting a test certificate. */
  HttpRequestTool(HttpToolSettings settings, Resolver resolver, SSLSocketFactory tls) {
    super(NAME, DESCRIPTION, PARAMETERS, true);
    this.settings = settings;
    this.http = new OutboundHttp(settings.policy(), resolver, tls);
  }

  @Override
  public ToolResult execute(ToolCall call) throws ToolException {
    ToolAudit.checkArguments(this, call);
    if (settings.allowedHosts().isEmpty()) {
      throw ToolAudit.refused(
          call,
          NAME
              + " is disabled: no host is allowed; an operator must list hosts in "
              + HttpToolSettings.KEY
              + ".allowed-hosts");
    }
    JsonNode args = call.arguments();
    String method = args.path("method").asText().toUpperCase(Locale.ROOT);
    if (!METHODS.contains(method)) {
      throw ToolAudit.refused(call, "bad arguments: 'method' must be one of " + METHODS);
    }
    List<Map.Entry<String, String>> headers = headers(call, args.path("headers"));
    byte[] body = body(call, method, args);
    if (KEYED_METHODS.contains(method)) {
      headers.add(Map.entry("Idempotency-Key", call.idempotencyKey()));
    }
    URI uri = parse(call, args.path("url").asText());
    try {
      PinnedHttpExchange.Response response =
          http.send(new OutboundHttp.Request(method, uri, headers, body));
      ToolAudit.executed(
          call, method + " " + OutboundHttp.hostOf(uri) + " -> " + response.status());
      return ToolResult.of(HttpAnswer.render(NAME, uri, response));
    } catch (OutboundException e) {
      throw failure(call, e);
    }
  }

  /** The model's view of a refusal or a failure; refusals are audited. */
  private ToolException failure(ToolCall call, OutboundException e) {
    return switch (e.kind()) {
      case BAD_REQUEST -> ToolAudit.refused(call, "bad arguments: " + e.getMessage());
      case HOST_REFUSED, ADDRESS_REFUSED -> ToolAudit.refused(call, e.getMessage());
      case UNKNOWN_HOST, FAILED -> new ToolException(Audit.printable(e.getMessage()), true);
      case TIMED_OUT ->
          new ToolException(
              e.getMessage()
                  + " without an answer; if it was sent, its outcome is unknown (it may have been"
                  + " applied): check before repeating it",
              true);
      case TLS, REDIRECT -> new ToolException(e.getMessage(), false);
    };
  }

  private List<Map.Entry<String, String>> headers(ToolCall call, JsonNode node)
      throws ToolException {
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    if (node.isMissingNode() || node.isNull()) {
      return headers;
    }
    if (node.size() > MAX_HEADERS) {
      throw ToolAudit.refused(call, "bad arguments: at most " + MAX_HEADERS + " headers");
    }
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String name = field.getKey();
      if (!field.getValue().isTextual()) {
        throw ToolAudit.refused(call, "bad arguments: 'headers." + name + "' must be a string");
      }
      String value = field.getValue().asText();
      Optional<String> refusal = OutboundHttp.headerRefusal(name, value);
      if (refusal.isPresent()) {
        throw ToolAudit.refused(call, "bad arguments: 'headers': " + refusal.get());
      }
      headers.add(Map.entry(name, value));
    }
    return headers;
  }

  private static URI parse(ToolCall call, String url) throws ToolException {
    try {
      return new URI(url.strip());
    } catch (URISyntaxException e) {
      throw ToolAudit.refused(call, "bad arguments: 'url' is not a valid URL");
    }
  }

  private static byte[] body(ToolCall call, String method, JsonNode args) throws ToolException {
    JsonNode node = args.path("body");
    if (node.isMissingNode() || node.isNull()) {
      return KEYED_METHODS.contains(method) || "PUT".equals(method) ? new byte[0] : null;
    }
    if ("GET".equals(method)) {
      throw ToolAudit.refused(call, "bad arguments: a GET request carries no 'body'");
    }
    return node.asText().getBytes(StandardCharsets.UTF_8);
  }
}
