package io.tramontane.server.http;

import io.tramontane.core.InvalidRequestException;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;

/**
 * Reading a request body whole, within the route's size limit, the server's cap ({@code
 * pekko.http.server.parsing.max-content-length}) and the server's body timeout. Every route reads
 * its body here, so an oversized body is a 413 problem on every route, whether its length was
 * declared or it came chunked.
 *
 * <p>A body found too large is not cut off: the rest is read and thrown away (up to {@link
 * #DRAIN_LIMIT} more bytes, within the timeout) while the 413 goes out, because a server that
 * closes a connection its client is still writing to makes the client's network stack discard the
 * answer (a reset), and the client would see a broken connection instead of the 413.
 */
final class Bodies {

  /** How much of a refused body is read and discarded so the client can read the 413. */
  static final long DRAIN_LIMIT = 64L * 1024 * 1024;

  private static final String CAP = "pekko.http.server.parsing.max-content-length";

  private Bodies() {}

  /** The server's cap on any request body, in bytes. */
  static long serverCap(Materializer materializer) {
    return materializer.system().settings().config().getBytes(CAP);
  }

  /**
   * The body's bytes; over {@code limit} (or the server's cap) the stage fails with {@link
   * PayloadTooLargeException}, which {@link Problems} answers with 413 — once the rest of the body
   * has been read and thrown away.
   */
  static CompletionStage<byte[]> strict(
      HttpRequest request, long limit, long timeoutMillis, Materializer materializer) {
    long max = Math.min(limit, serverCap(materializer));
    RequestEntity entity = request.entity();
    OptionalLong declared = entity.getContentLengthOption();
    if (declared.isPresent() && declared.getAsLong() > max) {
      return discard(request, timeoutMillis, materializer)
          .thenCompose(done -> CompletableFuture.failedFuture(new PayloadTooLargeException(max)));
    }
    Collector collector = new Collector(max, timeoutMillis);
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    entity
        .withoutSizeLimit()
        .getDataBytes()
        .limitWeighted(max + DRAIN_LIMIT, chunk -> (long) chunk.size())
        .completionTimeout(Duration.ofMillis(timeoutMillis))
        .runForeach(collector::accept, materializer)
        .whenComplete((done, failure) -> collector.finish(failure, result));
    return result;
  }

  /**
   * Reads and throws away a body that will not be used; completes (never exceptionally) when it has
   * been read, or after {@link #DRAIN_LIMIT} bytes or the timeout. A body declared larger than that
   * is left unread: the connection closes after the answer.
   */
  static CompletionStage<Void> discard(
      HttpRequest request, long timeoutMillis, Materializer materializer) {
    RequestEntity entity = request.entity();
    OptionalLong declared = entity.getContentLengthOption();
    if (entity.isKnownEmpty()
        || entity.isStrict()
        || declared.isPresent() && declared.getAsLong() > DRAIN_LIMIT) {
      return CompletableFuture.completedFuture(null);
    }
    return entity
        .withoutSizeLimit()
        .getDataBytes()
        .limitWeighted(DRAIN_LIMIT, chunk -> (long) chunk.size())
        .completionTimeout(Duration.ofMillis(timeoutMillis))
        .runWith(Sink.ignore(), materializer)
        .handle((done, failure) -> null);
  }

  /** Keeps the bytes up to the limit, then only counts what it throws away. */
  private static final class Collector {
    final long max;
    final long timeoutMillis;
    ByteStringBuilder bytes = new ByteStringBuilder();
    long seen;

    Collector(long max, long timeoutMillis) {
      this.max = max;
      this.timeoutMillis = timeoutMillis;
    }

    void accept(ByteString chunk) {
      seen += chunk.size();
      if (bytes == null) {
        return;
      }
      if (seen > max) {
        bytes = null;
        return;
      }
      bytes.append(chunk);
    }

    /** Too large wins over how the drain ended (the drain limit, the timeout). */
    void finish(Throwable failure, CompletableFuture<byte[]> result) {
      if (bytes == null) {
        result.completeExceptionally(new PayloadTooLargeException(max));
      } else if (failure instanceof TimeoutException) {
        result.completeExceptionally(
            new InvalidRequestException(
                "the request body did not arrive within " + timeoutMillis / 1000 + " s."));
      } else if (failure != null) {
        result.completeExceptionally(failure);
      } else {
        result.complete(bytes.result().toArray());
      }
    }
  }
}
