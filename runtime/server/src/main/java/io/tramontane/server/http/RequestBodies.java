package io.tramontane.server.http;

import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
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
