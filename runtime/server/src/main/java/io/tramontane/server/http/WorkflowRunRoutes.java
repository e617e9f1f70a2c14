package io.tramontane.server.http;

import io.tramontane.core.InvalidRequestException;
import io.tramontane.core.NotFoundException;
import io.tramontane.server.http.body.WorkflowBodies.RunList;
import io.tramontane.server.http.body.WorkflowBodies.RunSummary;
import io.tramontane.workflows.node.WorkflowRuns;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Reading runs: the runs of a workflow, and a run's events as server-sent events (recorded, then
 * live until the run ends). Runs are the API key's tenant's; another tenant's runs are invisible.
 */
final class WorkflowRunRoutes extends AllDirectives {

  static final int DEFAULT_LIMIT = 50;

  private final WorkflowRuns runs;

  WorkflowRunRoutes(WorkflowRuns runs) {
    this.runs = runs;
  }

  void register(RouteTable table) {
    table
        .key("GET", "/workflows/{workflow}/runs", WorkflowRoutes.SCOPE_READ, this::list)
        .key(
            "GET",
            "/workflows/{workflow}/runs/{run}/stream",
            WorkflowRoutes.SCOPE_READ,
            this::stream);
  }

  private static Optional<String> query(HttpRequest request, String name) {
    return request.getUri().query().get(name);
  }

  private static long number(String name, String value, long max) {
    if (!value.strip().matches("\\d{1,18}") || Long.parseLong(value.strip()) > max) {
      throw new InvalidRequestException(
          "'" + name + "' must be a whole number up to " + max + ", not '" + value + "'.");
    }
    return Long.parseLong(value.strip());
  }

  /** {@code ?limit=} (default 50, at most 500) and {@code ?after=<run>} (the previous page). */
  private Route list(Principal caller, Map<String, String> vars) {
    return extractRequest(
        request -> {
          int limit =
              query(request, "limit")
                  .map(v -> number("limit", v, WorkflowRuns.MAX_LIMIT))
                  .orElse((long) DEFAULT_LIMIT)
                  .intValue();
          String after = query(request, "after").filter(v -> !v.isBlank()).orElse(null);
          return Replies.ok(
              runs.list(caller.tenant(), vars.get("workflow"), limit, after),
              page ->
                  new RunList(
                      vars.get("workflow"),
                      page.runs().stream().map(RunSummary::of).toList(),
                      page.next()));
        });
  }

  /**
   * Server-sent events: the run's events from the journal, then live until the run ends, when the
   * stream ends too. Each event's id is its sequence number; a client resumes after it with {@code
   * Last-Event-ID} (or {@code ?after=}). {@code ?follow=false} sends what is recorded and ends.
   */
  private Route stream(Principal caller, Map<String, String> vars) {
    return extractRequest(
        request -> {
          long after = EventStreams.resumeAfter(request, query(request, "after"));
          String follow = query(request, "follow").orElse("true");
          if (!follow.equals("true") && !follow.equals("false")) {
            throw new InvalidRequestException("'follow' is true or false, not '" + follow + "'.");
          }
          String run = vars.get("run");
          return onSuccess(
              runs.events(caller.tenant(), vars.get("workflow"), run, after, follow.equals("true")),
              found -> {
                if (found.isEmpty()) {
                  throw new NotFoundException("No run '" + run + "'.");
                }
                return EventStreams.complete(
                    found
                        .get()
                        .map(e -> EventStreams.event(e.json().toString(), e.type(), e.seq())));
              });
        });
  }
}
