package io.tramontane.server.http;

import io.tramontane.agents.Agents;
import io.tramontane.core.InvalidRequestException;
import io.tramontane.core.NotFoundException;
import io.tramontane.core.error.ErrorKind;
import io.tramontane.server.http.body.AgentBodies.TurnCancelled;
import io.tramontane.server.http.body.AgentBodies.UnknownOutcome;
import io.tramontane.server.http.body.SessionBodies.DecisionRequest;
import io.tramontane.server.http.body.SessionBodies.MessageRequest;
import io.tramontane.server.http.body.SessionBodies.PendingCall;
import io.tramontane.server.http.body.SessionBodies.SessionStep;
import io.tramontane.server.http.body.SessionBodies.SessionView;
import io.tramontane.server.http.body.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * An agent's sessions: talk to a session, read it and follow its events, decide on approvals,
 * cancel a turn. The principals a message carries are those of the user the calling application
 * acts for, and bound what the agent's tools can read.
 */
final class SessionRoutes extends AllDirectives {

  /** An {@code Idempotency-Key}: 1-255 visible ASCII characters, no spaces. */
  private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");

  private final Agents agents;
  private final RequestBodies bodies;

  /**
   * How long {@code "wait": true} waits for a turn: {@code tramontane.agents.message-wait}, but
   * always a quarter (at least 1 s) below the server's request timeout, so the client gets the
   * answer or a 202 pointing at the session, never the timeout.
   */
  private final Duration messageWait;

  /** {@code bodies}: the agents' body reading (their limit). */
  SessionRoutes(Agents agents, RequestBodies bodies, Duration messageWait) {
    this.agents = agents;
    this.bodies = bodies;
    this.messageWait = messageWait(messageWait, Duration.ofMillis(bodies.timeoutMillis()));
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
    String session = "/agents/{agent}/sessions/{session}";
    table
        .key("POST", session + "/messages", AgentRoutes.SCOPE_USE, this::message)
        .key("GET", session, AgentRoutes.SCOPE_USE, this::session)
        .key("GET", session + "/events", AgentRoutes.SCOPE_USE, this::events)
        .key("POST", session + "/decisions", AgentRoutes.SCOPE_APPROVE, this::decide)
        .key("POST", session + "/cancel", AgentRoutes.SCOPE_USE, this::cancel);
  }

  /**
   * {@code POST /agents/{a}/sessions/{s}/messages}. With {@code "wait": true} (the default) the
   * answer comes within {@link #messageWait}, which is below the server's request timeout: 200 with
   * the answer, 202 when a call waits for a person or the turn still runs (with {@code Location}
   * and the session's event stream to follow), a problem when the model failed. An {@code
   * Idempotency-Key} makes a retry return the first attempt's turn.
   */
  private Route message(Principal caller, Map<String, String> vars) {
    return withTimeoutProblem(
        vars,
        (agent, session) ->
            extractRequest(
                request ->
                    completeWithFuture(
                        idempotencyKey(request)
                            .thenCompose(
                                key ->
                                    bodies
                                        .read(request)
                                        .thenApply(
                                            b ->
                                                Map.entry(
                                                    key, RequestBodies.requireJson(request, b))))
                            .thenCompose(
                                kb ->
                                    send(
                                        caller,
                                        agent,
                                        session,
                                        Json.read(kb.getValue(), MessageRequest.class, "the body"),
                                        kb.getKey().orElse(null)))
                            .thenApply(a -> TurnAnswers.answer(agent, session, a))
                            .exceptionally(Problems::fromThrowable))));
  }

