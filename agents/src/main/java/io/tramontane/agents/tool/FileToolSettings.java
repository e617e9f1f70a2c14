package io.tramontane.agents.tool;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueType;
import io.tramontane.core.ConfigurationException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code tramontane.agents.tools.files}: the folder {@code files.read} may read, per tenant. A
 * tenant without a folder has no {@code files.read}; an agent of one tenant never reads another
 * tenant's folder.
 *
 * @param roots each tenant's folder, and who of the tenant may read it
 * @param maxBytes longest file content returned; longer files are truncated with a note
 */
public record FileToolSettings(Map<String, Root> roots, long maxBytes) {

  static final String KEY = "tramontane.agents.tools.files";
  static final long DEFAULT_MAX_BYTES = 256 * 1024;

  /**
   * One tenant's folder.
   *
   * @param path the folder
   * @param readers the principals who may read it (the user an agent acts for must hold one);
   *     empty: every user of the tenant's agents
   */
  public record Root(Path path, Set<String> readers) {
    public Root {
      readers = Collections.unmodifiableSet(new LinkedHashSet<>(readers));
    }

    /** Whether a user holding {@code principals} may read this folder. */
    boolean readableBy(Set<String> principals) {
      return readers.isEmpty() || principals.stream().anyMatch(readers::contains);
    }
  }

  public FileToolSettings {
    roots = roots == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(roots));
    if (maxBytes < 1 || maxBytes > Integer.MAX_VALUE - 8) {
      throw new ConfigurationException(
          KEY + ".max-bytes = " + maxBytes + " must be between 1 and 2 GiB.");
    }
  }

  /** Disabled: no tenant has a folder. */
  public static FileToolSettings disabled() {
    return new FileToolSettings(Map.of(), DEFAULT_MAX_BYTES);
  }

  /** {@code tenant}'s folder, readable by every user of its agents, with the default size cap. */
  public static FileToolSettings rootedAt(String tenant, Path root) {
    return new FileToolSettings(Map.of(tenant, new Root(root, Set.of())), DEFAULT_MAX_BYTES);
  }

  public FileToolSettings withMaxBytes(long maxBytes) {
    return new FileToolSettings(roots, maxBytes);
  }

  /** The tenant's folder, if it has one. */
  public Optional<Root> root(String tenant) {
    return Optional.ofNullable(roots.get(tenant));
  }

  /**
   * Reads {@value #KEY} from the root configuration; missing keys take the defaults. {@code roots}
   * maps a tenant to a folder ({@code acme = "/srv/acme"}) or to {@code { path = "/srv/acme",
   * readers = ["group:legal"] }}.
   */
  public static FileToolSettings fromConfig(Config config) {
    Config c = config.hasPath(KEY) ? config.getConfig(KEY) : ConfigFactory.empty();
    if (c.hasPath("root") && !c.getString("root").isBlank()) {
      throw new ConfigurationException(
          KEY
              + ".root was one folder for every tenant; a folder now belongs to a tenant: write "
              + KEY
              + ".roots { <tenant> = \""
              + c.getString("root").strip()
              + "\" } and remove root.");
    }
    long maxBytes = c.hasPath("max-bytes") ? c.getBytes("max-bytes") : DEFAULT_MAX_BYTES;
    Map<String, Root> roots = new LinkedHashMap<>();
    if (c.hasPath("roots")) {
      if (c.getValue("roots").valueType() != ConfigValueType.OBJECT) {
        throw new ConfigurationException(
            KEY + ".roots must be an object, one entry per tenant: { acme = \"/srv/acme\" }.");
      }
      Config rs = c.getConfig("roots");
      for (String tenant : new TreeSet<>(rs.root().keySet())) {
        roots.put(tenant, root(rs, tenant));
      }
    }
    return new FileToolSettings(roots, maxBytes);
  }

  private static Root root(Config roots, String tenant) {
    String key = KEY + ".roots." + tenant;
    String quoted = "\"" + tenant + "\"";
    try {
      ConfigValueType type = roots.getValue(quoted).valueType();
      String path;
      Set<String> readers = new LinkedHashSet<>();
      if (type == ConfigValueType.STRING) {
        path = roots.getString(quoted);
      } else if (type == ConfigValueType.OBJECT) {
        Config r = roots.getConfig(quoted);
        for (String k : r.root().keySet()) {
          if (!k.equals("path") && !k.equals("readers")) {
            throw new ConfigurationException(
                key + "." + k + " is not a setting; a folder has path and readers.");
          }
        }
        if (!r.hasPath("path")) {
          throw new ConfigurationException(key + ".path is missing; name the tenant's folder.");
        }
        path = r.getString("path");
        if (r.hasPath("readers")) {
          for (String p : r.getStringList("readers")) {
            if (p.isBlank()) {
              throw new ConfigurationException(
                  key + ".readers must list principals, e.g. [\"group:legal\"].");
            }
            readers.add(p.strip());
          }
        }
      } else {
        throw new ConfigurationException(
            key
                + " must be a folder (\"/srv/"
                + tenant
                + "\") or { path = ..., readers = [...] }.");
      }
      if (path.isBlank()) {
        throw new ConfigurationException(key + " names no folder.");
      }
      return new Root(Path.of(path.strip()), readers);
    } catch (InvalidPathException e) {
      throw new ConfigurationException(key + " is not a valid path: " + e.getReason() + ".");
    } catch (ConfigException e) {
      throw new ConfigurationException(key + ": " + e.getMessage(), e);
    }
  }
}
