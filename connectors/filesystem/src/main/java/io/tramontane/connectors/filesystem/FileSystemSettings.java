package io.tramontane.connectors.filesystem;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.tramontane.connectors.ConnectorSettings;
import io.tramontane.core.ConfigurationException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.List;

/**
 * The keys of a {@code filesystem} instance ({@code tramontane.connectors.<name>}).
 *
 * @param root the folder kept in sync ({@code path}): must exist and be a directory
 * @param include globs of the files taken, relative to the root ({@code include}; default all)
 * @param exclude globs of files and folders left out ({@code exclude}; default hidden ones and
 *     editor backups)
 * @param maxFileBytes larger files are not read and listed as failures ({@code max-file-bytes};
 *     default the parser's limit)
 * @param debounce quiet time after a change before a pass runs ({@code debounce}; default 500ms)
 * @param parallelism files ingested at the same time ({@code parallelism}; default 4)
 */
public record FileSystemSettings(
    Path root,
    List<String> include,
    List<String> exclude,
    long maxFileBytes,
    Duration debounce,
    int parallelism) {

  public FileSystemSettings {
    include = List.copyOf(include);
    exclude = List.copyOf(exclude);
  }

  /** The kind's keys of {@code settings}; files over {@code parserLimit} cannot be indexed. */
  public static FileSystemSettings from(ConnectorSettings settings, long parserLimit) {
    String at = "tramontane.connectors." + settings.name() + ".";
    Config c = settings.config();
    try {
      if (!c.hasPath("path") || c.getString("path").isBlank()) {
        throw new ConfigurationException(
            at + "path is required: the folder to keep in sync, e.g. path = /srv/handbook.");
      }
      Path root = Path.of(c.getString("path")).toAbsolutePath().normalize();
      if (!Files.exists(root)) {
        throw new ConfigurationException(
            at + "path: the folder " + root + " does not exist; create it or fix the path.");
      }
      if (!Files.isDirectory(root)) {
        throw new ConfigurationException(
            at + "path: " + root + " is a file, not a folder; give the folder that holds it.");
      }
      List<String> include = c.getStringList("include");
      List<String> exclude = c.getStringList("exclude");
      for (String g : include) {
        glob(at + "include", g);
      }
      for (String g : exclude) {
        glob(at + "exclude", g);
      }
      long max = c.hasPath("max-file-bytes") ? c.getBytes("max-file-bytes") : parserLimit;
      if (max < 1) {
        throw new ConfigurationException(at + "max-file-bytes must be positive, e.g. 20m.");
      }
      if (max > parserLimit) {
        throw new ConfigurationException(
            at
                + "max-file-bytes = "
                + max
                + " is over the parser's limit of "
                + parserLimit
                + " bytes (tramontane.retrieval.parser.max-input-bytes); lower it or raise that.");
      }
      Duration debounce = c.getDuration("debounce");
      int parallelism = c.getInt("parallelism");
      if (parallelism < 1 || parallelism > 64) {
        throw new ConfigurationException(at + "parallelism must be between 1 and 64.");
      }
      return new FileSystemSettings(root, include, exclude, max, debounce, parallelism);
    } catch (ConfigException e) {
      throw new ConfigurationException(at.substring(0, at.length() - 1) + ": " + e.getMessage());
    }
  }

  static PathMatcher glob(String key, String glob) {
    try {
      return FileSystems.getDefault().getPathMatcher("glob:" + glob);
    } catch (RuntimeException e) {
      throw new ConfigurationException(
          key + ": '" + glob + "' is not a glob (" + e.getMessage() + "), e.g. \"**.pdf\".");
    }
  }
}
