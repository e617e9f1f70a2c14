package io.tramontane.agents.tool;

import com.typesafe.config.Config;
import io.tramontane.core.outbound.OutboundPolicy;
import java.time.Duration;
import java.util.List;

/**
 * {@code tramontane.agents.tools.http}: where {@code http.request} may go and how much it may move;
 * checked and applied by the platform's {@link OutboundPolicy}.
 *
 * @param allowedHosts where the tool may call: {@code api.example.com}, {@code
 *     api.example.com:8443} (that port only), {@code *.example.com} ({@code a.example.com}, not
 *     {@code example.com}), IP addresses; empty refuses every call
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

  public HttpToolSettings {
    // checked, and the hosts normalised, by the platform's policy
    allowedHosts =
        policy(
                allowedHosts,
                allowPrivateNetworks,
                maxResponseBytes,
                timeout,
                maxRedirects,
                maxRequestBodyBytes)
            .allowedHosts();
  }

  /** The defaults: nothing allowed, public networks only, 1 MiB, 10 s, 3 redirects, 256 KiB. */
  public static HttpToolSettings defaults() {
    return new HttpToolSettings(
        List.of(), false, 1024 * 1024, Duration.ofSeconds(10), 3, 256 * 1024);
  }

  /** Reads {@value #KEY} from the root configuration (reference.conf holds the defaults). */
  public static HttpToolSettings fromConfig(Config config) {
    OutboundPolicy p = OutboundPolicy.fromConfig(config, KEY);
    return new HttpToolSettings(
        p.allowedHosts(),
        p.allowPrivateNetworks(),
        p.maxResponseBytes(),
        p.timeout(),
        p.maxRedirects(),
        p.maxRequestBodyBytes());
  }

  /** These settings as the outbound component's policy. */
  public OutboundPolicy policy() {
    return policy(
        allowedHosts,
        allowPrivateNetworks,
        maxResponseBytes,
        timeout,
        maxRedirects,
        maxRequestBodyBytes);
  }

  private static OutboundPolicy policy(
      List<String> hosts,
      boolean allowPrivate,
      long maxResponse,
      Duration timeout,
      int maxRedirects,
      long maxRequestBody) {
    return new OutboundPolicy(
        KEY, hosts, allowPrivate, maxRequestBody, maxResponse, timeout, maxRedirects);
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
}
