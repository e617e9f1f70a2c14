package io.tramontane.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tramontane.core.InvalidRequestException;
import io.tramontane.retrieval.ingest.Ingestion;
import io.tramontane.server.TramontaneServer;
import io.tramontane.workflows.call.CallHandler;
import io.tramontane.workflows.call.HttpCall;
import io.tramontane.workflows.call.OpenApiCall;
import io.tramontane.workflows.definition.WorkflowDefinition;
import io.tramontane.workflows.definition.WorkflowDefinitionException;
import io.tramontane.workflows.definition.WorkflowDefinitions;
import io.tramontane.workflows.node.NodeEffects;
import io.tramontane.workflows.run.Interpreter;
import io.tramontane.workflows.run.Replay;
import io.tramontane.workflows.run.WorkflowError;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tramontane run <file> --input '{…}'}: validates a workflow and runs it here, printing each
 * side effect as it happens and the output at the end. A local run is not journaled (use the REST
 * API of a server for durable runs); its effects are the real ones.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Validate a workflow file and run it here, printing each call, wait and event.",
      "Then prints the output. Exit code: 0 success, 3 invalid definition (each problem as"
          + " file:line:column) or the workflow raised an error, 2 usage error or unreadable file."
    })
final class RunCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin ConfigOptions options;

  @Parameters(index = "0", paramLabel = "FILE", description = "The workflow's YAML file.")
  Path file;

  @Option(names = "--input", paramLabel = "JSON", description = "The run's input (default: {}).")
  String input = "{}";

  @Option(
      names = "--agents",
      paramLabel = "DIR",
      description = "Agent definitions for call: agent, of the --tenant.")
  Path agentsDir;

  @Option(
      names = "--allow-host",
      paramLabel = "HOST",
      split = ",",
      description = "Hosts call: http may reach (adds to tramontane.workflows.http.allowed-hosts).")
  List<String> allowHosts = List.of();

  @Option(names = "--tenant", description = "Tenant (default: ${DEFAULT-VALUE}).")
  String tenant = "default";

  @Override
  public Integer call() throws IOException {
    Main.quietLogs();
    PrintWriter out = options.out();
    Ingestion.checkName("tenant", tenant);
    JsonNode in = JsonArgument.parse("--input", input);
    if (!Files.isRegularFile(file)) {
      throw new InvalidRequestException("no such file: " + file);
    }
    WorkflowDefinition d;
    try {
      d = new WorkflowDefinitions().parse(file.toString(), Files.readAllBytes(file));
    } catch (WorkflowDefinitionException e) {
      e.problems().forEach(options.err()::println);
      options.err().flush();
      return ValidateCommand.INVALID; // as validate says it
    }
    out.printf(
        "Running %s/%s %s (%d tasks)%n", d.namespace(), d.name(), d.version(), d.taskCount());
    out.flush();
    var config =
        options.load(ConfigOptions.withAgents(RetrievalNode.overrides(), agentsDir, tenant));
    List<String> hosts =
        new java.util.ArrayList<>(config.getStringList(HttpCall.KEY + ".allowed-hosts"));
    hosts.addAll(allowHosts);
    var withHosts =
        com.typesafe.config.ConfigFactory.parseMap(Map.of(HttpCall.KEY + ".allowed-hosts", hosts))
            .withFallback(config);
    String runId = tenant + "/" + d.name() + "/local-" + UUID.randomUUID();
    try (RetrievalNode node = RetrievalNode.start(config, "run", options.err())) {
      List<CallHandler> calls =
          new java.util.ArrayList<>(
              TramontaneServer.workflowCalls(node.agents(), node.retrieval()));
      HttpCall http = HttpCall.fromConfig(withHosts);
      calls.add(http);
      calls.add(new OpenApiCall(http));
      NodeEffects live = new NodeEffects(runId, tenant, calls);
      Replay.Live printing =
          new Replay.Live() {
            @Override
            public JsonNode call(String key, String function, JsonNode with) {
              out.printf("  %s  call %s%n", key, function);
              out.flush();
              return live.call(key, function, with);
            }

            @Override
            public void emit(String key, JsonNode event) {
              out.printf("  %s  emit %s%n", key, event.path("with").path("type").asText());
              live.emit(key, event);
            }

            @Override
            public JsonNode listen(
                String key,
                JsonNode to,
                Instant deadline,
                java.util.function.UnaryOperator<JsonNode> view) {
              throw new io.tramontane.workflows.run.WorkflowError(
                  io.tramontane.workflows.run.WorkflowError.RUNTIME,
                  501,
                  "Listen needs a server",
                  "a local run cannot receive events; deploy the workflow to a server and start"
                      + " it there (POST /workflows/{workflow}/runs/{run})",
                  key);
            }

            @Override
            public void sleepUntil(Instant instant) {
              out.printf("  wait until %s%n", instant);
              out.flush();
              live.sleepUntil(instant);
            }
          };
      Map<String, JsonNode> journal = new HashMap<>();
      Replay.Journal memory = Replay.Journal.inMemory(journal);
      try {
        var result = Interpreter.run(d.tree(), in, new Replay(memory, printing, Clock.systemUTC()));
        out.println("Output:");
        out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result.output()));
        out.flush();
        return 0;
      } catch (WorkflowError e) {
        out.println("The workflow raised an error:");
        out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(e.toJson()));
        out.flush();
        return 3;
      }
    }
  }
}
