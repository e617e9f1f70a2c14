package io.tramontane.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tramontane.agents.Agents;
import io.tramontane.agents.definition.AgentDefinition;
import io.tramontane.agents.session.SessionEvents;
import io.tramontane.agents.tool.Citation;
import io.tramontane.core.InvalidRequestException;
import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The agents API: list and define agents, talk to a session, read it, decide on approvals, cancel.
 * The tenant is the API key's; the principals a message carries are those of the user the calling
 * application acts for, and bound what the agent's tools can read.
 */
final class AgentRoutes extends AllDirectives {

  static final String SCOPE_READ = "agents:read";
  static final String SCOPE_WRITE = "agents:write";
  static final String SCOPE_USE = "agents:use";
  static final String SCOPE_APPROVE = "agents:approve";

  private static final int MAX_BODY = 256 * 1024;

  private final Agents agents;
  private final Materializer materializer;
  private final long bodyTimeoutMillis;

  AgentRoutes(Agents agents, Materializer materializer, long bodyTimeoutMillis) {
    this.agents = agents;
    this.materializer = materializer;
    this.bodyTimeoutMillis = bodyTimeoutMillis;
  }

  void register(RouteTable table) {
    table
        .add("GET", "/agents", RouteTable.Access.API_KEY, SCOPE_READ, this::list)
        .add("PUT", "/agents/{agent}", RouteTable.Access.API_KEY, SCOPE_WRITE, this::define)
        .add(
            "POST",
            "/agents/{agent}/sessions/{session}/messages",
            RouteTable.Access.API_KEY,
            SCOPE_USE,
            this::message)
        .add(
            "GET",
            "/agents/{agent}/sessions/{session}",
            RouteTable.Access.API_KEY,
            SCOPE_USE,
            this::session)
        .add(
            "GET",
            "/agents/{agent}/sessions/{session}/events",
            RouteTable.Access.API_KEY,
            SCOPE_USE,
            this::events)
        .add(
            "POST",
            "/agents/{agent}/sessions/{session}/decisions",
            RouteTable.Access.API_KEY,
            SCOPE_APPROVE,
            this::decide)
        .add(
            "POST",
            "/agents/{agent}/sessions/{session}/cancel",
            RouteTable.Access.API_KEY,
            SCOPE_USE,
            this::cancel);
  }

