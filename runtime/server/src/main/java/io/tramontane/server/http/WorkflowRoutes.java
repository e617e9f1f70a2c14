package io.tramontane.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.tramontane.core.ConflictException;
import io.tramontane.core.NotFoundException;
import io.tramontane.server.http.body.Status;
import io.tramontane.server.http.body.WorkflowBodies.RunView;
import io.tramontane.server.http.body.WorkflowBodies.Validated;
import io.tramontane.server.http.body.WorkflowBodies.WorkflowDeployed;
import io.tramontane.server.http.body.WorkflowBodies.WorkflowList;
import io.tramontane.server.http.body.WorkflowBodies.WorkflowSummary;
import io.tramontane.workflows.definition.Problem;
import io.tramontane.workflows.definition.WorkflowDefinition;
import io.tramontane.workflows.definition.WorkflowDefinitionException;
import io.tramontane.workflows.definition.WorkflowDefinitions;
import io.tramontane.workflows.node.WorkflowRuns;
import io.tramontane.workflows.node.Workflows;
import io.tramontane.workflows.run.WorkflowRunEntity;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The workflows API: validate, deploy and delete definitions, list them, start, read and cancel
 * runs. Definitions and runs belong to the API key's tenant.
 */
final class WorkflowRoutes extends AllDirectives {

  static final String SCOPE_READ = "workflows:read";
  static final String SCOPE_WRITE = "workflows:write";
  static final String SCOPE_RUN = "workflows:run";

  private static final int MAX_BODY = 1024 * 1024;

  private final Workflows workflows;
  private final RequestBodies bodies;
  private final WorkflowRunRoutes runs;

  WorkflowRoutes(Workflows workflows, RequestBodies bodies) {
    this.workflows = workflows;
    this.bodies = bodies.upTo(MAX_BODY);
    this.runs = new WorkflowRunRoutes(new WorkflowRuns(workflows, bodies.materializer().system()));
  }

  void register(RouteTable table) {
    table
        .key("GET", "/workflows", SCOPE_READ, this::list)
        .key("POST", "/workflows/validate", SCOPE_WRITE, this::validate)
        .key("PUT", "/workflows/{workflow}", SCOPE_WRITE, this::deploy)
        .key("DELETE", "/workflows/{workflow}", SCOPE_WRITE, this::delete)
        .key("POST", "/workflows/{workflow}/runs/{run}", SCOPE_RUN, this::start)
        .key("GET", "/workflows/{workflow}/runs/{run}", SCOPE_READ, this::get)
        .key("POST", "/workflows/{workflow}/runs/{run}/events", SCOPE_RUN, this::deliver)
        .key("POST", "/workflows/{workflow}/runs/{run}/cancel", SCOPE_RUN, this::cancel);
    runs.register(table);
  }

  private Route list(Principal caller, Map<String, String> vars) {
    return Replies.now(
        new WorkflowList(
            workflows.definitions(caller.tenant()).stream().map(WorkflowSummary::of).toList()));
  }

  /** A definition that cannot be used is a problem like any other (kind invalid, its problems). */
  private Route validate(Principal caller, Map<String, String> vars) {
    return bodies.answer(
        (request, bytes) -> {
          List<Problem> ps = new WorkflowDefinitions().validate("body", bytes);
          if (!ps.isEmpty()) {
            throw new WorkflowDefinitionException(ps);
          }
          return CompletableFuture.completedFuture(
              Json.response(StatusCodes.OK, new Validated(true)));
        });
  }

  private Route deploy(Principal caller, Map<String, String> vars) {
    return bodies.answer(
        (request, bytes) -> {
          String name = vars.get("workflow");
          // checked whole (the name too) before anything is stored
          WorkflowDefinition d =
              workflows.deploy(caller.tenant(), name, "PUT /workflows/" + name, bytes);
          return CompletableFuture.completedFuture(
              Json.response(StatusCodes.OK, new WorkflowDeployed(d.name(), d.version(), d.hash())));
        });
  }

  private Route delete(Principal caller, Map<String, String> vars) {
    return Replies.removal(() -> workflows.remove(caller.tenant(), vars.get("workflow")));
  }

  private Route start(Principal caller, Map<String, String> vars) {
    return bodies.answerJson(
        (request, bytes) -> {
          JsonNode input =
              bytes.length == 0
                  ? Json.MAPPER.createObjectNode()
                  : Json.read(bytes, "the run's input");
          return workflows
              .start(caller.tenant(), vars.get("workflow"), vars.get("run"), input)
              .thenApply(
                  s -> {
                    // The same run name again returns the run; with another input it is a
                    // mistake (the new input would be ignored), not the same request.
                    if (s.input() != null && !parse(s.input()).equals(input)) {
                      throw new ConflictException(
                          "A run named '"
                              + vars.get("run")
                              + "' already exists with another input; start the new one under"
                              + " another run name.");
                    }
                    return Json.response(StatusCodes.ACCEPTED, view(s));
                  });
        });
  }

  private Route get(Principal caller, Map<String, String> vars) {
    return Replies.ok(
        workflows.get(caller.tenant(), vars.get("workflow"), vars.get("run")),
        s -> {
          if (s.status() == WorkflowRunEntity.Status.NEW) {
            throw new NotFoundException("No run '" + vars.get("run") + "'.");
          }
          return view(s);
        });
  }

  private Route deliver(Principal caller, Map<String, String> vars) {
    return bodies.answerJson(
        (request, bytes) ->
            workflows
                .deliver(
                    caller.tenant(),
                    vars.get("workflow"),
                    vars.get("run"),
                    EventRoutes.event(bytes, true))
                .thenApply(d -> Json.response(StatusCodes.ACCEPTED, new Status("delivered"))));
  }

  private Route cancel(Principal caller, Map<String, String> vars) {
    return Replies.ok(
        workflows.cancel(caller.tenant(), vars.get("workflow"), vars.get("run"), caller.keyId()),
        d -> new Status("cancelled"));
  }

  private static RunView view(WorkflowRunEntity.State s) {
    return new RunView(
        s.status().name().toLowerCase(Locale.ROOT),
        s.definitionVersion(),
        List.copyOf(new TreeMap<>(s.effects()).keySet()),
        parse(s.output()),
        parse(s.error()));
  }

  private static JsonNode parse(String json) {
    if (json == null) {
      return null;
    }
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      return Json.MAPPER.getNodeFactory().textNode(json);
    }
  }
}
