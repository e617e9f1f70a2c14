package io.tramontane.server.http;

import io.tramontane.agents.Agents;
import io.tramontane.agents.session.SessionEvents;
import io.tramontane.core.error.ErrorKind;
import io.tramontane.server.http.body.AgentBodies.CitationBody;
import io.tramontane.server.http.body.AgentBodies.UnknownOutcome;
import io.tramontane.server.http.body.SessionBodies.TurnAnswer;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * A turn's outcome as an HTTP answer: 200 with the answer, 202 with the session to follow while it
 * waits for a person or still runs, a problem when the model failed or the turn was cancelled.
 */
final class TurnAnswers {

  private TurnAnswers() {}

  static String sessionPath(String agent, String session) {
    return "/agents/" + agent + "/sessions/" + session;
  }

  static HttpResponse answer(String agent, String session, Agents.Answer a) {
    String path = sessionPath(agent, session);
    String events = path + "/events";
    return switch (a.outcome()) {
      case FAILED -> modelFailed(path, a);
      case CANCELLED ->
          Problems.of(
              ErrorKind.CONFLICT,
              "Turn Cancelled",
              "Turn "
                  + a.turn()
                  + " was cancelled before it answered."
                  + unknownSentence(a.outcomeUnknown()),
              Map.of(
                  "turn",
                  a.turn(),
                  "session",
                  path,
                  "outcomeUnknown",
                  UnknownOutcome.of(a.outcomeUnknown())));
      case AWAITING_APPROVAL ->
          Json.response(
                  StatusCodes.ACCEPTED,
                  new TurnAnswer(
                      a.turn(),
                      "awaiting-approval",
                      a.keys(),
                      null,
                      null,
                      null,
                      null,
                      path,
                      events))
              .addHeader(RawHeader.create("Location", path));
      case WORKING ->
          Json.response(
                  StatusCodes.ACCEPTED,
                  new TurnAnswer(a.turn(), "working", null, null, null, null, null, path, events))
              .addHeader(RawHeader.create("Location", path));
      case EARLIER ->
          Json.response(
              StatusCodes.OK,
              new TurnAnswer(a.turn(), "ended", null, null, null, null, a.text(), path, events));
      case ANSWERED, BUDGET_EXCEEDED ->
          Json.response(
              StatusCodes.OK,
              new TurnAnswer(
                  a.turn(),
                  a.outcome() == Agents.Outcome.ANSWERED ? "answered" : "budget-exceeded",
                  null,
                  a.text(),
                  CitationBody.of(a.citations()),
                  a.outcomeUnknown().isEmpty() ? null : UnknownOutcome.of(a.outcomeUnknown()),
                  null,
                  null,
                  null));
    };
  }

  /** The model could not answer: its time-out is 504, its rate limit 503, anything else 502. */
  private static HttpResponse modelFailed(String path, Agents.Answer a) {
    SessionEvents.ModelCallFailed f = a.failure();
    ErrorKind kind =
        switch (f.kind()) {
          case "timed-out" -> ErrorKind.UPSTREAM_TIMEOUT;
          case "rate-limited" -> ErrorKind.UNAVAILABLE;
          default -> ErrorKind.UPSTREAM_FAILED;
        };
    HttpResponse r =
        Problems.of(
            kind,
            "Language Model Failed",
            "The language model '"
                + f.model()
                + "' could not answer: "
                + f.detail()
                + ". Turn "
                + a.turn()
                + " ended without an answer; send the message again later.",
            Map.of("turn", a.turn(), "kind", f.kind(), "session", path));
    return kind == ErrorKind.UNAVAILABLE ? r.addHeader(RawHeader.create("Retry-After", "30")) : r;
  }

  /** What the user must check before repeating each call whose outcome is unknown. */
  static String unknownSentence(List<SessionEvents.ToolCallOutcomeUnknown> calls) {
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
}
