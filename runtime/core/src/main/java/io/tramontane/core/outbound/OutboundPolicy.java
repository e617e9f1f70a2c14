package io.tramontane.core.outbound;

import com.typesafe.config.Config;
import io.tramontane.core.ConfigurationException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where one caller of {@link OutboundHttp} may go and how much it may move; read from the caller's
 * configuration block ({@code tramontane.agents.tools.http}, {@code tramontane.workflows.http}, a
 * connector's block), whose path is {@code key} and is named in every refusal.
 *
 * @param key the configuration path these settings come from (named in messages)
 * @param allowedHosts where requests may go: {@code api.example.com} (any port), {@code
 *     api.example.com:8443} (that port only), {@code *.example.com} (a.example.com, not
 *     example.com), IP addresses ({@code 10.0.0.5}, {@code [fd00::1]:8080}); empty refuses all
 * @param allowPrivateNetworks reach loopback, private, link-local and CGNAT addresses (a test's
 *     local fake, an intranet service); cloud metadata, any-local, multicast and broadcast stay
 *     refused
 * @param maxRequestBodyBytes longest request body sent
 * @param maxResponseBytes longest response body read; the rest is dropped and flagged
 * @param timeout the whole exchange, redirects included
 * @param maxRedirects redirects followed, each hop checked again; 0 returns the redirect itself
 */
public record OutboundPolicy(
    String key,
    List<String> allowedHosts,
    boolean allowPrivateNetworks,
    long maxRequestBodyBytes,
    long maxResponseBytes,
    Duration timeout,
    int maxRedirects) {

  private static final Pattern ENTRY =
      Pattern.compile(
          "((?:\\*\\.)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*"
              + "|\\[[0-9a-f:.]+\\]|[0-9a-f:.]*:[0-9a-f:.]*)(?::([0-9]{1,5}))?");

  public OutboundPolicy {
    allowedHosts =
        allowedHosts.stream()
            .map(h -> h.strip().toLowerCase(Locale.ROOT))
            .map(h -> h.endsWith(".") ? h.substring(0, h.length() - 1) : h)
            .toList();
    for (String entry : allowedHosts) {
      if (parse(entry) == null) {
        throw new ConfigurationException(
            key
                + ".allowed-hosts: \""
                + entry
                + "\" is not a host name, an IP address or *.suffix, with an optional :port"
                + " (e.g. \"*.example.com\", \"api.example.com:8443\", \"[fd00::1]:8080\").");
      }
    }
    positive(key, "max-response-bytes", maxResponseBytes);
    positive(key, "max-request-body-bytes", maxRequestBodyBytes);
    if (timeout.isNegative() || timeout.isZero()) {
      throw new ConfigurationException(key + ".timeout = " + timeout + " must be positive.");
    }
    if (maxRedirects < 0 || maxRedirects > 20) {
      throw new ConfigurationException(
          key + ".max-redirects = " + maxRedirects + " must be between 0 and 20.");
    }
  }

  /**
   * Reads the keys under {@code key} ({@code allowed-hosts}, {@code allow-private-networks}, {@code
   * max-request-body-bytes}, {@code max-response-bytes}, {@code timeout}, {@code max-redirects})
   * from the root configuration; the module's {@code reference.conf} holds the defaults.
   */
  public static OutboundPolicy fromConfig(Config root, String key) {
    Config c = root.getConfig(key);
    return new OutboundPolicy(
        key,
        c.getStringList("allowed-hosts"),
        c.getBoolean("allow-private-networks"),
        c.getBytes("max-request-body-bytes"),
        c.getBytes("max-response-bytes"),
        c.getDuration("timeout"),
        c.getInt("max-redirects"));
  }

  /**
   * True when {@code host} (lower case, no trailing dot, IPv6 without brackets) on {@code port}
   * matches an entry.
   */
  public boolean allows(String host, int port) {
    for (String entry : allowedHosts) {
      String[] e = parse(entry);
      String allowed = e[0];
      boolean hostMatches =
          allowed.startsWith("*.")
              ? host.endsWith(allowed.substring(1)) && host.length() > allowed.length() - 1
              : host.equals(allowed);
      if (hostMatches && (e[1] == null || Integer.parseInt(e[1]) == port)) {
        return true;
      }
    }
    return false;
  }

  /** The port a request to {@code uri} goes to: its own, else the scheme's. */
  static int portOf(URI uri) {
    return uri.getPort() != -1
        ? uri.getPort()
        : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  /** {host without brackets, port or null}, or null when {@code entry} is malformed. */
  private static String[] parse(String entry) {
    Matcher m = ENTRY.matcher(entry);
    if (!m.matches()) {
      return null;
    }
    String host = m.group(1);
    if (host.startsWith("[")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":") && m.group(2) != null) {
      return null; // a bare IPv6 address takes brackets before a port: [fd00::1]:8080
    }
    String port = m.group(2);
    if (port != null && (Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535)) {
      return null;
    }
    return new String[] {host, port};
  }

  private static void positive(String key, String name, long value) {
    long max = Integer.MAX_VALUE - 8;
    if (value < 1 || value > max) {
      throw new ConfigurationException(
          key + "." + name + " = " + value + " must be between 1 and " + max + " bytes.");
    }
  }
}
