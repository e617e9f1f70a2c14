package io.tramontane.server.http;

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

  /** The {@code Last-Event-ID} header, stripped; each stream decides what a malformed one means. */
  static Optional<String> lastEventId(HttpRequest request) {
    return request.getHeader("Last-Event-ID").map(h -> h.value().strip());
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
