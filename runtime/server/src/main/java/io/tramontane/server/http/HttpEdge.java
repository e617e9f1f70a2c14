package io.tramontane.server.http;

import io.tramontane.core.NotFoundException;
import io.tramontane.core.audit.Audit;
import io.tramontane.core.error.ErrorKind;
import io.tramontane.core.system.ClusterStatus;
import io.tramontane.core.system.TramontaneSystem;
import io.tramontane.intake.DeliveryEntity;
import io.tramontane.intake.WebhookIntake;
import io.tramontane.intake.signature.SignatureScheme;
import io.tramontane.intake.signature.TriggerSettings;
import io.tramontane.intake.signature.Verification;
import io.tramontane.server.http.body.NodeBodies;
import io.tramontane.server.http.body.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API. Requests are dispatched through the {@link RouteTable}, which applies each route's
 * access policy first; failures become RFC 7807 problems in {@link Problems}.
 */
public final class HttpEdge extends AllDirectives {

  public static final String SCOPE_DELIVERIES_READ = "deliveries:read";
  public static final String SCOPE_TRIGGERS_READ = "triggers:read";
  public static final String SCOPE_CLUSTER_READ = "cluster:read";

  /** How long {@code GET /cluster} waits for every node's shard regions to report. */
  static final java.time.Duration CLUSTER_STATS_TIMEOUT = java.time.Duration.ofSeconds(3);

  private static final Logger LOG = LoggerFactory.getLogger(HttpEdge.class);

  private final TramontaneSystem node;
  private final WebhookIntake intake;
  private final ApiKeys apiKeys;
  private final RequestBodies bodies;
  private final RouteTable table = new RouteTable();

  public HttpEdge(NodeModules modules, ApiKeys apiKeys) {
    TramontaneSystem node = modules.node();
    this.node = node;
    this.intake = modules.intake();
    this.apiKeys = apiKeys;
    Materializer materializer = Materializer.matFromSystem(node.system());
    this.bodies =
        new RequestBodies(
            Bodies.serverCap(materializer),
            node.system()
                .settings()
                .config()
                .getDuration("pekko.http.server.request-timeout")
                .toMillis(),
            materializer);
    table
        .add("GET", "/health", RouteTable.Access.PUBLIC, null, this::health)
        .add("GET", "/ready", RouteTable.Access.PUBLIC, null, this::ready)
        .add("POST", "/hooks/{trigger}", RouteTable.Access.SIGNED, null, this::receiveWebhook)
        .key("GET", "/hooks/{trigger}/deliveries/{id}", SCOPE_DELIVERIES_READ, this::deliveryStatus)
        .key("GET", "/triggers", SCOPE_TRIGGERS_READ, this::triggers)
        .key("GET", "/cluster", SCOPE_CLUSTER_READ, this::cluster);
    new RetrievalRoutes(modules.retrieval(), bodies).register(table);
    new AgentRoutes(
            modules.agents(),
            bodies,
            node.system().settings().config().getDuration("tramontane.agents.message-wait"))
        .register(table);
    new WorkflowRoutes(modules.workflows(), bodies).register(table);
    new EventRoutes(modules.workflows(), bodies).register(table);
    new ConnectorRoutes(modules.connectors(), bodies).register(table);
    for (RouteTable.Spec spec : table.specs()) {
      if (spec.scope() != null && !Scopes.ALL.contains(spec.scope())) {
        throw new IllegalStateException(
            spec.method()
                + " "
                + spec.template()
                + " asks for "
                + spec.scope()
                + ", not in Scopes.ALL");
      }
    }
  }

  /** Every route with its access policy (for documentation and the route-coverage test). */
  public List<RouteTable.Spec> routes() {
    return table.specs();
  }

  public Route route() {
    ExceptionHandler errors =
        ExceptionHandler.newBuilder()
            .match(Throwable.class, e -> complete(Problems.fromThrowable(e)))
            .build();
    return handleExceptions(errors, () -> extractRequest(this::refuseOversizedOrDispatch));
  }

