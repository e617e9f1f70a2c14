package io.tramontane.agents.tool;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;

/**
 * {@code http.request}: one HTTP request (GET, POST, PUT, DELETE, PATCH) to an allowlisted host,
 * the response returned to the model as data.
 *
 * <p>SSRF defence, applied to the first URL and again to every redirect hop: only {@code http} and
 * {@code https}; no user info ({@code user:pass@}); the host must match {@code
 * tramontane.agents.tools.http.allowed-hosts} (an empty list refuses everything); every address the
 * host resolves to must pass {@link AddressPolicy} (loopback, private, link-local, CGNAT refused
 * unless {@code allow-private-networks}; metadata, unspecified, multicast always refused); and the
 * connection goes to the vetted address itself ({@link PinnedHttpExchange}), so the host cannot be
 * re-resolved to another address between check and connect (DNS rebinding). Redirects are followed
 * by hand, at most {@code max-redirects}; credentials headers are dropped when a redirect changes
 * origin (scheme, host or port). Request bodies, response bodies and the whole exchange are capped
 * by the settings.
 *
 * <p>POST and PATCH carry {@code Idempotency-Key: <call.idempotencyKey()>}, so a server that
 * deduplicates sees the re-issued call after a crash as the same request. Every refusal is audited
 * on {@code tramontane.audit} with the host, never the full URL (queries can hold secrets).
 */
public final class HttpRequestTool implements Tool {

