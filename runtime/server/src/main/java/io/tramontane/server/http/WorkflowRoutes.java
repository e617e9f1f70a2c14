package io.tramontane.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.tramontane.workflows.definition.Problem;
import io.tramontane.workflows.definition.WorkflowDefinition;
import io.tramontane.workflows.definition.WorkflowDefinitionException;
import io.tramontane.workflows.definition.WorkflowDefinitions;
import io.tramontane.workflows.node.WorkflowRuns;
import io.tramontane.workflows.node.Workflows;
import io.tramontane.workflows.run.WorkflowRunEntity;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;

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
  private final Materializer materializer;
  private final long bodyTimeoutMillis;
  private final WorkflowRunRoutes runs;

  WorkflowRoutes(Workflows workflows, Materializer materializer, long bodyTimeoutMillis) {
    this.workflows = workflows;
    this.materializer = materializer;
    this.bodyTimeoutMillis = bodyTimeoutMillis;
    this.runs = new WorkflowRunRoutes(new WorkflowRuns(workflows, materializer.system()));
  }

  void register(RouteTable table) {
    table
        .add("GET", "/workflows", RouteTable.Access.API_KEY, SCOPE_READ, this::list)
        .add("POST", "/workflows/validate", RouteTable.Access.API_KEY, SCOPE_WRITE, this::validate)
        .add("PUT", "/workflows/{workflow}", RouteTable.Access.API_KEY, SCOPE_WRITE, this::deploy)
        .add(
            "DELETE", "/workflows/{workflow}", RouteTable.Access.API_KEY, SCOPE_WRITE, this::delete)
        .add(
            "POST",
            "/workflows/{workflow}/runs/{run}",
            RouteTable.Access.API_KEY,
            SCOPE_RUN,
            this::start)
        .add(
            "GET",
            "/workflows/{workflow}/runs/{run}",
            RouteTable.Access.API_KEY,
            SCOPE_READ,
            this::get)
        .add(
            "POST",
            "/workflows/{workflow}/runs/{run}/events",
            RouteTable.Access.API_KEY,
            SCOPE_RUN,
            this::deliver)
        .add(
            "POST",
            "/workflows/{workflow}/runs/{run}/cancel",
            RouteTable.Access.API_KEY,
            SCOPE_RUN,
            this::cancel);
    runs.register(table);
  }

  private CompletionStage<byte[]> body(HttpRequest request) {
    return Bodies.strict(request, MAX_BODY, bodyTimeoutMillis, materializer);
  }

  private Route list(Principal caller, Map<String, String> vars) {
    List<Map<String, Object>> list =
        workflows.definitions(caller.tenant()).stream()
            .map(
                d -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("name", d.name());
                  m.put("namespace", d.namespace());
                  m.put("version", d.version());
                  m.put("hash", d.hash());
                  m.put("tasks", d.taskCount());
                  return m;
                })
            .toList();
    return complete(Json.response(StatusCodes.OK, Map.of("workflows", list)));
  }

  private static List<Map<String, Object>> problems(List<Problem> ps) {
    return ps.stream()
        .map(
            p -> {
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("line", p.line());
              m.put("column", p.column());
              m.put("message", p.message());
              m.put("hint", p.hint());
              return m;
            })
        .toList();
  }

  private Route validate(Principal caller, Map<String, String> vars) {
    return extractRequest(
        request ->
            completeWithFuture(
                body(request)
                    .thenApply(
                        bytes -> {
                          List<Problem> ps = new WorkflowDefinitions().validate("body", bytes);
                          if (ps.isEmpty()) {
                            return Json.response(StatusCodes.OK, Map.of("valid", true));
                          }
                          return Problems.of(
                              StatusCodes.BAD_REQUEST,
                              "Invalid Workflow",
                              ps.getFirst().toString(),
                              Map.of("valid", false, "problems", problems(ps)));
                        })
                    .exceptionally(Problems::fromThrowable)));
  }

  private Route deploy(Principal caller, Map<String, String> vars) {
    return extractRequest(
        request ->
            completeWithFuture(
                body(request)
                    .thenApply(
                        bytes -> {
                          String name = vars.get("workflow");
                          WorkflowDefinition d;
                          try {
                            // checked whole (the name too) before anything is stored
                            d =
                                workflows.deploy(
                                    caller.tenant(), name, "PUT /workflows/" + name, bytes);
                          } catch (WorkflowDefinitionException e) {
                            return Problems.of(
                                StatusCodes.BAD_REQUEST,
                                "Invalid Workflow",
                                e.getMessage(),
                                Map.of("problems", problems(e.problems())));
                          }
                          return Json.response(
                              StatusCodes.OK,
                              Map.of("name", d.name(), "version", d.version(), "hash", d.hash()));
                        })
                    .exceptionally(Problems::fromThrowable)));
  }

  private Route delete(Principal caller, Map<String, String> vars) {
    return completeWithFuture(
        java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                  String name = vars.get("workflow");
                  boolean removed = workflows.remove(caller.tenant(), name);
                  return Json.response(
                      StatusCodes.OK, Map.of("status", removed ? "deleted" : "not-deployed"));
                })
            .exceptionally(Problems::fromThrowable));
  }

  private Route start(Principal caller, Map<String, String> vars) {
    return extractRequest(
        request ->
            completeWithFuture(
                body(request)
                    .thenCompose(
                        bytes -> {
                          JsonNode input =
                              bytes.length == 0
                                  ? Json.MAPPER.createObjectNode()
                                  : Json.read(bytes, "the run's input");
                          return workflows.start(
                              caller.tenant(), vars.get("workflow"), vars.get("run"), input);
                        })
                    .thenApply(s -> Json.response(StatusCodes.ACCEPTED, view(s)))
                    .exceptionally(Problems::fromThrowable)));
  }

  private Route get(Principal caller, Map<String, String> vars) {
    return completeWithFuture(
        workflows
            .get(caller.tenant(), vars.get("workflow"), vars.get("run"))
            .thenApply(
                s ->
                    s.status() == WorkflowRunEntity.Status.NEW
                        ? Problems.notFound("No run '" + vars.get("run") + "'.")
                        : Json.response(StatusCodes.OK, view(s)))
            .exceptionally(Problems::fromThrowable));
  }

  private Route deliver(Principal caller, Map<String, String> vars) {
    return extractRequest(
        request ->
            completeWithFuture(
                body(request)
                    .thenCompose(
                        bytes -> {
                          JsonNode event = EventBodies.check(Json.read(bytes, "the event"), true);
                          return workflows.deliver(
                              caller.tenant(), vars.get("workflow"), vars.get("run"), event);
                        })
                    .thenApply(
                        d -> Json.response(StatusCodes.ACCEPTED, Map.of("status", "delivered")))
                    .exceptionally(Problems::fromThrowable)));
  }

  private Route cancel(Principal caller, Map<String, String> vars) {
    return completeWithFuture(
        workflows
            .cancel(caller.tenant(), vars.get("workflow"), vars.get("run"), caller.keyId())
            .thenApply(d -> Json.response(StatusCodes.OK, Map.of("status", "cancelled")))
            .exceptionally(Problems::fromThrowable));
  }

  private static Map<String, Object> view(WorkflowRunEntity.State s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", s.status().name().toLowerCase(Locale.ROOT));
    m.put("definitionHash", s.definitionVersion());
    m.put("effects", new java.util.TreeMap<>(s.effects()).keySet());
    m.put("output", parse(s.output()));
    m.put("error", parse(s.error()));
    return m;
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