  /**
   * A body declared larger than the server's cap is refused here, for every route, before the
   * route, its credentials or its body are looked at; bodies of unknown length are held to the same
   * cap as they are read ({@link Bodies}).
   */
  private Route refuseOversizedOrDispatch(HttpRequest request) {
    OptionalLong declared = request.entity().getContentLengthOption();
    long cap = bodies.limit();
    if (declared.isPresent() && declared.getAsLong() > cap) {
      return completeWithFuture(
          Bodies.discard(request, bodies.timeoutMillis(), bodies.materializer())
              .thenApply(read -> Problems.tooLargeForTheServer(cap)));
    }
    return dispatch(request);
  }

  private Route dispatch(HttpRequest request) {
    String method = request.method().value();
    String path = request.getUri().path();
    return switch (table.match(method, path)) {
      case RouteTable.NoRoute none ->
          complete(Problems.notFound("There is no route " + path + "."));
      case RouteTable.WrongMethod wrong ->
          complete(
              Problems.of(
                      StatusCodes.METHOD_NOT_ALLOWED,
                      "Method Not Allowed",
                      path + " accepts " + String.join(", ", wrong.allowed()) + ".")
                  .addHeader(RawHeader.create("Allow", String.join(", ", wrong.allowed()))));
      case RouteTable.Found found -> authorize(request, found);
    };
  }

