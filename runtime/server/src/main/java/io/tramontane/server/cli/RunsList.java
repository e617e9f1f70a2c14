package io.tramontane.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tramontane.core.NotFoundException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tramontane runs list WORKFLOW}: a page of a workflow's runs, as a table. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    footer = {"", "The API key needs the scope workflows:read."},
    description = "List the runs of a workflow (by run name; a page at a time).")
final class RunsList implements Callable<Integer> {
  @Mixin ServerOptions server;

  @Parameters(index = "0", paramLabel = "WORKFLOW", description = "The workflow's name.")
  String workflow;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "At most N runs (default: ${DEFAULT-VALUE}, at most 500).")
  int limit = 50;

  @Option(names = "--after", paramLabel = "RUN", description = "Start after this run name.")
  String after;

  @Override
  public Integer call() {
    PrintWriter out = server.out();
    String path =
        "/workflows/" + RunsCommand.name("workflow name", workflow) + "/runs?limit=" + limit;
    if (after != null) {
      path += "&after=" + RunsCommand.name("run name", after);
    }
    JsonNode page;
    try {
      page = server.client().get(path);
    } catch (ServerClient.ServerException e) {
      if (e.status() == 404 && after == null) {
        requireDeployed(); // names what is deployed, which the server's 404 does not
      }
      throw e;
    }
    JsonNode runs = page.path("runs");
    if (runs.isEmpty()) {
      if (after == null) {
        requireDeployed();
      }
      out.println(
          "No runs of workflow '"
              + workflow
              + "'"
              + (after == null ? "." : " after '" + after + "'."));
      return 0;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"RUN", "STATUS", "STARTED", "ENDED", "EFFECTS"});
    for (JsonNode r : runs) {
      rows.add(
          new String[] {
            r.path("name").asText(),
            r.path("status").asText(),
            RunsCommand.seconds(r.path("startedAt").asText("")),
            RunsCommand.seconds(r.path("endedAt").asText("")),
            r.path("effects").asText()
          });
    }
    int[] widths = new int[5];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        b.append(
            i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
      }
      out.println(b.toString().stripTrailing());
    }
    if (page.hasNonNull("next")) {
      out.println("(more: --after " + page.get("next").asText() + ")");
    }
    out.flush();
    return 0;
  }

  /**
   * An empty page of an unknown workflow is a mistake (a typo), not "no runs": say so and exit 2.
   * The server lists only the caller's tenant's workflows, so nothing of another tenant shows.
   */
  private void requireDeployed() {
    List<String> deployed = new ArrayList<>();
    server
        .client()
        .get("/workflows")
        .path("workflows")
        .forEach(w -> deployed.add(w.path("name").asText()));
    if (!deployed.contains(workflow)) {
      throw new NotFoundException(
          "no workflow '"
              + workflow
              + "' is deployed in this API key's tenant"
              + (deployed.isEmpty()
                  ? " (none is)."
                  : "; deployed: " + String.join(", ", deployed) + "."));
    }
  }
}
