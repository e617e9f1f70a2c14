package io.tramontane.server.cli;

import io.tramontane.agents.session.SessionReplay;
import io.tramontane.retrieval.ingest.Ingestion;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tramontane replay <agent> <session>}: re-runs a recorded session's decisions against the
 * agent's current definition — recorded model answers and tool results, no live call — and prints
 * where it would now diverge. Exit code 0 when identical, 3 when it diverges.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Replay a recorded agent session against the agent's current definition, without calling",
      "any model or tool, and report where it would diverge (exit code 3 when it does)."
    })
final class ReplayCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin ConfigOptions options;

  @Parameters(index = "0", paramLabel = "AGENT")
  String agent;

  @Parameters(index = "1", paramLabel = "SESSION")
  String session;

  @Option(names = "--agents", paramLabel = "DIR", description = "Directory of agent definitions.")
  Path agentsDir;

  @Option(names = "--tenant", description = "Tenant (default: ${DEFAULT-VALUE}).")
  String tenant = "default";

  @Override
  public Integer call() {
    Main.quietLogs();
    PrintWriter out = spec.commandLine().getOut();
    Ingestion.checkName("tenant", tenant);
    Map<String, Object> overrides = new HashMap<>(RetrievalNode.overrides());
    if (agentsDir != null) {
      overrides.put("tramontane.agents.dir", agentsDir.toString());
    }
    try (RetrievalNode node = RetrievalNode.start(options.load(overrides), "replay")) {
      SessionReplay.Report report =
          node.agents().replay(tenant, agent, session).toCompletableFuture().join();
      out.printf(
          "Replayed session %s of agent %s: %d turn(s), %d model call(s), %d tool call(s).%n",
          session, agent, report.turns(), report.modelCalls(), report.toolCalls());
      if (report.identical()) {
        out.println("Identical: the current definition would make the same decisions.");
        return 0;
      }
      for (SessionReplay.Divergence d : report.diverges()) {
        out.printf("  turn %d, step %d: %s%n", d.turn(), d.step(), d.what());
      }
      out.flush();
      return 3;
    }
  }
}
