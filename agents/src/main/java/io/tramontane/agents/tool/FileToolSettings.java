package io.tramontane.agents.tool;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tramontane.core.ConfigurationException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code tramontane.agents.tools.files}: the directory {@code files.read} may read.
 *
 * @param root the directory; empty disables the tool
 * @param maxBytes longest file content returned; longer files are truncated with a note
 */
public record FileToolSettings(Optional<Path> root, long maxBytes) {

  static final String KEY = "tramontane.agents.tools.files";
  static final long DEFAULT_MAX_BYTES = 256 * 1024;

  public FileToolSettings {
    root = root == null ? Optional.empty() : root;
    if (maxBytes < 1 || maxBytes > Integer.MAX_VALUE - 8) {
      throw new ConfigurationException(
          KEY + ".max-bytes = " + maxBytes + " must be between 1 and 2 GiB.");
    }
  }

  /** Disabled: no root. */
  public static FileToolSettings disabled() {
    return new FileToolSettings(Optional.empty(), DEFAULT_MAX_BYTES);
  }

  /** Rooted at {@code root}, with the default size cap. */
  public static FileToolSettings rootedAt(Path root) {
    return new FileToolSettings(Optional.of(root), DEFAULT_MAX_BYTES);
  }

  public FileToolSettings withMaxBytes(long maxBytes) {
    return new FileToolSettings(root, maxBytes);
  }

  /** Reads {@value #KEY} from the root configuration; missing keys take the defaults. */
  public static FileToolSettings fromConfig(Config config) {
    Config c = config.hasPath(KEY) ? config.getConfig(KEY) : ConfigFactory.empty();
    String root = c.hasPath("root") ? c.getString("root").strip() : "";
    long maxBytes = c.hasPath("max-bytes") ? c.getBytes("max-bytes") : DEFAULT_MAX_BYTES;
    if (root.isEmpty()) {
      return new FileToolSettings(Optional.empty(), maxBytes);
    }
    try {
      return new FileToolSettings(Optional.of(Path.of(root)), maxBytes);
    } catch (InvalidPathException e) {
      throw new ConfigurationException(
          KEY + ".root = \"" + root + "\" is not a valid path: " + e.getReason() + ".");
    }
  }
}
