package io.tramontane.server.http;

import io.tramontane.server.http.body.Status;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * How a route answers from a call that completes later: the body it makes of the result, as JSON
 * with the given status; a call that fails (or a body that throws, e.g. not found) is a problem
 * ({@link Problems}).
 */
final class Replies {

  private Replies() {}

  /** 200 with {@code body}, which is there already. */
  static Route now(Object body) {
    return Directives.complete(Json.response(StatusCodes.OK, body));
  }

  /** 200 with {@code body} of the result. */
  static <T> Route ok(CompletionStage<T> call, Function<? super T, ?> body) {
    return reply(StatusCodes.OK, call, body);
  }

  /**
   * 200 {@code deleted} or {@code not-deployed}, after {@code remove} (which says whether there was
   * something to remove) has run off the route's thread.
   */
  static Route removal(Supplier<Boolean> remove) {
    return ok(
        CompletableFuture.supplyAsync(remove),
        removed -> new Status(removed ? "deleted" : "not-deployed"));
  }

  static <T> Route reply(StatusCode status, CompletionStage<T> call, Function<? super T, ?> body) {
    return Directives.completeWithFuture(
        call.thenApply(result -> Json.response(status, body.apply(result)))
            .exceptionally(Problems::fromThrowable));
  }
}
