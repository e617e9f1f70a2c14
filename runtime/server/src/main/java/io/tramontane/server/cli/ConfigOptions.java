package io.tramontane.server.cli;

import com.typesafe.config.Config;
import io.tramontane.core.TramontaneConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Options shared by the commands that start a node (the HTTP port is serve's alone). */
final class ConfigOptions {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "HOCON file layered over the defaults (see README, Configuration).")
  Path config;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Local state, including the embedded H2 database (env TRAMONTANE_DATA_DIR).")
  Path dataDir;

  @Option(
      names = "--db",
      paramLabel = "h2|postgres",
      description = "Journal database (tramontane.database.kind, env TRAMONTANE_DB_KIND).")
  String database;

  Config load(Map<String, Object> extra) {
    Map<String, Object> overrides = new HashMap<>(extra);
    if (dataDir != null) {
      overrides.put("tramontane.data-dir", dataDir.toString());
    }
    if (database != null) {
      overrides.put("tramontane.database.kind", database);
    }
    return TramontaneConfig.load(Optional.ofNullable(config), overrides);
  }
}