  private Route authorize(HttpRequest request, RouteTable.Found found) {
    RouteTable.Spec spec = found.entry().spec();
    if (spec.access() != RouteTable.Access.API_KEY) {
      return found.entry().handler().apply(Principal.ANONYMOUS, found.variables());
    }
    Optional<String> token =
        request
            .getHeader("Authorization")
            .map(HttpHeader::value)
            .filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7))
            .map(v -> v.substring(7).strip());
    if (token.isEmpty()) {
      return complete(
          Problems.unauthorized(
              "This route needs an API key: send the header 'Authorization: Bearer <key>'."));
    }
    Optional<Principal> principal = apiKeys.authenticate(token.get());
    if (principal.isEmpty()) {
      Audit.refused(
          "api-key rejected", Audit.field("route", spec.method() + " " + spec.template()));
      return complete(Problems.unauthorized("The API key is not valid."));
    }
    if (spec.scope() != null && !principal.get().has(spec.scope())) {
      Audit.refused(
          "scope missing",
          Audit.field("key", principal.get().keyId()),
          Audit.field("scope", spec.scope()),
          Audit.field("route", spec.method() + " " + spec.template()));
      return complete(
          Problems.forbidden(
              "The API key '"
                  + principal.get().keyId()
                  + "' lacks the scope '"
                  + spec.scope()
                  + "' this route needs."));
    }
    return found.entry().handler().apply(principal.get(), found.variables());
  }

  private Route health(Principal caller, Map<String, String> vars) {
    return Replies.now(new Status("up"));
  }

  private Route ready(Principal caller, Map<String, String> vars) {
    CompletionStage<HttpResponse> response =
        node.readiness()
            .thenApply(
                r ->
                    Json.response(
                        r.ready() ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE,
                        new NodeBodies.Readiness(r.ready() ? "ready" : "not-ready", r.checks())))
            .exceptionally(Problems::fromThrowable);
    return completeWithFuture(response);
  }

  /**
   * {@code GET /cluster}: the members as this node sees them, the leader and the oldest member, and
   * the shards and live entities of every entity type on every node. Operators' data, not a
   * tenant's: any key with {@code cluster:read} may read it, so give that scope to operators' keys
   * only.
   */
  private Route cluster(Principal caller, Map<String, String> vars) {
    return Replies.ok(
        ClusterStatus.of(node.system(), CLUSTER_STATS_TIMEOUT), NodeBodies.Cluster::of);
  }

  private Route receiveWebhook(Principal caller, Map<String, String> vars) {
    String name = vars.get("trigger");
    Optional<TriggerSettings> found = intake.trigger(name);
    if (found.isEmpty()) {
      return complete(
          Problems.notFound(
              "No trigger named '" + name + "' is configured (tramontane.intake.triggers)."));
    }
    TriggerSettings trigger = found.get();
    return bodies
        .upTo(trigger.maxBodyBytes())
        .answer(
            (request, bytes) -> {
              // Every copy of every header: the intake refuses one it reads that came twice.
              List<Map.Entry<String, String>> headers = new ArrayList<>();
              for (HttpHeader h : request.getHeaders()) {
                headers.add(Map.entry(h.lowercaseName(), h.value()));
              }
              headers.add(Map.entry("content-type", request.entity().getContentType().toString()));
              return intake
                  .receive(trigger, headers, bytes)
                  .thenApply(outcome -> webhookResponse(trigger, outcome));
            });
  }

  private HttpResponse webhookResponse(TriggerSettings trigger, WebhookIntake.Outcome outcome) {
    return switch (outcome) {
      case WebhookIntake.Accepted(DeliveryEntity.Accepted a) -> {
        yield Json.response(
            a.duplicate() ? StatusCodes.OK : StatusCodes.ACCEPTED,
            new NodeBodies.HookAccepted(
                a.deliveryId(),
                a.trigger(),
                "accepted",
                a.duplicate(),
                a.acceptedAt(),
                "/hooks/" + a.trigger() + "/deliveries/" + a.deliveryId()));
      }
      case WebhookIntake.Refused(Verification.Rejected r) -> {
        Audit.refused(
            "webhook refused",
            Audit.field("trigger", trigger.name()),
            Audit.field("reason", r.reason()),
            Audit.field("detail", r.detail()));
        yield r.reason() == Verification.Reason.MALFORMED
            ? Problems.of(ErrorKind.INVALID, null, r.detail())
            : Problems.unauthorized("Signature check failed: " + r.detail() + ".");
      }
    };
  }

  private Route deliveryStatus(Principal caller, Map<String, String> vars) {
    String name = vars.get("trigger");
    String id = vars.get("id");
    Optional<TriggerSettings> trigger = intake.trigger(name);
    // Another tenant's trigger answers like one that does not exist: its name is not revealed.
    if (trigger.isPresent() && !trigger.get().tenant().equals(caller.tenant())) {
      Audit.refused(
          "tenant denied", Audit.field("key", caller.keyId()), Audit.field("trigger", name));
      trigger = Optional.empty();
    }
    if (trigger.isEmpty()) {
      return complete(
          Problems.notFound(
              "No trigger named '" + name + "' is configured for this API key's tenant."));
    }
    if (!SignatureScheme.DELIVERY_ID.matcher(id).matches()) {
      return complete(Problems.notFound("No delivery '" + id + "' on trigger '" + name + "'."));
    }
    return Replies.ok(
        intake.status(name, id),
        s -> {
          if (!s.found()) {
            throw new NotFoundException(
                "No delivery '" + id + "' has been accepted on trigger '" + name + "'.");
          }
          return new NodeBodies.Delivery(
              s.deliveryId(), s.trigger(), s.tenant(), s.state(), s.acceptedAt(), s.payloadBytes());
        });
  }

  private Route triggers(Principal caller, Map<String, String> vars) {
    List<NodeBodies.Trigger> list =
        intake.triggers().values().stream()
            .filter(t -> t.tenant().equals(caller.tenant()))
            .map(
                t ->
                    new NodeBodies.Trigger(
                        t.name(), t.schemeName(), t.maxBodyBytes(), "/hooks/" + t.name()))
            .toList();
    return Replies.now(new NodeBodies.TriggerList(list));
  }
}