  private Route list(Principal caller, Map<String, String> vars) {
    List<Map<String, Object>> list =
        agents.catalog().all().stream()
            .map(
                d -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("name", d.name());
                  m.put("description", d.description());
                  m.put("model", d.model());
                  m.put("tools", d.tools());
                  m.put("collections", d.collections());
                  m.put("approval", d.approval());
                  m.put("version", d.version());
                  return m;
                })
            .toList();
    return complete(Json.response(StatusCodes.OK, Map.of("agents", list)));
  }

  private CompletionStage<byte[]> body(org.apache.pekko.http.javadsl.model.HttpRequest request) {
    return Bodies.strict(request, MAX_BODY, bodyTimeoutMillis, materializer);
  }

  private Route define(Principal caller, Map<String, String> vars) {
    return extractRequest(
        request ->
            completeWithFuture(
                body(request)
                    .thenApply(
                        bytes -> {
                          AgentDefinition d =
                              agents.define("PUT /agents/" + vars.get("agent"), bytes);
                          if (!d.name().equals(vars.get("agent"))) {
                            throw new InvalidRequestException(
                                "the definition's name '"
                                    + d.name()
                                    + "' differs from the path's '"
                                    + vars.get("agent")
                                    + "'.");
                          }
                          return Json.response(
                              StatusCodes.OK, Map.of("name", d.name(), "version", d.version()));
                        })
                    .exceptionally(Problems::fromThrowable)));
  }

  private static JsonNode object(byte[] bytes, Set<String> fields) {
    JsonNode body;
    try {
      body = Json.MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new InvalidRequestException("the body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidRequestException("the body cannot be read: " + e.getMessage());
    }
    if (body == null || !body.isObject()) {
      throw new InvalidRequestException("the body must be a JSON object.");
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if ("tenant".equals(f)) {
        throw new InvalidRequestException(
            "the field 'tenant' is not accepted: the tenant is the API key's.");
      }
      if (!fields.contains(f)) {
        throw new InvalidRequestException(
            "unknown field '" + f + "'; accepted: " + fields.stream().sorted().toList() + ".");
      }
    }
    return body;
  }

  private Route message(Principal caller, Map<String, String> vars) {
    return extractRequest(
        request ->
            completeWithFuture(
                body(request)
                    .thenCompose(
                        bytes -> {
                          JsonNode b = object(bytes, Set.of("text", "principals", "wait"));
                          JsonNode text = b.get("text");
                          if (text == null || !text.isTextual()) {
                            throw new InvalidRequestException("'text' must be a string.");
                          }
                          Set<String> principals = new LinkedHashSet<>();
                          JsonNode ps = b.get("principals");
                          if (ps != null) {
                            if (!ps.isArray()) {
                              throw new InvalidRequestException(
                                  "'principals' must be an array of strings.");
                            }
                            ps.forEach(p -> principals.add(p.asText()));
                          }
                          boolean wait = b.path("wait").asBoolean(true);
                          String agent = vars.get("agent");
                          String session = vars.get("session");
                          if (!wait) {
                            return agents
                                .send(caller.tenant(), agent, session, text.asText(), principals)
                                .thenApply(
                                    t ->
                                        Json.response(
                                            StatusCodes.ACCEPTED,
                                            Map.of("turn", t.turn(), "status", "working")));
                          }
                          return agents
                              .ask(caller.tenant(), agent, session, text.asText(), principals)
                              .thenApply(AgentRoutes::answer);
                        })
                    .exceptionally(Problems::fromThrowable)));
  }

  private static HttpResponse answer(Agents.Answer a) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("turn", a.turn());
    if (a.awaitingApproval()) {
      body.put("status", "awaiting-approval");
      body.put("pending", a.keys());
      return Json.response(StatusCodes.ACCEPTED, body);
    }
    body.put("status", "answered");
    body.put("answer", a.text());
    body.put("citations", citations(a.citations()));
    return Json.response(StatusCodes.OK, body);
  }

  private static List<Map<String, Object>> citations(List<Citation> cs) {
    return cs.stream()
        .map(
            c -> {
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("documentId", c.documentId());
              m.put("title", c.title());
              m.put("sourceUri", c.sourceUri());
              m.put("section", c.section());
              m.put("page", c.page());
              return m;
            })
        .toList();
  }

  private Route session(Principal caller, Map<String, String> vars) {
    CompletionStage<HttpResponse> r =
        agents
            .get(caller.tenant(), vars.get("agent"), vars.get("session"))
            .thenApply(
                s -> {
                  if (s.turn() == 0) {
                    return Problems.notFound("No session '" + vars.get("session") + "' yet.");
                  }
                  Map<String, Object> body = new LinkedHashMap<>();
                  body.put("agent", s.agent());
                  body.put("agentVersion", s.agentVersion());
                  body.put("turn", s.turn());
                  body.put("phase", s.phase().name().toLowerCase(Locale.ROOT));
                  body.put(
                      "pending",
                      s.pending().stream()
                          .map(
                              p ->
                                  Map.of(
                                      "key", p.key(),
                                      "tool", p.tool(),
                                      "arguments", p.arguments(),
                                      "status", p.status().name().toLowerCase(Locale.ROOT)))
                          .toList());
                  body.put("steps", s.transcript().stream().map(AgentRoutes::step).toList());
                  return Json.response(StatusCodes.OK, body);
                })
            .exceptionally(Problems::fromThrowable);
    return completeWithFuture(r);
  }

  /** One persisted step, for the session view. */
  private static Map<String, Object> step(SessionEvents.Event e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("turn", e.turn());
    m.put("type", e.getClass().getSimpleName());
    switch (e) {
      case SessionEvents.MessageReceived x -> m.put("text", x.text());
      case SessionEvents.ModelAnswered x -> {
        m.put("text", x.text());
        m.put("calls", x.calls().stream().map(SessionEvents.RequestedCall::tool).toList());
      }
      case SessionEvents.ToolCallRequested x -> {
        m.put("key", x.key());
        m.put("tool", x.tool());
      }
      case SessionEvents.ToolCallDenied x -> {
        m.put("key", x.key());
        m.put("reason", x.reason());
      }
      case SessionEvents.AnswerProduced x -> {
        m.put("text", x.text());
        m.put("citations", citations(x.citations()));
      }
      case SessionEvents.BudgetExceeded x -> {
        m.put("limit", x.limit());
        m.put("detail", x.detail());
      }
      case SessionEvents.ToolCallCompleted x -> {
        m.put("key", x.key());
        m.put("citations", x.result().citations().size());
      }
      case SessionEvents.ToolCallFailed x -> {
        m.put("key", x.key());
        m.put("error", x.error());
      }
      case SessionEvents.ToolCallAbandoned x -> {
        m.put("key", x.key());
        m.put("reason", x.reason());
      }
      case SessionEvents.ApprovalRequested x -> {
        m.put("key", x.key());
        m.put("tool", x.tool());
      }
      case SessionEvents.ApprovalGranted x -> {
        m.put("key", x.key());
        m.put("by", x.by());
      }
      case SessionEvents.ApprovalDenied x -> {
        m.put("key", x.key());
        m.put("by", x.by());
        m.put("reason", x.reason());
      }
      case SessionEvents.TurnCancelled x -> m.put("by", x.by());
      default -> {}
    }
    return m;
  }

  /**
   * Server-sent events: every persisted step of the session, from the journal, then live. Each
   * event's id is its sequence number; a client resumes with {@code Last-Event-ID}.
   */
  private Route events(Principal caller, Map<String, String> vars) {
    return extractRequest(
        request -> {
          long after =
              request
                  .getHeader("Last-Event-ID")
                  .map(h -> h.value().strip())
                  .filter(v -> v.matches("\\d{1,18}"))
                  .map(Long::parseLong)
                  .orElse(0L);
          String agent = vars.get("agent");
          String session = vars.get("session");
          return onSuccess(
              agents.get(caller.tenant(), agent, session),
              state -> {
                if (state.turn() == 0) {
                  return complete(Problems.notFound("No session '" + session + "' yet."));
                }
                Source<ServerSentEvent, NotUsed> stream =
                    agents
                        .steps(caller.tenant(), agent, session, after)
                        .map(
                            step ->
                                ServerSentEvent.create(
                                    Json.MAPPER.writeValueAsString(step(step.event())),
                                    Optional.of(step.event().getClass().getSimpleName()),
                                    Optional.of(Long.toString(step.sequenceNr())),
                                    OptionalInt.empty()))
                        .keepAlive(Duration.ofSeconds(15), ServerSentEvent::heartbeat);
                return completeOK(stream, EventStreamMarshalling.toEventStream());
              });
        });
  }

  private Route decide(Principal caller, Map<String, String> vars) {
    return extractRequest(
        request ->
            completeWithFuture(
                body(request)
                    .thenCompose(
                        bytes -> {
                          JsonNode b = object(bytes, Set.of("key", "approve", "reason"));
                          decisionField("key", b.path("key").isTextual(), "a pending call's key");
                          decisionField("approve", b.path("approve").isBoolean(), "true or false");
                          if (b.has("reason") && !b.get("reason").isTextual()) {
                            throw new InvalidRequestException("'reason' must be a string.");
                          }
                          return agents.decide(
                              caller.tenant(),
                              vars.get("agent"),
                              vars.get("session"),
                              b.get("key").asText(),
                              b.get("approve").asBoolean(),
                              caller.keyId(),
                              b.path("reason").asText(null));
                        })
                    .thenApply(d -> Json.response(StatusCodes.OK, Map.of("status", "recorded")))
                    .exceptionally(Problems::fromThrowable)));
  }

  private static void decisionField(String field, boolean valid, String what) {
    if (!valid) {
      throw new InvalidRequestException(
          "'"
              + field
              + "' must be "
              + what
              + ": send {\"key\": \"<pending key>\", \"approve\": true|false}.");
    }
  }

  private Route cancel(Principal caller, Map<String, String> vars) {
    return completeWithFuture(
        agents
            .cancel(caller.tenant(), vars.get("agent"), vars.get("session"), caller.keyId())
            .thenApply(d -> Json.response(StatusCodes.OK, Map.of("status", "cancelled")))
            .exceptionally(Problems::fromThrowable));
  }
}
