package io.tramontane.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tramontane.core.TramontaneException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Iterator;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A small client of the HTTP API for the CLI: JSON requests with the API key, server-sent events,
 * and every failure as one {@link ServerException} whose message a user can act on (the problem's
 * {@code detail}, never a stack trace or the key).
 */
final class ServerClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  /**
   * The server refused or could not be reached. Retriable (exit code 1) when trying again later can
   * succeed: no connection, 409, 429, 5xx; otherwise exit code 2.
   */
  static final class ServerException extends TramontaneException {
    private final boolean retriable;
    private final int status;

    ServerException(String message, boolean retriable) {
      this(message, retriable, 0);
    }

    ServerException(String message, boolean retriable, int status) {
      super(message);
      this.retriable = retriable;
      this.status = status;
    }

    /** The HTTP status the server answered, or 0 when it did not answer with one. */
    int status() {
      return status;
    }

    @Override
    public boolean retriable() {
      return retriable;
    }
  }

  /** One server-sent event. */
  record Sse(String id, String event, String data) {}

  private final URI base;
  private final String apiKey;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ServerClient(URI base, String apiKey) {
    this.base = base;
    this.apiKey = apiKey;
  }

  URI base() {
    return base;
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .header("Authorization", "Bearer " + apiKey);
  }

  JsonNode get(String path) {
    return json(request(path).timeout(REQUEST_TIMEOUT).GET().build());
  }

  /** POSTs a JSON body, or nothing when {@code body} is null. */
  JsonNode post(String path, String body) {
    HttpRequest.Builder b = request(path).timeout(REQUEST_TIMEOUT);
    if (body == null) {
      b.POST(HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }
    return json(b.build());
  }

  private JsonNode json(HttpRequest request) {
    HttpResponse<String> r = send(request, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw refused(request, r.statusCode(), r.body());
    }
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new ServerException(
          "the server at " + base + " answered " + request.uri().getPath() + " with no JSON.",
          false);
    }
  }

  /**
   * Reads the server-sent events of {@code path} until the server ends the stream, handing each to
   * {@code onEvent}; {@code lastEventId} (when not null) resumes after that event.
   */
  void events(String path, String lastEventId, Consumer<Sse> onEvent) {
    HttpRequest.Builder b = request(path).header("Accept", "text/event-stream").GET();
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    HttpRequest request = b.build();
    HttpResponse<Stream<String>> r = send(request, HttpResponse.BodyHandlers.ofLines());
    try (Stream<String> lines = r.body()) {
      if (r.statusCode() != 200) {
        throw refused(request, r.statusCode(), lines.collect(Collectors.joining("\n")));
      }
      String id = null;
      String event = null;
      StringBuilder data = new StringBuilder();
      for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
        String line = it.next();
        if (line.isEmpty()) {
          if (!data.isEmpty()) {
            onEvent.accept(new Sse(id, event, data.toString()));
          }
          event = null;
          data.setLength(0);
          continue;
        }
        if (line.startsWith(":")) {
          continue; // a comment
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
          value = value.substring(1);
        }
        switch (field) {
          case "id" -> id = value;
          case "event" -> event = value;
          case "data" -> data.append(data.isEmpty() ? "" : "\n").append(value);
          default -> {}
        }
      }
    } catch (UncheckedIOException e) {
      throw unreachable(e.getCause());
    }
  }

  private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(request, handler);
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServerException("interrupted while talking to " + base + ".", true);
    }
  }

  private ServerException unreachable(IOException e) {
    if (e instanceof ConnectException || e.getCause() instanceof ConnectException) {
      return new ServerException(
          "cannot reach the server at "
              + base
              + " (connection refused); is `tramontane serve` running there? (--server)",
          true);
    }
    if (e instanceof HttpTimeoutException) {
      return new ServerException("the server at " + base + " did not answer in time.", true);
    }
    return new ServerException(
        "the connection to " + base + " failed: " + String.valueOf(e.getMessage()) + ".", true);
  }

  /** A non-2xx answer: the problem's detail, and whether trying again later may succeed. */
  private ServerException refused(HttpRequest request, int status, String body) {
    String detail = null;
    try {
      JsonNode problem = JSON.readTree(body);
      if (problem != null && problem.isObject()) {
        detail = problem.path("detail").asText(problem.path("title").asText(null));
      }
    } catch (IOException e) {
      // not a problem document; say what we can
    }
    if (detail == null || detail.isBlank()) {
      detail = "no details";
    }
    boolean retriable = status == 409 || status == 429 || status >= 500;
    return new ServerException(
        request.method() + " " + request.uri().getPath() + " answered " + status + ": " + detail,
        retriable,
        status);
  }
}