  private CompletionStage<Agents.Answer> send(
      Principal caller, String agent, String session, MessageRequest m, String key) {
    return agents
        .send(caller.tenant(), agent, session, m.text(), caller.actingAs(m.principalSet()), key)
        .thenCompose(
            t -> {
              if (m.waits()) {
                return agents.awaitAnswer(caller.tenant(), agent, session, t.turn(), messageWait);
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
            });
  }

  /** The request's {@code Idempotency-Key}, checked; a failed stage (400) when it is malformed. */
  private static CompletionStage<Optional<String>> idempotencyKey(HttpRequest request) {
    List<String> values = new ArrayList<>();
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

  /**
   * {@code route} of the session named in {@code vars}, answered with {@link #timedOut} (never
   * pekko's text/plain) when the request timeout strikes anyway.
   */
  private Route withTimeoutProblem(
      Map<String, String> vars, BiFunction<String, String, Route> route) {
    String agent = vars.get("agent");
    String session = vars.get("session");
    return withRequestTimeoutResponse(
        request -> timedOut(agent, session), () -> route.apply(agent, session));
  }

  /** The request timeout struck anyway (a stuck node): a problem, never pekko's text/plain. */
  private static HttpResponse timedOut(String agent, String session) {
    return Problems.of(
            ErrorKind.UNAVAILABLE,
            null,
            "The server did not answer within its request timeout. A message may still have"
                + " started a turn: follow GET "
                + TurnAnswers.sessionPath(agent, session)
                + " before sending it again, and send messages with an Idempotency-Key so a"
                + " retry cannot start a second turn.")
        .addHeader(RawHeader.create("Retry-After", "5"));
  }

  private static NotFoundException noSession(String session) {
    return new NotFoundException("No session '" + session + "' yet.");
  }

  private Route session(Principal caller, Map<String, String> vars) {
    return Replies.ok(
        agents.get(caller.tenant(), vars.get("agent"), vars.get("session")),
        s -> {
          if (s.turn() == 0) {
            throw noSession(vars.get("session"));
          }
          return new SessionView(
              s.agent(),
              s.agentVersion(),
              s.turn(),
              s.phase().name().toLowerCase(Locale.ROOT),
              s.pending().stream().map(PendingCall::of).toList(),
              s.transcript().stream().map(SessionStep::of).toList());
        });
  }

  /**
   * Server-sent events: every persisted step of the session, from the journal, then live. Each
   * event's id is its sequence number; a client resumes with {@code Last-Event-ID}.
   */
  private Route events(Principal caller, Map<String, String> vars) {
    return extractRequest(
        request -> {
          long after = EventStreams.resumeAfter(request, Optional.empty());
          String agent = vars.get("agent");
          String session = vars.get("session");
          return onSuccess(
              agents.get(caller.tenant(), agent, session),
              state -> {
                if (state.turn() == 0) {
                  throw noSession(session);
                }
                return EventStreams.complete(
                    agents
                        .steps(caller.tenant(), agent, session, after)
                        .map(
                            step ->
                                EventStreams.event(
                                    Json.MAPPER.writeValueAsString(SessionStep.of(step.event())),
                                    step.event().getClass().getSimpleName(),
                                    step.sequenceNr())));
              });
        });
  }

  private Route decide(Principal caller, Map<String, String> vars) {
    return bodies.answerJson(
        (request, bytes) -> {
          DecisionRequest d = Json.read(bytes, DecisionRequest.class, "the body");
          return agents
              .decide(
                  caller.tenant(),
                  vars.get("agent"),
                  vars.get("session"),
                  d.key(),
                  d.approve(),
                  caller.keyId(),
                  d.reason())
              .thenApply(r -> Json.response(StatusCodes.OK, new Status("recorded")));
        });
  }

  private Route cancel(Principal caller, Map<String, String> vars) {
    return withTimeoutProblem(
        vars,
        (agent, session) ->
            Replies.ok(
                agents.cancel(caller.tenant(), agent, session, caller.keyId()),
                c ->
                    new TurnCancelled(
                        "cancelled",
                        c.turn(),
                        UnknownOutcome.of(c.outcomeUnknown()),
                        c.outcomeUnknown().isEmpty()
                            ? null
                            : TurnAnswers.unknownSentence(c.outcomeUnknown()).strip())));
  }
}
