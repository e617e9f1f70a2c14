package io.tramontane.workflows.definition;

import com.typesafe.config.Config;

/**
 * {@code tramontane.workflows}: limits applied when a definition is read.
 *
 * @param maxDefinitionBytes largest accepted definition file
 * @param maxAliases most YAML aliases to collections one definition may use
 */
public record WorkflowSettings(int maxDefinitionBytes, int maxAliases) {

  /** The values in this module's reference.conf. */
  public static final WorkflowSettings DEFAULTS = new WorkflowSettings(1024 * 1024, 50);

  public WorkflowSettings {
    if (maxDefinitionBytes < 1) {
      throw new IllegalArgumentException("max-definition-bytes must be positive");
    }
    if (maxAliases < 0) {
      throw new IllegalArgumentException("max-aliases must not be negative");
    }
  }

  /** Reads {@code tramontane.workflows} from the application's configuration. */
  public static WorkflowSettings fromConfig(Config config) {
    Config c = config.getConfig("tramontane.workflows");
    return new WorkflowSettings(
        Math.toIntExact(c.getBytes("max-definition-bytes")), c.getInt("max-aliases"));
  }
}