  public static final String NAME = "http.request";

  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE", "PATCH");
  private static final Set<String> KEYED_METHODS = Set.of("POST", "PATCH");
  private static final Set<String> REDIRECTS = Set.of("301", "302", "303", "307", "308");
  private static final Set<String> PLATFORM_HEADERS =
      Set.of(
          "host",
          "content-length",
          "transfer-encoding",
          "connection",
          "keep-alive",
          "te",
          "trailer",
          "upgrade",
          "expect",
          "accept-encoding",
          "idempotency-key",
          "proxy-authorization",
          "proxy-connection");
  private static final Set<String> CREDENTIAL_HEADERS =
      Set.of("authorization", "cookie", "x-api-key");
  private static final List<String> SHOWN_HEADERS =
      List.of("content-type", "content-length", "location", "last-modified", "etag", "retry-after");
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}");
  private static final Pattern CHARSET = Pattern.compile("(?i)charset=\"?([A-Za-z0-9._:-]+)");
  private static final Pattern TEXTUAL =
      Pattern.compile("(?i)^(text/.*|.*(json|xml|javascript|yaml|csv|x-www-form-urlencoded).*)");
  private static final int MAX_HEADERS = 32;

  /** Host text that can only be an IPv4 address (decimal, octal, hex, shortened forms). */
  private static final Pattern NUMERIC_HOST =
      Pattern.compile("(0x[0-9a-f]*|[0-9]+)(\\.(0x[0-9a-f]*|[0-9]+))*\\.?");

  private static final Pattern DOTTED_QUAD =
      Pattern.compile(
          "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
              + "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

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
  interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  private final HttpToolSettings settings;
  private final Resolver resolver;
  private final SSLSocketFactory tls;

  public HttpRequestTool(HttpToolSettings settings) {
    this(settings, InetAddress::getAllByName, (SSLSocketFactory) SSLSocketFactory.getDefault());
  }

  /** For tests: a scripted resolver and a TLS factory trusting a test certificate. */
  HttpRequestTool(HttpToolSettings settings, Resolver resolver, SSLSocketFactory tls) {
    this.settings = settings;
    this.resolver = resolver;
    this.tls = tls;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Sends one HTTP request (GET, POST, PUT, DELETE, PATCH) to an allowed host and returns"
        + " the status, main headers and the response body as text (long bodies are truncated).";
  }

  @Override
  public JsonObjectSchema parameters() {
    return PARAMETERS;
  }

  @Override
  public boolean sideEffecting() {
    return true;
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
    long deadline = System.nanoTime() + settings.timeout().toNanos();
    for (int hop = 0; ; hop++) {
      InetAddress address = vet(call, uri);
      PinnedHttpExchange.Response response = send(uri, address, method, headers, body, deadline);
      String location = response.header("location");
      if (!REDIRECTS.contains(String.valueOf(response.status()))
          || location == null
          || settings.maxRedirects() == 0) {
        ToolAudit.executed(call, method + " " + hostOf(uri) + " -> " + response.status());
        return ToolResult.of(render(uri, response));
      }
      if (hop >= settings.maxRedirects()) {
        throw new ToolException(
            "stopped after "
                + settings.maxRedirects()
                + " redirects (the limit, "
                + HttpToolSettings.KEY
                + ".max-redirects); the server kept redirecting");
      }
      URI next;
      try {
        next = uri.resolve(new URI(location.strip()));
      } catch (URISyntaxException | IllegalArgumentException e) {
        throw new ToolException("the server redirected to a malformed location");
      }
      if ((response.status() == 303 && !"GET".equals(method))
          || (response.status() <= 302 && "POST".equals(method))) {
        method = "GET";
        body = null;
        headers.removeIf(h -> h.getKey().equals("Idempotency-Key"));
      }
      if (!origin(next).equals(origin(uri))) {
        headers.removeIf(h -> CREDENTIAL_HEADERS.contains(h.getKey().toLowerCase(Locale.ROOT)));
      }
      uri = next;
    }
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
      if (!TOKEN.matcher(name).matches()) {
        throw ToolAudit.refused(call, "bad arguments: 'headers' has an invalid header name");
      }
      if (PLATFORM_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        throw ToolAudit.refused(
            call, "bad arguments: header '" + name + "' is set by the platform, not by the tool");
      }
      if (!field.getValue().isTextual()) {
        throw ToolAudit.refused(call, "bad arguments: 'headers." + name + "' must be a string");
      }
      String value = field.getValue().asText();
      if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0 || c > 0xff)) {
        throw ToolAudit.refused(
            call,
            "bad arguments: 'headers." + name + "' contains line breaks or non-Latin-1 characters");
      }
      headers.add(Map.entry(name, value));
    }
    return headers;
  }

  private byte[] body(ToolCall call, String method, JsonNode args) throws ToolException {
    JsonNode node = args.path("body");
    if (node.isMissingNode() || node.isNull()) {
      return KEYED_METHODS.contains(method) || "PUT".equals(method) ? new byte[0] : null;
    }
    if ("GET".equals(method)) {
      throw ToolAudit.refused(call, "bad arguments: a GET request carries no 'body'");
    }
    byte[] body = node.asText().getBytes(StandardCharsets.UTF_8);
    if (body.length > settings.maxRequestBodyBytes()) {
      throw ToolAudit.refused(
          call,
          "bad arguments: 'body' is "
              + body.length
              + " bytes; at most "
              + settings.maxRequestBodyBytes()
              + " are allowed");
    }
    return body;
  }

  private static URI parse(ToolCall call, String url) throws ToolException {
    try {
      return new URI(url.strip());
    } catch (URISyntaxException e) {
      throw ToolAudit.refused(call, "bad arguments: 'url' is not a valid URL");
    }
  }

  /** The address to connect to, after every check; a refusal is audited and thrown. */
  private InetAddress vet(ToolCall call, URI uri) throws ToolException {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw ToolAudit.refused(
          call, "URL refused: only http and https are allowed, not '" + scheme + "'");
    }
    if (uri.getRawUserInfo() != null) {
      throw ToolAudit.refused(call, "URL refused: user info (user:password@) is not allowed");
    }
    String host = hostOf(uri);
    if (host.isEmpty()) {
      throw ToolAudit.refused(call, "URL refused: it has no valid host name");
    }
    if (NUMERIC_HOST.matcher(host).matches() && !DOTTED_QUAD.matcher(host).matches()) {
      throw ToolAudit.refused(
          call, "URL refused: '" + host + "' is an IP address in a non-canonical form");
    }
    if (!settings.allows(host)) {
      throw ToolAudit.refused(
          call,
          "URL refused: host '" + host + "' is not in " + HttpToolSettings.KEY + ".allowed-hosts");
    }
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(host);
    } catch (UnknownHostException | IllegalArgumentException e) {
      throw new ToolException("host '" + host + "' cannot be resolved", true);
    }
    if (addresses.length == 0) {
      throw new ToolException("host '" + host + "' cannot be resolved", true);
    }
    for (InetAddress address : addresses) {
      Optional<String> refusal = AddressPolicy.refusal(address, settings.allowPrivateNetworks());
      if (refusal.isPresent()) {
        throw ToolAudit.refused(
            call,
            "URL refused: host '"
                + host
                + "' resolves to "
                + address.getHostAddress()
                + ", "
                + refusal.get());
      }
    }
    return addresses[0];
  }

  private PinnedHttpExchange.Response send(
      URI uri,
      InetAddress address,
      String method,
      List<Map.Entry<String, String>> headers,
      byte[] body,
      long deadline)
      throws ToolException {
    try {
      return PinnedHttpExchange.exchange(
          uri, address, method, headers, body, deadline, settings.maxResponseBytes(), tls);
    } catch (SocketTimeoutException e) {
      throw new ToolException(
          "the request to '"
              + hostOf(uri)
              + "' timed out after "
              + settings.timeout()
              + " without an answer; if it was sent, its outcome is unknown (it may have been"
              + " applied): check before repeating it",
          true);
    } catch (SSLException e) {
      throw new ToolException("the TLS connection to '" + hostOf(uri) + "' failed", false);
    } catch (IOException e) {
      throw new ToolException(
          "the request to '"
              + hostOf(uri)
              + "' failed: "
              + ToolAudit.printable(String.valueOf(e.getMessage())),
          true);
    }
  }

  private String render(URI uri, PinnedHttpExchange.Response response) {
    StringBuilder head = new StringBuilder();
    head.append("status: ").append(response.status()).append(' ').append(response.reason());
    head.append("\nurl: ").append(uri.getScheme()).append("://").append(uri.getRawAuthority());
    head.append(uri.getRawPath() == null ? "" : uri.getRawPath());
    for (String name : SHOWN_HEADERS) {
      String value = response.header(name);
      if (value != null) {
        head.append('\n').append(name).append(": ").append(ToolAudit.printable(value));
      }
    }
    if (response.truncated()) {
      head.append("\n(body truncated to the first ")
          .append(response.body().length)
          .append(" bytes)");
    }
    String type = response.header("content-type");
    String content;
    if (type != null && !TEXTUAL.matcher(type.strip()).matches()) {
      content = "(binary content of type " + type + ", " + response.body().length + " bytes)";
    } else {
      content = new String(response.body(), charset(type));
    }
    return UntrustedText.wrap(NAME, head.toString(), content);
  }

  private static Charset charset(String contentType) {
    if (contentType != null) {
      Matcher m = CHARSET.matcher(contentType);
      if (m.find()) {
        try {
          return Charset.forName(m.group(1));
        } catch (IllegalArgumentException e) {
          return StandardCharsets.UTF_8;
        }
      }
    }
    return StandardCharsets.UTF_8;
  }

  /** Scheme, host and port: credentials headers never travel to another origin. */
  private static String origin(URI uri) {
    return String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT)
        + "://"
        + hostOf(uri)
        + ":"
        + uri.getPort();
  }

  /** Lower case, no brackets, no trailing dot; "" when the URL has no host. */
  private static String hostOf(URI uri) {
    String host = PinnedHttpExchange.bare(uri.getHost());
    if (host == null) {
      return "";
    }
    host = host.toLowerCase(Locale.ROOT);
    return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
  }
}
