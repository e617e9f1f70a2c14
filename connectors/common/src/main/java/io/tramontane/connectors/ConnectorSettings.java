package io.tramontane.connectors;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.tramontane.core.ConfigurationException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One connector instance, from {@code tramontane.connectors.<name>}: which kind, which tenant and
 * collection it fills, who may see what it brings when the source has no permissions of its own
 * ({@code acl}, {@code public}), how often a pass runs, and the kind-specific keys ({@link
 * #config()}).
 *
 * @param name the instance name (the config key)
 * @param kind the connector kind
 * @param tenant the tenant its documents belong to
 * @param collection the collection it keeps in sync
 * @param acl principals given access to every document (added to the source's own permissions)
 * @param publicToTenant every member of the tenant may see its documents
 * @param interval time between passes (watches and "sync now" run passes in between)
 * @param paused starts paused (no pass until resumed)
 * @param config the whole instance block, for kind-specific keys
 */
public record ConnectorSettings(
    String name,
    String kind,
    String tenant,
    String collection,
    Set<String> acl,
    boolean publicToTenant,
    Duration interval,
    boolean paused,
    Config config) {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  public ConnectorSettings {
    acl = Set.copyOf(acl);
  }

  /** The instance {@code name} from its block ({@code tramontane.connectors.<name>}). */
  public static ConnectorSettings fromConfig(String name, Config c) {
    String at = "tramontane.connectors." + name;
    if (!NAME.matcher(name).matches()) {
      throw new ConfigurationException(
          at + ": a connector name is lower case letters, digits and '-' (e.g. finance-docs).");
    }
    try {
      Duration interval = c.hasPath("interval") ? c.getDuration("interval") : Duration.ofMinutes(5);
      if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new ConfigurationException(at + ".interval must be at least 1s, e.g. 5m.");
      }
      return new ConnectorSettings(
          name,
          required(c, at, "kind"),
          c.hasPath("tenant") ? c.getString("tenant") : "default",
          required(c, at, "collection"),
          c.hasPath("acl") ? new LinkedHashSet<>(c.getStringList("acl")) : Set.of(),
          c.hasPath("public") && c.getBoolean("public"),
          interval,
          c.hasPath("paused") && c.getBoolean("paused"),
          c);
    } catch (ConfigException e) {
      throw new ConfigurationException(at + ": " + e.getMessage());
    }
  }

  private static String required(Config c, String at, String key) {
    if (!c.hasPath(key) || c.getString(key).isBlank()) {
      throw new ConfigurationException(at + "." + key + " is required.");
    }
    return c.getString(key);
  }

  /** The source name checkpoints and events use: {@code <kind>:<name>}. */
  public String sourceName() {
    return kind + ":" + name;
  }

  /** The platform events' source URI: {@code tramontane://connector/<kind>/<name>}. */
  public String eventSource() {
    return "tramontane://connector/" + kind + "/" + name;
  }
}
