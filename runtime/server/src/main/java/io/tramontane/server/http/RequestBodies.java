package io.tramontane.server.http;

import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaType;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;

/**
 * The request bodies a route reads: at most {@code limit} bytes (and the server's cap), arriving
 * within the body timeout, read by {@link Bodies#strict}. Every route that answers from a body
 * answers through {@link #answer}, so a failure anywhere in it is a problem ({@link Problems}).
 */
record RequestBodies(long limit, long timeoutMillis, Materializer materializer) {

  /** The same reading with another limit (a route's own, below the server's cap). */
  RequestBodies upTo(long max) {
    return new RequestBodies(max, timeoutMillis, materializer);
  }

  /** The body's bytes, or a failed stage (413 over the limit, 400 when it is late). */
  CompletionStage<byte[]> read(HttpRequest request) {
    return Bodies.strict(request, limit, timeoutMillis, materializer);
  }

  /**
   * Like {@link #answer}, for a route that reads JSON: a body declared as another type (text/plain,
   * XML, a form, an image) is refused with 415 before it is read. A body without a Content-Type
   * (which arrives as application/octet-stream) is read as JSON.
   */
  Route answerJson(BiFunction<HttpRequest, byte[], CompletionStage<HttpResponse>> answer) {
    return answer(
        (request, bytes) -> {
          requireJson(request, bytes);
          return answer.apply(request, bytes);
        });
  }

  /** Refuses (415) a non-empty body declared as anything but JSON; see {@link #answerJson}. */
  static byte[] requireJson(HttpRequest request, byte[] bytes) {
    MediaType type = request.entity().getContentType().mediaType();
    boolean json =
        type.isApplication()
            && (type.subType().equals("json")
                || type.subType().endsWith("+json")
                || type.subType().equals("octet-stream"));
    if (!json && bytes.length > 0) {
      throw new UnsupportedBodyTypeException(type.toString());
    }
    return bytes;
  }

  /** Reads the body, then answers with what {@code answer} makes of the request and its bytes. */
  Route answer(BiFunction<HttpRequest, byte[], CompletionStage<HttpResponse>> answer) {
    return Directives.extractRequest(
        request ->
            Directives.completeWithFuture(
                read(request)
                    .thenCompose(bytes -> answer.apply(request, bytes))
                    .exceptionally(Problems::fromThrowable)));
  }
}
