package io.tramontane.connectors.sharepoint;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.tramontane.connectors.ConnectorSettings;
import io.tramontane.core.ConfigurationException;
import io.tramontane.core.SecretReference;
import io.tramontane.core.outbound.OutboundPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kind-specific keys of a {@code kind = sharepoint} instance, read once from its block. Secrets
 * are resolved from their references ({@code env:NAME}, {@code file:/path}); {@link #toString()}
 * shows the references, never the values.
 *
 * @param authority token endpoint base (default {@code https://login.microsoftonline.com})
 * @param tenantId the Entra ID tenant (directory) id
 * @param clientId the app registration's application (client) id
 * @param clientSecretRef the reference the secret came from (for messages)
 * @param clientSecret the resolved secret
 * @param graph Graph base URL (default {@code https://graph.microsoft.com/v1.0})
 * @param site {@code hostname:/server-relative-path} or a bare hostname for the root site
 * @param drives document library names to sync; empty: all document libraries
 * @param maxFileBytes larger files are reported as failed items, not downloaded
 * @param requestsPerMinute Graph request budget shared by every instance of the same tenant id
 * @param clientStateRef reference of the change-notification client state (null: none)
 * @param clientState the resolved client state (null: notifications are refused)
 * @param initialBackoff first wait after a 503/429 without Retry-After (doubles, jittered)
 * @param maxRetries attempts per request before the pass fails
 * @param downloadHosts where a file's pre-authenticated download URL may point (default {@code
 *     *.sharepoint.com}); Graph and the authority are always allowed
 * @param allowPrivateNetworks let Graph, the authority and downloads be on loopback or private
 *     addresses (an on-premise gateway, a test's fake); cloud metadata stays refused
 */
public record SharePointSettings(
    URI authority,
    String tenantId,
    String clientId,
    String clientSecretRef,
    String clientSecret,
    URI graph,
    String site,
    List<String> drives,
    long maxFileBytes,
    int requestsPerMinute,
    String clientStateRef,
    String clientState,
    Duration initialBackoff,
    int maxRetries,
    List<String> downloadHosts,
    boolean allowPrivateNetworks) {

  private static final Logger LOG = LoggerFactory.getLogger(SharePointSettings.class);

  /** Longest Graph answer read besides file contents (JSON pages, errors). */
  private static final long MAX_PAGE_BYTES = 32L << 20;

  public SharePointSettings {
    drives = List.copyOf(drives);
    downloadHosts = List.copyOf(downloadHosts);
  }

  /**
   * What the instance's requests may reach, for the platform's outbound-HTTP component: the Graph
   * and authority origins and the download hosts; redirects are handled here, not followed.
   *
   * @param at the instance's configuration path, named in refusals
   */
  public OutboundPolicy outboundPolicy(String at) {
    List<String> hosts = new ArrayList<>(downloadHosts);
    hosts.add(hostAndPort(authority));
    hosts.add(hostAndPort(graph));
    return new OutboundPolicy(
        at,
        hosts,
        allowPrivateNetworks,
        64 * 1024,
        Math.max(MAX_PAGE_BYTES, maxFileBytes + 1),
        Duration.ofMinutes(5),
        0);
  }

  private static String hostAndPort(URI uri) {
    int port =
        uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    String host = uri.getHost();
    return host + ":" + port;
  }

  /**
   * Reads the instance's keys.
   *
   * @param env environment lookup for {@code env:} references
   */
  public static SharePointSettings fromConfig(
      ConnectorSettings instance, Function<String, String> env) {
    String at = "tramontane.connectors." + instance.name();
    Config c = instance.config();
    try {
      URI authority = url(c, at, "authority");
      URI graph = url(c, at, "graph");
      String tenantId = required(c, at, "tenant-id", "the Directory (tenant) ID of the app");
      String clientId = required(c, at, "client-id", "the Application (client) ID of the app");
      String secretRef =
          required(c, at, "client-secret", "a reference to the client secret, e.g. env:SP_SECRET");
      String secret = SecretReference.resolve(at + ".client-secret", secretRef, env);
      String site = required(c, at, "site", "e.g. contoso.sharepoint.com:/sites/finance");
      if (site.contains("://") || site.startsWith("/") || site.contains("?")) {
        throw new ConfigurationException(
            at
                + ".site must be hostname:/path, e.g. contoso.sharepoint.com:/sites/finance (no"
                + " scheme), or a bare hostname for the root site.");
      }
      List<String> drives = c.getStringList("drives");
      long maxFileBytes = c.getBytes("max-file-bytes");
      int rpm = c.getInt("requests-per-minute");
      if (rpm < 1 || maxFileBytes < 1) {
        throw new ConfigurationException(
            at + ".requests-per-minute and max-file-bytes must be positive.");
      }
      String stateRef = c.hasPath("client-state") ? c.getString("client-state") : null;
      String state =
          stateRef == null ? null : SecretReference.resolve(at + ".client-state", stateRef, env);
      Duration backoff = c.getDuration("initial-backoff");
      int maxRetries = c.getInt("max-retries");
      List<String> downloadHosts = c.getStringList("download-hosts");
      boolean allowPrivate = c.getBoolean("allow-private-networks");
      if (c.hasPath("state-dir")) {
        // Kept accepted so that existing configurations still start; it has no effect.
        LOG.warn(
            "{}.state-dir is no longer used and can be removed: after a 410 the documents to"
                + " delete are found in the collection itself, which every node of a cluster sees"
                + " (the *.known files under {} can be deleted)",
            at,
            c.getString("state-dir").isBlank()
                ? "<data-dir>/connectors/" + instance.name()
                : c.getString("state-dir"));
      }
      return new SharePointSettings(
          authority,
          tenantId,
          clientId,
          secretRef,
          secret,
          graph,
          site,
          drives,
          maxFileBytes,
          rpm,
          stateRef,
          state,
          backoff,
          maxRetries,
          downloadHosts,
          allowPrivate);
    } catch (ConfigException e) {
      throw new ConfigurationException(at + ": " + e.getMessage());
    }
  }

  private static String required(Config c, String at, String key, String what) {
    if (!c.hasPath(key) || c.getString(key).isBlank()) {
      throw new ConfigurationException(at + "." + key + " is required: " + what + ".");
    }
    return c.getString(key).strip();
  }

  private static URI url(Config c, String at, String key) {
    String v = c.getString(key).strip();
    while (v.endsWith("/")) {
      v = v.substring(0, v.length() - 1);
    }
    URI uri;
    try {
      uri = URI.create(v);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(at + "." + key + " is not a URL: " + v);
    }
    if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
      throw new ConfigurationException(
          at + "." + key + " must be an http(s) URL, e.g. https://graph.microsoft.com/v1.0");
    }
    return uri;
  }

  @Override
  public String toString() {
    return "SharePointSettings[tenant-id="
        + tenantId
        + ", client-id="
        + clientId
        + ", client-secret="
        + clientSecretRef
        + ", site="
        + site
        + ", graph="
        + graph
        + ", drives="
        + drives
        + "]";
  }
}
