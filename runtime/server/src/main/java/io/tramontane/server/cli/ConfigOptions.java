package io.tramontane.server.cli;

import com.typesafe.config.Config;
import io.tramontane.core.TramontaneConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options shared by the commands that start a node (the HTTP port is serve's alone). */
final class ConfigOptions {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "HOCON file layered over the defaults (see docs/configuration.md).")
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

  /** The command this is mixed into: where it prints. */
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  /** The command's output. */
  PrintWriter out() {
    return command.commandLine().getOut();
  }

  /** Where progress and refusals go (stdout stays the command's output). */
  PrintWriter err() {
    return command.commandLine().getErr();
  }

  /**
   * Starts the local node for {@code name} (see {@link RetrievalNode#start}) on this configuration
   * with {@code extra} over the offline commands' {@link RetrievalNode#overrides()}.
   */
  RetrievalNode startNode(String name, Map<String, Object> extra) {
    Map<String, Object> overrides = new HashMap<>(RetrievalNode.overrides());
    overrides.putAll(extra);
    return RetrievalNode.start(load(overrides), name, err());
  }

  /**
   * {@code overrides} with the agent definitions of {@code agentsDir} (when given), which belong to
   * {@code tenant}.
   */
  static Map<String, Object> withAgents(
      Map<String, Object> overrides, Path agentsDir, String tenant) {
    Map<String, Object> with = new HashMap<>(overrides);
    if (agentsDir != null) {
      with.put("tramontane.agents.dir", agentsDir.toString());
      with.put("tramontane.agents.tenant", tenant); // the directory's agents are --tenant's
    }
    return with;
  }

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
