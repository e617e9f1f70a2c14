package io.tramontane.core;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Loads the layered configuration, highest priority first: explicit overrides (CLI flags, tests),
 * JVM system properties, an optional config file ({@code --config}), {@code application.conf} on
 * the classpath, every module's {@code tramontane-defaults.conf}, then every {@code
 * reference.conf}. Environment variables enter through the {@code ${?TRAMONTANE_...}} substitutions
 * in the reference files.
 */
public final class TramontaneConfig {

  /**
   * Each module's settings for the libraries it uses (Pekko, pekko-http, ...). They must override
   * the libraries' own reference.conf, which a reference.conf cannot do reliably.
   */
  public static final String DEFAULTS_RESOURCE = "tramontane-defaults.conf";

  private TramontaneConfig() {}

  public static Config load(Optional<Path> file, Map<String, ?> overrides) {
    try {
      Config fromFile = ConfigFactory.empty();
      if (file.isPresent()) {
        Path path = file.get();
        if (!Files.isRegularFile(path)) {
          throw new ConfigurationException(
              "Configuration file " + path + " does not exist; pass an existing HOCON file.");
        }
        fromFile =
            ConfigFactory.parseFile(
                path.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
      }
      Config unresolved =
          ConfigFactory.parseMap(overrides, "overrides")
              .withFallback(ConfigFactory.systemProperties())
              .withFallback(fromFile)
              .withFallback(ConfigFactory.parseResourcesAnySyntax("application"))
              .withFallback(ConfigFactory.parseResourcesAnySyntax(DEFAULTS_RESOURCE))
              .withFallback(ConfigFactory.defaultReferenceUnresolved());
      return unresolved.resolve(ConfigResolveOptions.defaults());
    } catch (ConfigException e) {
      throw new ConfigurationException("Invalid configuration: " + e.getMessage(), e);
    }
  }

  public static Config load(Map<String, ?> overrides) {
    return load(Optional.empty(), overrides);
  }

  /**
   * The folder set at {@code key}; when that is blank, {@code child} of {@code
   * tramontane.data-dir}.
   */
  public static Path directory(Config config, String key, String child) {
    String dir = config.getString(key);
    return dir.isBlank()
        ? Path.of(config.getString("tramontane.data-dir")).resolve(child)
        : Path.of(dir);
  }
}
