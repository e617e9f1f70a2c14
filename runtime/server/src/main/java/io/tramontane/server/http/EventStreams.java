package io.tramontane.server.http;

import io.tramontane.core.InvalidRequestException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Server-sent event streams of journaled events (a session's steps, a run's events): each event's
 * id is its sequence number, so a client resumes with {@code Last-Event-ID}; a heartbeat keeps an
 * idle stream open.
 */
final class EventStreams {

  private static final Duration HEARTBEAT = Duration.ofSeconds(15);

  private EventStreams() {}

  /**
   * The sequence number a stream resumes after: the {@code Last-Event-ID} header's, else {@code
   * after} (a query parameter, where the route has one), else 0. Either must be the id of an event
   * this server sent, a whole number; anything else is refused, naming where it came from.
   */
  static long resumeAfter(HttpRequest request, Optional<String> after) {
    Optional<String> header =
        request.getHeader("Last-Event-ID").map(h -> h.value().strip()).filter(v -> !v.isEmpty());
    if (header.isPresent()) {
      return eventId("the Last-Event-ID header", header.get());
    }
    return after.map(v -> eventId("'after'", v)).orElse(0L);
  }

  private static long eventId(String where, String value) {
    if (!value.matches("\\d{1,18}")) {
      String shown = value.length() > 40 ? value.substring(0, 40) + "…" : value;
      throw new InvalidRequestException(
          where
              + " is '"
              + shown
              + "'; it must be the id of the last event received (a whole number), or be left out"
              + " to start from the first event.");
    }
    return Long.parseLong(value);
  }

  /** One event: its JSON, its type and its sequence number as the id. */
  static ServerSentEvent event(String json, String type, long seq) {
    return ServerSentEvent.create(
        json, Optional.of(type), Optional.of(Long.toString(seq)), OptionalInt.empty());
  }

  /** Completes with {@code events} as {@code text/event-stream}, with heartbeats. */
  static Route complete(Source<ServerSentEvent, NotUsed> events) {
    return Directives.completeOK(
        events.keepAlive(HEARTBEAT, ServerSentEvent::heartbeat),
        EventStreamMarshalling.toEventStream());
  }
}
