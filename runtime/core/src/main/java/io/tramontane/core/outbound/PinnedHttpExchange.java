package io.tramontane.core.outbound;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 exchange over a socket connected to an address the caller has already vetted.
 *
 * <p>Why not {@code java.net.http.HttpClient}: it resolves the host itself when it connects, so a
 * name that resolved to a public address during the check could resolve to 127.0.0.1 a moment later
 * (DNS rebinding), and it cannot be told which address to use. Here the socket goes to the vetted
 * {@link InetAddress}; TLS still uses the host name for SNI and certificate verification ({@code
 * HTTPS} endpoint identification). The protocol subset is small on purpose: one request per
 * connection ({@code Connection: close}), identity encoding, bodies by {@code Content-Length},
 * chunked transfer or end of stream, all read up to a byte cap. Redirects are never followed: a 3xx
 * comes back as the response, and a caller that follows it vets the next host itself.
 *
 * <p>Shared by the agents' {@code http.request} ({@link HttpRequestTool}) and the workflows' {@code
 * call: http}: both resolve the host, check every address with {@link AddressPolicy}, and hand the
 * vetted address to {@link #exchange}.
 */
public final class PinnedHttpExchange {

  private static final int MAX_LINE = 16 * 1024;
  private static final int MAX_HEADERS = 200;
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}");

  /** Headers {@link #exchange} writes itself (request framing); callers may not set them. */
  private static final Set<String> FRAMING_HEADERS =
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
          "accept-encoding");

  private PinnedHttpExchange() {}

  /** A response: status, headers (names lower case, in order) and at most the capped body. */
  public record Response(
      int status,
      String reason,
      List<Map.Entry<String, String>> headers,
      byte[] body,
      boolean truncated) {

    /** The first value of header {@code name} (lower case), or null. */
    public String header(String name) {
      for (Map.Entry<String, String> h : headers) {
        if (h.getKey().equals(name)) {
          return h.getValue();
        }
      }
      return null;
    }
  }

  /**
   * Why header {@code name: value} may not be sent through {@link #exchange}, or empty: the name
   * must be an HTTP token and not a framing header this class writes itself, the value one line of
   * Latin-1 without NUL (no header injection, no request smuggling).
   */
  public static Optional<String> headerRefusal(String name, String value) {
    if (name == null || !TOKEN.matcher(name).matches()) {
      return Optional.of("an invalid header name");
    }
    if (FRAMING_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
      return Optional.of("header '" + name + "' is set by the platform");
    }
    if (value == null
        || value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0 || c > 0xff)) {
      return Optional.of("header '" + name + "' contains line breaks or non-Latin-1 characters");
    }
    return Optional.empty();
  }

  /**
   * Sends one request to {@code address} (already vetted by the caller; never re-resolved) and
   * reads the response. For {@code https} the TLS handshake uses the URI's host name for SNI and
   * for certificate verification (endpoint identification {@code HTTPS}), so pinning the address
   * does not weaken the certificate check.
   *
   * @param headers extra request headers; each must pass {@link #headerRefusal}
   * @param body the request body, sent with {@code Content-Length}, or null for none
   * @param deadlineNanos {@link System#nanoTime()} by which the whole exchange must finish
   * @param maxBodyBytes response body cap; beyond it the body is cut and {@code truncated} set
   * @param tlsFactory sockets for {@code https} (the platform default outside tests)
   * @throws IllegalArgumentException for a method that is not a token, a header that fails {@link
   *     #headerRefusal} or a URI that is not absolute http/https with a host
   */
  public static Response exchange(
      URI uri,
      InetAddress address,
      String method,
      List<Map.Entry<String, String>> headers,
      byte[] body,
      long deadlineNanos,
      long maxBodyBytes,
      SSLSocketFactory tlsFactory)
      throws IOException {
    if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())
        || uri.getHost() == null) {
      throw new IllegalArgumentException("only absolute http and https URLs with a host");
    }
    if (method == null || !TOKEN.matcher(method).matches()) {
      throw new IllegalArgumentException("an invalid HTTP method");
    }
    for (Map.Entry<String, String> h : headers) {
      Optional<String> refusal = headerRefusal(h.getKey(), h.getValue());
      if (refusal.isPresent()) {
        throw new IllegalArgumentException(refusal.get());
      }
    }
    boolean tls = "https".equalsIgnoreCase(uri.getScheme());
    String host = bare(uri.getHost());
    int port = uri.getPort() != -1 ? uri.getPort() : tls ? 443 : 80;
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(address, port), remainingMillis(deadlineNanos));
      socket.setSoTimeout(remainingMillis(deadlineNanos));
      Socket channel = socket;
      if (tls) {
        SSLSocket ssl = (SSLSocket) tlsFactory.createSocket(socket, host, port, true);
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (!host.contains(":") && !host.matches("[0-9.]+")) {
          parameters.setServerNames(List.of(new SNIHostName(host)));
        }
        ssl.setSSLParameters(parameters);
        ssl.startHandshake();
        channel = ssl;
      }
      write(channel.getOutputStream(), uri, method, headers, body, tls, port);
      InputStream in = new BufferedInputStream(channel.getInputStream());
      return read(in, method, socket, deadlineNanos, maxBodyBytes);
    } finally {
      socket.close();
    }
  }

  private static void write(
      OutputStream out,
      URI uri,
      String method,
      List<Map.Entry<String, String>> headers,
      byte[] body,
      boolean tls,
      int port)
      throws IOException {
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    boolean defaultPort = port == (tls ? 443 : 80);
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    head.append("Host: ").append(uri.getHost()).append(defaultPort ? "" : ":" + port);
    head.append("\r\nConnection: close\r\nAccept-Encoding: identity\r\n");
    for (Map.Entry<String, String> h : headers) {
      head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
    }
    if (body != null) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (body != null) {
      out.write(body);
    }
    out.flush();
  }

  private static Response read(
      InputStream in, String method, Socket socket, long deadlineNanos, long maxBodyBytes)
      throws IOException {
    while (true) {
      String statusLine = line(in, deadlineNanos);
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
        throw new IOException("the server did not answer with HTTP/1.x");
      }
      int status;
      try {
        status = Integer.parseInt(parts[1]);
      } catch (NumberFormatException e) {
        throw new IOException("the server sent a malformed status line");
      }
      List<Map.Entry<String, String>> headers = new ArrayList<>();
      for (String h = line(in, deadlineNanos); !h.isEmpty(); h = line(in, deadlineNanos)) {
        int colon = h.indexOf(':');
        if (colon <= 0 || headers.size() >= MAX_HEADERS) {
          throw new IOException("the server sent malformed or too many headers");
        }
        headers.add(
            Map.entry(
                h.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                h.substring(colon + 1).strip()));
      }
      if (status >= 100 && status < 200) {
        continue; // interim response (100 Continue, 103 Early Hints)
      }
      String reason = parts.length > 2 ? parts[2] : "";
      Response shell = new Response(status, reason, headers, new byte[0], false);
      if ("HEAD".equals(method) || status == 204 || status == 304) {
        return shell;
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      boolean truncated;
      String encoding = shell.header("transfer-encoding");
      String length = shell.header("content-length");
      if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
        truncated = chunked(in, body, socket, deadlineNanos, maxBodyBytes);
      } else if (length != null) {
        long declared;
        try {
          declared = Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
          throw new IOException("the server sent a malformed Content-Length");
        }
        copy(in, body, Math.min(declared, maxBodyBytes), socket, deadlineNanos);
        truncated = declared > maxBodyBytes;
      } else {
        copy(in, body, maxBodyBytes, socket, deadlineNanos);
        truncated = in.read() != -1;
      }
      return new Response(status, reason, headers, body.toByteArray(), truncated);
    }
  }

  /** Decodes a chunked body into {@code out} up to the cap; true when there was more. */
  private static boolean chunked(
      InputStream in, ByteArrayOutputStream out, Socket socket, long deadlineNanos, long max)
      throws IOException {
    while (true) {
      String sizeLine = line(in, deadlineNanos);
      int semicolon = sizeLine.indexOf(';');
      String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).strip();
      long size;
      try {
        size = Long.parseLong(hex, 16);
      } catch (NumberFormatException e) {
        throw new IOException("the server sent a malformed chunk");
      }
      if (size == 0) {
        return false;
      }
      long room = max - out.size();
      if (size > room) {
        copy(in, out, room, socket, deadlineNanos);
        return true;
      }
      copy(in, out, size, socket, deadlineNanos);
      line(in, deadlineNanos); // CRLF after the chunk
    }
  }

  private static void copy(
      InputStream in, ByteArrayOutputStream out, long count, Socket socket, long deadlineNanos)
      throws IOException {
    byte[] buffer = new byte[8192];
    long left = count;
    while (left > 0) {
      socket.setSoTimeout(remainingMillis(deadlineNanos));
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        return;
      }
      out.write(buffer, 0, n);
      left -= n;
    }
  }

  /** One CRLF- (or LF-) terminated line, ISO-8859-1, without the terminator. */
  private static String line(InputStream in, long deadlineNanos) throws IOException {
    StringBuilder out = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        int end = out.length();
        return end > 0 && out.charAt(end - 1) == '\r' ? out.substring(0, end - 1) : out.toString();
      }
      if ((out.length() & 63) == 63) {
        remainingMillis(deadlineNanos); // a server dripping bytes still meets the deadline
      }
      if (out.length() >= MAX_LINE) {
        throw new IOException("the server sent a line longer than " + MAX_LINE + " bytes");
      }
      out.append((char) c);
    }
    throw new IOException("the server closed the connection early");
  }

  /** Milliseconds to the deadline, at least 1; past it, a timeout. */
  static int remainingMillis(long deadlineNanos) throws SocketTimeoutException {
    long left = deadlineNanos - System.nanoTime();
    if (left <= 0) {
      throw new SocketTimeoutException("timed out");
    }
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Duration.ofNanos(left).toMillis()));
  }

  /** "[::1]" → "::1". */
  static String bare(String host) {
    return host != null && host.startsWith("[") && host.endsWith("]")
        ? host.substring(1, host.length() - 1)
        : host;
  }
}
