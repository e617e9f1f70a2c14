package io.tramontane.server.cli;

import com.typesafe.config.Config;
import io.tramontane.agents.Agents;
import io.tramontane.agents.definition.AgentDefinition;
import io.tramontane.agents.tool.Citation;
import io.tramontane.agents.tool.RetrieveTool;
import io.tramontane.core.NotFoundException;
import io.tramontane.core.TramontaneConfig;
import io.tramontane.retrieval.ingest.Ingestion;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tramontane ask <agent> "…"}: one turn of an agent session on a local node, printed with
 * its citations. Without a configured language model the agent answers with quoted passages.
 */
@Command(
    name = "ask",
    mixinStandardHelpOptions = true,
    description = {
      "Ask an agent a question and print its answer with citations.",
      "With no language model configured, the answer quotes the best passages (extractive)."
    })
final class AskCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;

  @Parameters(index = "0", paramLabel = "AGENT", description = "Agent name.")
  String agent;

  @Parameters(index = "1", paramLabel = "QUESTION", description = "What to ask.")
  String question;

  @Option(
      names = "--agents",
      paramLabel = "DIR",
      description = "Directory of agent definitions (tramontane.agents.dir), of the --tenant.")
  Path agentsDir;

  @Option(
      names = "--as",
      paramLabel = "PRINCIPAL",
      split = ",",
      description = "User or group the agent acts for (repeatable). None: public documents only.")
  List<String> principals = List.of();

  @Option(names = "--tenant", description = "Tenant (default: ${DEFAULT-VALUE}).")
  String tenant = "default";

  @Option(
      names = "--session",
      description = "Session id to continue a conversation (default: a new one).")
  String session;

  @Override
  public Integer call() {
    Main.quietLogs();
    PrintWriter out = options.out();
    Ingestion.checkName("tenant", tenant);
    String sessionId = session != null ? session : "cli-" + UUID.randomUUID();
    try (RetrievalNode node =
        options.startNode("ask", ConfigOptions.withAgents(Map.of(), agentsDir, tenant))) {
      Agents agents = node.agents();
      if (!agents.catalog().known(tenant, agent)) {
        throw noSuchAgent(agents, node.config());
      }
      Agents.Answer answer =
          agents
              .ask(tenant, agent, sessionId, question, new LinkedHashSet<>(principals))
              .toCompletableFuture()
              .join();
      if (answer.awaitingApproval()) {
        out.println(
            "The agent wants to run a tool that needs approval ("
                + answer.keys()
                + "). Approve it through the REST API: POST /agents/"
                + agent
                + "/sessions/"
                + sessionId
                + "/decisions.");
        return 0;
      }
      out.println(answer.text());
      if (!answer.citations().isEmpty()) {
        out.println();
        out.println("Sources:");
        int n = 1;
        for (Citation c : answer.citations()) {
          out.printf("  [%d] %s%n", n++, RetrieveTool.label(c));
        }
      }
      out.println();
      out.println("(session " + sessionId + ", turn " + answer.turn() + ")");
      out.flush();
      return 0;
    }
  }

  /** Offline there is no GET /agents: name the tenant's agents and where they are read from. */
  private NotFoundException noSuchAgent(Agents agents, Config config) {
    List<String> names = agents.definitions(tenant).stream().map(AgentDefinition::name).toList();
    Path dir =
        agentsDir != null
            ? agentsDir
            : TramontaneConfig.directory(config, "tramontane.agents.dir", "agents");
    return new NotFoundException(
        "no agent '"
            + agent
            + "' in tenant '"
            + tenant
            + "'; "
            + (names.isEmpty() ? "it has no agents" : "its agents: " + String.join(", ", names))
            + ". Agent definitions (*.yaml) are read from "
            + dir
            + " (--agents DIR, tramontane.agents.dir).");
  }
}
