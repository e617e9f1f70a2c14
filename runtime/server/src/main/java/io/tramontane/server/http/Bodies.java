package io.tramontane.server.http;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.stream.Materializer;

/** Reading a request body whole, with the route's size limit and the server's body timeout. */
final class Bodies {

  private Bodies() {}

  /** The body's bytes; over {@code limit} the stage fails and {@link Problems} answers 413. */
  static CompletionStage<byte[]> strict(
      HttpRequest request, long limit, long timeoutMillis, Materializer materializer) {
    return request
        .entity()
        .withSizeLimit(limit)
        .toStrict(timeoutMillis, materializer)
        .thenApply(s -> s.getData().toArray());
  }
}
