package io.tramontane.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tramontane.agents.Agents;
import io.tramontane.agents.definition.AgentDefinition;
import io.tramontane.agents.session.AgentSessionEntity;
import io.tramontane.agents.session.SessionEvents;
import io.tramontane.agents.session.WellFormedText;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
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

  /**
   * How long {@code "wait": true} waits for a turn: {@code tramontane.agents.message-wait}, but
   * always a quarter (at least 1 s) below the server's request timeout, so the client gets the
   * answer or a 202 pointing at the session, never the timeout.
   */
  private final Duration messageWait;

  AgentRoutes(
      Agents agents, Materializer materializer, long bodyTimeoutMillis, Duration messageWait) {
    this.agents = agents;
    this.materializer = materializer;
    this.bodyTimeoutMillis = bodyTimeoutMillis;
    this.messageWait = messageWait(messageWait, Duration.ofMillis(bodyTimeoutMillis));
  }

  static Duration messageWait(Duration configured, Duration requestTimeout) {
    Duration margin = requestTimeout.dividedBy(4);
    if (margin.compareTo(Duration.ofSeconds(1)) < 0) {
      margin = Duration.ofSeconds(1);
    }
    Duration bound = requestTimeout.minus(margin);
    Duration wait = configured.compareTo(bound) < 0 ? configured : bound;
    return wait.isNegative() ? Duration.ZERO : wait;
  }

  void register(RouteTable table) {
    table
        .add("GET", "/agents", RouteTable.Access.API_KEY, SCOPE_READ, this::list)
        .add("PUT", "/agents/{agent}", RouteTable.Access.API_KEY, SCOPE_WRITE, this::define)
        .add("DELETE", "/agents/{agent}", RouteTable.Access.API_KEY, SCOPE_WRITE, this::delete)
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
        agents.definitions(caller.tenant()).stream()
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
                          String name = vars.get("agent");
                          // checked whole (the name too) before anything is stored
                          AgentDefinition d =
                              agents.define(caller.tenant(), name, "PUT /agents/" + name, bytes);
                          return Json.response(
                              StatusCodes.OK, Map.of("name", d.name(), "version", d.version()));
                        })
                    .exceptionally(Problems::fromThrowable)));
  }

  private Route delete(Principal caller, Map<String, String> vars) {
    return completeWithFuture(
        java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                  String name = vars.get("agent");
                  boolean removed = agents.remove(caller.tenant(), name);
                  return Json.response(
                      StatusCodes.OK, Map.of("status", removed ? "deleted" : "not-deployed"));
                })
            .exceptionally(Problems::fromThrowable));
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

  /** The longest principal name a message may carry. */
  static final int MAX_PRINCIPAL_CHARS = 256;

  /** The most principals a message may carry. */
  static final int MAX_PRINCIPALS = 256;

  /** An {@code Idempotency-Key}: 1-255 visible ASCII characters, no spaces. */
  private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");

  /**
   * {@code POST /agents/{a}/sessions/{s}/messages}. With {@code "wait": true} (the default) the
   * answer comes within {@link #messageWait}, which is below the server's request timeout: 200 with
   * the answer, 202 when a call waits for a person or the turn still runs (with {@code Location}
   * and the session's event stream to follow), a problem when the model failed. An {@code
   * Idempotency-Key} makes a retry return the first attempt's turn.
   */
  private Route message(Principal caller, Map<String, String> vars) {
    String agent = vars.get("agent");
    String session = vars.get("session");
    return withRequestTimeoutResponse(
        request -> timedOut(agent, session),
        () ->
            extractRequest(
                request ->
                    completeWithFuture(
                        idempotencyKey(request)
                            .thenCompose(key -> body(request).thenApply(b -> Map.entry(key, b)))
                            .thenCompose(
                                kb -> {
                                  Message m = message(kb.getValue());
                                  String key = kb.getKey().orElse(null);
                                  return agents
                                      .send(
                                          caller.tenant(),
                                          agent,
                                          session,
                                          m.text(),
                                          caller.actingAs(m.principals()),
                                          key)
                                      .thenCompose(
                                          t -> {
                                            if (m.waits()) {
                                              return agents.awaitAnswer(
                                                  caller.tenant(),
                                                  agent,
                                                  session,
                                                  t.turn(),
                                                  messageWait);
                                            }
                                            if (t.repeated()) {
                                              return agents
                                                  .get(caller.tenant(), agent, session)
                                                  .thenApply(st -> Agents.answerOf(st, t.turn()));
                                            }
                                            return CompletableFuture.completedFuture(
                                                new Agents.Answer(
                                                    t.turn(),
                                                    "",
                                                    List.of(),
                                                    false,
                                                    List.of(),
                                                    Agents.Outcome.WORKING,
                                                    null,
                                                    List.of()));
                                          })
                                      .thenApply(a -> answer(agent, session, a));
                                })
                            .exceptionally(Problems::fromThrowable))));
  }

  /** A message's body, checked: every mistake is a 400 naming the field. */
  private record Message(String text, Set<String> principals, boolean waits) {}

  private static Message message(byte[] bytes) {
    JsonNode b = object(bytes, Set.of("text", "principals", "wait"));
    JsonNode text = b.get("text");
    if (text == null || !text.isTextual()) {
      throw new InvalidRequestException(
          "'text' is required and must be a string: the user's message (1-"
              + AgentSessionEntity.MAX_MESSAGE_CHARS
              + " characters).");
    }
    AgentSessionEntity.checkMessage(text.asText())
        .ifPresent(
            problem -> {
              throw new InvalidRequestException(problem);
            });
    Set<String> principals = new LinkedHashSet<>();
    JsonNode ps = b.get("principals");
    if (ps != null && !ps.isNull()) {
      if (!ps.isArray()) {
        throw new InvalidRequestException(
            "'principals' must be an array of strings, e.g. [\"alice\", \"group:finance\"].");
      }
      if (ps.size() > MAX_PRINCIPALS) {
        throw new InvalidRequestException(
            "'principals' has " + ps.size() + " entries; at most " + MAX_PRINCIPALS + ".");
      }
      for (int i = 0; i < ps.size(); i++) {
        JsonNode p = ps.get(i);
        if (!p.isTextual()
            || p.asText().isBlank()
            || p.asText().length() > MAX_PRINCIPAL_CHARS
            || WellFormedText.loneSurrogate(p.asText()) >= 0) {
          throw new InvalidRequestException(
              "'principals["
                  + i
                  + "]' must be a non-empty string of at most "
                  + MAX_PRINCIPAL_CHARS
                  + " well-formed characters; 'principals' is an array of strings.");
        }
        principals.add(p.asText());
      }
    }
    JsonNode wait = b.get("wait");
    if (wait != null && !wait.isBoolean()) {
      throw new InvalidRequestException(
          "'wait' must be true (answer within the request, the default) or false (202 at once).");
    }
    return new Message(text.asText(), principals, wait == null || wait.asBoolean());
  }

  /** The request's {@code Idempotency-Key}, checked; a failed stage (400) when it is malformed. */
  private static CompletionStage<Optional<String>> idempotencyKey(
      org.apache.pekko.http.javadsl.model.HttpRequest request) {
    List<String> values = new java.util.ArrayList<>();
    request
        .getHeaders()
        .forEach(
            h -> {
              if (h.is("idempotency-key")) {
                values.add(h.value());
              }
            });
    if (values.isEmpty()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    if (values.size() > 1 || !IDEMPOTENCY_KEY.matcher(values.getFirst()).matches()) {
      return CompletableFuture.failedFuture(
          new InvalidRequestException(
              "the Idempotency-Key header must appear once, with 1-255 visible ASCII characters"
                  + " and no spaces (a UUID is a good key)."));
    }
    return CompletableFuture.completedFuture(Optional.of(values.getFirst()));
  }

  private static String sessionPath(String agent, String session) {
    return "/agents/" + agent + "/sessions/" + session;
  }

  /** The request timeout struck anyway (a stuck node): a problem, never pekko's text/plain. */
  private static HttpResponse timedOut(String agent, String session) {
    return Problems.of(
            StatusCodes.SERVICE_UNAVAILABLE,
            "Service Unavailable",
            "The server did not answer within its request timeout. A message may still have"
                + " started a turn: follow GET "
                + sessionPath(agent, session)
                + " before sending it again, and send messages with an Idempotency-Key so a"
                + " retry cannot start a second turn.")
        .addHeader(RawHeader.create("Retry-After", "5"));
  }

  private static HttpResponse answer(String agent, String session, Agents.Answer a) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("turn", a.turn());
    String path = sessionPath(agent, session);
    switch (a.outcome()) {
      case FAILED -> {
        SessionEvents.ModelCallFailed f = a.failure();
        StatusCode status =
            switch (f.kind()) {
              case "timed-out" -> StatusCodes.GATEWAY_TIMEOUT;
              case "rate-limited" -> StatusCodes.SERVICE_UNAVAILABLE;
              default -> StatusCodes.BAD_GATEWAY;
            };
        HttpResponse r =
            Problems.of(
                status,
                "Language Model Failed",
                "The language model '"
                    + f.model()
                    + "' could not answer: "
                    + f.detail()
                    + ". Turn "
                    + a.turn()
                    + " ended without an answer; send the message again later.",
                Map.of("turn", a.turn(), "kind", f.kind(), "session", path));
        return "rate-limited".equals(f.kind())
            ? r.addHeader(RawHeader.create("Retry-After", "30"))
            : r;
      }
      case CANCELLED -> {
        return Problems.of(
            StatusCodes.CONFLICT,
            "Turn Cancelled",
            "Turn " + a.turn() + " was cancelled before it answered." + unknownSentence(a),
            Map.of(
                "turn", a.turn(), "session", path, "outcomeUnknown", unknown(a.outcomeUnknown())));
      }
      case AWAITING_APPROVAL -> {
        body.put("status", "awaiting-approval");
        body.put("pending", a.keys());
        links(body, path);
        return Json.response(StatusCodes.ACCEPTED, body)
            .addHeader(RawHeader.create("Location", path));
      }
      case WORKING -> {
        body.put("status", "working");
        links(body, path);
        return Json.response(StatusCodes.ACCEPTED, body)
            .addHeader(RawHeader.create("Location", path));
      }
      case EARLIER -> {
        body.put("status", "ended");
        body.put("detail", a.text());
        links(body, path);
        return Json.response(StatusCodes.OK, body);
      }
      case ANSWERED, BUDGET_EXCEEDED -> {
        body.put("status", a.outcome() == Agents.Outcome.ANSWERED ? "answered" : "budget-exceeded");
        body.put("answer", a.text());
        body.put("citations", citations(a.citations()));
        if (!a.outcomeUnknown().isEmpty()) {
          body.put("outcomeUnknown", unknown(a.outcomeUnknown()));
        }
        return Json.response(StatusCodes.OK, body);
      }
      default -> throw new IllegalStateException("outcome " + a.outcome());
    }
  }

  private static void links(Map<String, Object> body, String path) {
    body.put("session", path);
    body.put("events", path + "/events");
  }

  private static String unknownSentence(Agents.Answer a) {
    return unknownSentence(a.outcomeUnknown());
  }

  private static String unknownSentence(List<SessionEvents.ToolCallOutcomeUnknown> calls) {
    StringBuilder b = new StringBuilder();
    for (SessionEvents.ToolCallOutcomeUnknown u : calls) {
      b.append(" The call to ")
          .append(u.tool())
          .append(" (key ")
          .append(u.key())
          .append(") was issued and had not answered: its ")
          .append(SessionEvents.ToolCallOutcomeUnknown.OUTCOME_UNKNOWN)
          .append("; check before repeating it.");
    }
    return b.toString();
  }

  private static List<Map<String, Object>> unknown(List<SessionEvents.ToolCallOutcomeUnknown> us) {
    return us.stream()
        .map(
            u -> {
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("key", u.key());
              m.put("tool", u.tool());
              m.put("reason", u.reason());
              return m;
            })
        .toList();
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
      case SessionEvents.ToolCallOutcomeUnknown x -> {
        m.put("key", x.key());
        m.put("tool", x.tool());
        m.put("reason", x.reason());
      }
      case SessionEvents.ModelCallFailed x -> {
        m.put("model", x.model());
        m.put("kind", x.kind());
        m.put("detail", x.detail());
      }
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
    String agent = vars.get("agent");
    String session = vars.get("session");
    return withRequestTimeoutResponse(
        request -> timedOut(agent, session),
        () ->
            completeWithFuture(
                agents
                    .cancel(caller.tenant(), agent, session, caller.keyId())
                    .thenApply(
                        c -> {
                          Map<String, Object> body = new LinkedHashMap<>();
                          body.put("status", "cancelled");
                          body.put("turn", c.turn());
                          body.put("outcomeUnknown", unknown(c.outcomeUnknown()));
                          if (!c.outcomeUnknown().isEmpty()) {
                            body.put("detail", unknownSentence(c.outcomeUnknown()).strip());
                          }
                          return Json.response(StatusCodes.OK, body);
                        })
                    .exceptionally(Problems::fromThrowable)));
  }
}
