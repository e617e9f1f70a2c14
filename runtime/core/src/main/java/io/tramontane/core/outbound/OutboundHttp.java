package io.tramontane.core.outbound;

import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;

/**
 * The platform's one way out to HTTP servers that a model, a workflow or a connector names: the
 * agents' {@code http.request}, the workflows' {@code call: http} and the connectors' HTTP all send
 * through it, each with its own {@link OutboundPolicy}.
 *
 * <p>Every URL, the first and each redirect hop, is checked before anything is sent: only {@code
 * http} and {@code https}; no user info; no IP address in a non-canonical form ({@code 2130706433},
 * {@code 0x7f.1}, {@code 0177.0.0.1}: resolvers disagree on them); host and port on the allowlist.
 * The host is resolved once, every address it resolves to must pass {@link AddressPolicy}, and the
 * connection goes to the vetted address itself ({@link PinnedHttpExchange}), so a second lookup
 * cannot send it elsewhere (DNS rebinding). Redirects are followed up to the policy's limit;
 * credentials headers are dropped when a hop changes origin, and a 303 (or a 301/302 after POST)
 * becomes a GET without body or idempotency key. Request body, response body and total time are
 * capped.
 */
public final class OutboundHttp {

  /** Host name to addresses; the system resolver outside tests. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  /** One request: method, absolute URL, headers in order, body or null. */
  public record Request(
      String method, URI uri, List<Map.Entry<String, String>> headers, byte[] body) {}

  /** Headers a caller may not set: framing, the platform's idempotency key, proxy credentials. */
  private static final Set<String> PLATFORM_HEADERS =
      Set.of("idempotency-key", "proxy-authorization", "proxy-connection");

  private static final Set<String> CREDENTIAL_HEADERS =
      Set.of("authorization", "cookie", "x-api-key");
  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

  /** Host text that can only be an IPv4 address (decimal, octal, hex, shortened forms). */
  private static final Pattern NUMERIC_HOST =
      Pattern.compile("(0x[0-9a-f]*|[0-9]+)(\\.(0x[0-9a-f]*|[0-9]+))*\\.?");

