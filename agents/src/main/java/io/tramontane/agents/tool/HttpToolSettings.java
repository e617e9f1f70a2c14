package io.tramontane.agents.tool;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tramontane.core.ConfigurationException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code tramontane.agents.tools.http}: where {@code http.request} may go and how much it may move.
 *
 * @param allowedHosts host names the tool may call: exact ({@code api.example.com}) or {@code
 *     *.suffix} ({@code *.example.com} matches {@code a.example.com}, not {@code example.com});
 *     empty refuses every call
 * @param allowPrivateNetworks let the tool reach loopback, private, link-local and CGNAT addresses;
 *     cloud metadata, any-local, multicast and broadcast addresses stay refused
 * @param maxResponseBytes longest response body read; the rest is dropped with a note
 * @param timeout the whole exchange, redirects included
 * @param maxRedirects redirects followed (each hop re-checked); 0 returns the redirect itself
 * @param maxRequestBodyBytes longest request body the model may send
 */
public record HttpToolSettings(
    List<String> allowedHosts,
    boolean allowPrivateNetworks,
    long maxResponseBytes,
    Duration timeout,
    int maxRedirects,
    long maxRequestBodyBytes) {

  static final String KEY = "tramontane.agents.tools.http";

  private static final Pattern HOST =
      Pattern.compile("(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");

  public HttpToolSettings {
    allowedHosts =
        allowedHosts.stream()
            .map(h -> h.strip().toLowerCase(Locale.ROOT))
            .map(h -> h.endsWith(".") ? h.substring(0, h.length() - 1) : h)
            .map(h -> h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h)
            .toList();
    for (String host : allowedHosts) {
      if (!HOST.matcher(host).matches() && !isIpLiteral(host)) {
        throw new ConfigurationException(
            KEY
                + ".allowed-hosts: \""
                + host
                + "\" is not a host name, an IP address or *.suffix (e.g. \"*.example.com\").");
      }
    }
    positive("max-response-bytes", maxResponseBytes, Integer.MAX_VALUE - 8);
    positive("max-request-body-bytes", maxRequestBodyBytes, Integer.MAX_VALUE - 8);
    if (timeout.isNegative() || timeout.isZero()) {
      throw new ConfigurationException(KEY + ".timeout = " + timeout + " must be positive.");
    }
    if (maxRedirects < 0 || maxRedirects > 20) {
      throw new ConfigurationException(
          KEY + ".max-redirects = " + maxRedirects + " must be between 0 and 20.");
    }
  }

  /** The defaults: nothing allowed, public networks only, 1 MiB, 10 s, 3 redirects, 256 KiB. */
  public static HttpToolSettings defaults() {
    return new HttpToolSettings(
        List.of(), false, 1024 * 1024, Duration.ofSeconds(10), 3, 256 * 1024);
  }

  /** Reads {@value #KEY} from the root configuration; missing keys take the defaults. */
  public static HttpToolSettings fromConfig(Config config) {
    HttpToolSettings d = defaults();
    Config c = config.hasPath(KEY) ? config.getConfig(KEY) : ConfigFactory.empty();
    return new HttpToolSettings(
        c.hasPath("allowed-hosts") ? c.getStringList("allowed-hosts") : d.allowedHosts(),
        c.hasPath("allow-private-networks")
            ? c.getBoolean("allow-private-networks")
            : d.allowPrivateNetworks(),
        c.hasPath("max-response-bytes") ? c.getBytes("max-response-bytes") : d.maxResponseBytes(),
        c.hasPath("timeout") ? c.getDuration("timeout") : d.timeout(),
        c.hasPath("max-redirects") ? c.getInt("max-redirects") : d.maxRedirects(),
        c.hasPath("max-request-body-bytes")
            ? c.getBytes("max-request-body-bytes")
            : d.maxRequestBodyBytes());
  }

  public HttpToolSettings withAllowedHosts(List<String> hosts) {
    return new HttpToolSettings(
        hosts, allowPrivateNetworks, maxResponseBytes, timeout, maxRedirects, maxRequestBodyBytes);
  }

  public HttpToolSettings withAllowPrivateNetworks(boolean allow) {
    return new HttpToolSettings(
        allowedHosts, allow, maxResponseBytes, timeout, maxRedirects, maxRequestBodyBytes);
  }

  public HttpToolSettings withMaxResponseBytes(long bytes) {
    return new HttpToolSettings(
        allowedHosts, allowPrivateNetworks, bytes, timeout, maxRedirects, maxRequestBodyBytes);
  }

  public HttpToolSettings withTimeout(Duration t) {
    return new HttpToolSettings(
        allowedHosts, allowPrivateNetworks, maxResponseBytes, t, maxRedirects, maxRequestBodyBytes);
  }

  public HttpToolSettings withMaxRedirects(int redirects) {
    return new HttpToolSettings(
        allowedHosts,
        allowPrivateNetworks,
        maxResponseBytes,
        timeout,
        redirects,
        maxRequestBodyBytes);
  }

  public HttpToolSettings withMaxRequestBodyBytes(long bytes) {
    return new HttpToolSettings(
        allowedHosts, allowPrivateNetworks, maxResponseBytes, timeout, maxRedirects, bytes);
  }

  /** True when {@code host} (lower case, no trailing dot, IPv6 without brackets) is allowed. */
  boolean allows(String host) {
    for (String allowed : allowedHosts) {
      if (allowed.startsWith("*.")
          ? host.endsWith(allowed.substring(1)) && host.length() > allowed.length() - 1
          : host.equals(allowed)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isIpLiteral(String host) {
    return host.matches("[0-9a-f:.]+") && (host.contains(":") || host.matches("[0-9.]+"));
  }

  private static void positive(String key, long value, long max) {
    if (value < 1 || value > max) {
      throw new ConfigurationException(
          KEY + "." + key + " = " + value + " must be between 1 and " + max + " bytes.");
    }
  }
}
