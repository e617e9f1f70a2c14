package io.tramontane.connectors;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
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

  /** Where the modules' {@code reference.conf} files keep each kind's defaults. */
  public static final String DEFAULTS = "tramontane.connector-defaults";

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  public ConnectorSettings {
    acl = Set.copyOf(acl);
  }

  /**
   * The instance {@code name} from its block ({@code tramontane.connectors.<name>}), over the
   * defaults of the modules' {@code reference.conf} files.
   */
  public static ConnectorSettings fromConfig(String name, Config block) {
    return fromConfig(name, block, ConfigFactory.defaultReference());
  }

  /**
   * The instance {@code name} from its block over the defaults in {@code root}: {@code
   * tramontane.connector-defaults.<kind>}, then {@code tramontane.connector-defaults.common}. A
   * kind's defaults live in its module's {@code reference.conf}, never in code, and an operator may
   * change them for every instance of the kind in {@code application.conf}.
   */
  public static ConnectorSettings fromConfig(String name, Config block, Config root) {
    String at = "tramontane.connectors." + name;
    if (!NAME.matcher(name).matches()) {
      throw new ConfigurationException(
          at + ": a connector name is lower case letters, digits and '-' (e.g. finance-docs).");
    }
    try {
      Config c = withDefaults(block, root);
      Duration interval = c.getDuration("interval");
      if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new ConfigurationException(at + ".interval must be at least 1s, e.g. 5m.");
      }
      return new ConnectorSettings(
          name,
          required(c, at, "kind"),
          c.getString("tenant"),
          required(c, at, "collection"),
          new LinkedHashSet<>(c.getStringList("acl")),
          c.getBoolean("public"),
          interval,
          c.getBoolean("paused"),
          c);
    } catch (ConfigException e) {
      throw new ConfigurationException(at + ": " + e.getMessage());
    }
  }

  private static Config withDefaults(Config block, Config root) {
    Config defaults =
        (root.hasPath(DEFAULTS) ? root : ConfigFactory.defaultReference()).getConfig(DEFAULTS);
    Config merged = block;
    if (block.hasPath("kind")) {
      String kind = ConfigUtil.joinPath(block.getString("kind"));
      if (defaults.hasPath(kind)) {
        merged = merged.withFallback(defaults.getConfig(kind));
      }
    }
    return merged.withFallback(defaults.getConfig("common"));
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