  private static final Pattern DOTTED_QUAD =
      Pattern.compile(
          "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
              + "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

  private final OutboundPolicy policy;
  private final Resolver resolver;
  private final SSLSocketFactory tls;

  public OutboundHttp(OutboundPolicy policy) {
    this(policy, InetAddress::getAllByName, (SSLSocketFactory) SSLSocketFactory.getDefault());
  }

  /** With a scripted resolver and a TLS factory trusting a test certificate (tests). */
  public OutboundHttp(OutboundPolicy policy, Resolver resolver, SSLSocketFactory tls) {
    this.policy = policy;
    this.resolver = resolver;
    this.tls = tls;
  }

  /**
   * A JDK HTTP client builder for an endpoint the operator configured (a model provider's base
   * URL), not one a model, a definition or a document names: no allowlist applies. Its work runs on
   * virtual threads named {@code threadPrefix}; {@code http11} pins HTTP/1.1 (plain-http servers
   * that refuse the h2c upgrade).
   */
  public static HttpClient.Builder configuredEndpointClient(String threadPrefix, boolean http11) {
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .executor(
                Executors.newThreadPerTaskExecutor(
                    Thread.ofVirtual().name(threadPrefix, 0).factory()));
    if (http11) {
      builder.version(HttpClient.Version.HTTP_1_1);
    }
    return builder;
  }

  public OutboundPolicy policy() {
    return policy;
  }

  /**
   * Why a caller may not set header {@code name: value}, or empty: framing headers and the
   * platform's own ({@code Idempotency-Key}, proxy credentials) are refused, and so are names that
   * are not HTTP tokens and values with line breaks or non-Latin-1 characters.
   */
  public static Optional<String> headerRefusal(String name, String value) {
    if (name != null && PLATFORM_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
      return Optional.of("header '" + name + "' is set by the platform");
    }
    return PinnedHttpExchange.headerRefusal(name, value);
  }

  /**
   * Sends {@code request}, following redirects as the policy allows, and returns the final answer
   * (a 3xx when redirects are not followed or no Location was given).
   */
  public PinnedHttpExchange.Response send(Request request) throws OutboundException {
    return send(request, true);
  }

  /**
   * Sends {@code request}; with {@code followRedirects} false a 3xx is the answer whatever the
   * policy's limit (a caller that treats a redirect as an error).
   */
  public PinnedHttpExchange.Response send(Request request, boolean followRedirects)
      throws OutboundException {
    String method = request.method().toUpperCase(Locale.ROOT);
    byte[] body = request.body();
    if (body != null && body.length > policy.maxRequestBodyBytes()) {
      throw new OutboundException(
          OutboundException.Kind.BAD_REQUEST,
          hostOf(request.uri()),
          "'body' is "
              + body.length
              + " bytes; at most "
              + policy.maxRequestBodyBytes()
              + " are allowed ("
              + policy.key()
              + ".max-request-body-bytes)");
    }
    List<Map.Entry<String, String>> headers = new ArrayList<>(request.headers());
    URI uri = request.uri();
    long deadline = System.nanoTime() + policy.timeout().toNanos();
    for (int hop = 0; ; hop++) {
      InetAddress address = vet(uri);
      PinnedHttpExchange.Response response =
          exchange(uri, address, method, headers, body, deadline);
      String location = response.header("location");
      if (!REDIRECTS.contains(response.status())
          || location == null
          || policy.maxRedirects() == 0
          || !followRedirects) {
        return response;
      }
      if (hop >= policy.maxRedirects()) {
        throw new OutboundException(
            OutboundException.Kind.REDIRECT,
            hostOf(uri),
            "stopped after "
                + policy.maxRedirects()
                + " redirects (the limit, "
                + policy.key()
                + ".max-redirects); the server kept redirecting");
      }
      URI next;
      try {
        next = uri.resolve(new URI(location.strip()));
      } catch (URISyntaxException | IllegalArgumentException e) {
        throw new OutboundException(
            OutboundException.Kind.REDIRECT,
            hostOf(uri),
            "the server redirected to a malformed location");
      }
      if ((response.status() == 303 && !"GET".equals(method))
          || (response.status() <= 302 && "POST".equals(method))) {
        method = "GET";
        body = null;
        headers.removeIf(h -> h.getKey().equalsIgnoreCase("Idempotency-Key"));
      }
      if (!origin(next).equals(origin(uri))) {
        headers.removeIf(h -> CREDENTIAL_HEADERS.contains(h.getKey().toLowerCase(Locale.ROOT)));
      }
      uri = next;
    }
  }

  /** The address to connect to, after every check on the URL and on what its host resolves to. */
  private InetAddress vet(URI uri) throws OutboundException {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = hostOf(uri);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw refusedHost(host, "only http and https are allowed, not '" + scheme + "'");
    }
    if (uri.getRawUserInfo() != null) {
      throw refusedHost(host, "user info (user:password@) is not allowed");
    }
    if (host.isEmpty()) {
      throw refusedHost(host, "it has no valid host name");
    }
    if (NUMERIC_HOST.matcher(host).matches() && !DOTTED_QUAD.matcher(host).matches()) {
      throw refusedHost(host, "'" + host + "' is an IP address in a non-canonical form");
    }
    int port = OutboundPolicy.portOf(uri);
    if (!policy.allows(host, port)) {
      throw refusedHost(
          host,
          "host '"
              + host
              + "' is not in "
              + policy.key()
              + ".allowed-hosts"
              + (uri.getPort() == -1 ? "" : " for port " + port)
              + "; an operator must add it there to allow it");
    }
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(host);
    } catch (UnknownHostException | IllegalArgumentException e) {
      addresses = null;
    }
    if (addresses == null || addresses.length == 0) {
      throw new OutboundException(
          OutboundException.Kind.UNKNOWN_HOST, host, "host '" + host + "' cannot be resolved");
    }
    for (InetAddress address : addresses) {
      Optional<String> refusal = AddressPolicy.refusal(address, policy.allowPrivateNetworks());
      if (refusal.isPresent()) {
        throw new OutboundException(
            OutboundException.Kind.ADDRESS_REFUSED,
            host,
            "URL refused: host '"
                + host
                + "' resolves to "
                + address.getHostAddress()
                + ", "
                + refusal.get()
                + (policy.allowPrivateNetworks()
                    ? ""
                    : " (" + policy.key() + ".allow-private-networks is off)"));
      }
    }
    return addresses[0];
  }

  private static OutboundException refusedHost(String host, String why) {
    return new OutboundException(OutboundException.Kind.HOST_REFUSED, host, "URL refused: " + why);
  }

  private PinnedHttpExchange.Response exchange(
      URI uri,
      InetAddress address,
      String method,
      List<Map.Entry<String, String>> headers,
      byte[] body,
      long deadline)
      throws OutboundException {
    String host = hostOf(uri);
    try {
      return PinnedHttpExchange.exchange(
          uri, address, method, headers, body, deadline, policy.maxResponseBytes(), tls);
    } catch (IllegalArgumentException e) {
      throw new OutboundException(OutboundException.Kind.BAD_REQUEST, host, e.getMessage());
    } catch (SocketTimeoutException e) {
      throw new OutboundException(
          OutboundException.Kind.TIMED_OUT,
          host,
          "the request to '" + host + "' timed out after " + policy.timeout());
    } catch (SSLException e) {
      throw new OutboundException(
          OutboundException.Kind.TLS, host, "the TLS connection to '" + host + "' failed");
    } catch (IOException e) {
      throw new OutboundException(
          OutboundException.Kind.FAILED,
          host,
          "the request to '" + host + "' failed: " + e.getMessage());
    }
  }

  /** Scheme, host and port: credentials headers never travel to another origin. */
  private static String origin(URI uri) {
    return String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT)
        + "://"
        + hostOf(uri)
        + ":"
        + OutboundPolicy.portOf(uri);
  }

  /** Lower case, no brackets, no trailing dot; "" when the URL has no host. */
  public static String hostOf(URI uri) {
    String host = PinnedHttpExchange.bare(uri.getHost());
    if (host == null) {
      return "";
    }
    host = host.toLowerCase(Locale.ROOT);
    return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
  }
}
