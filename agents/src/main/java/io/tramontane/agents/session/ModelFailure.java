package io.tramontane.agents.session;

import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.ContentFilteredException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Why a model call failed, for people: a kind and a sentence with the provider's HTTP status, never
 * the provider's body (it may be raw JSON, and some servers echo credentials in it).
 *
 * @param kind {@code unavailable}, {@code refused}, {@code rate-limited}, {@code timed-out}, or
 *     {@value #TURN_TIMEOUT} when the turn's own time ran out first
 */
record ModelFailure(String kind, String detail) {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ModelFailure.class);

  static final String TURN_TIMEOUT = "turn-timeout";

  boolean turnTimeout() {
    return TURN_TIMEOUT.equals(kind);
  }

  static ModelFailure of(Throwable failure) {
    Throwable e = failure;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof java.util.concurrent.TimeoutException) {
      return new ModelFailure(TURN_TIMEOUT, "the turn's time ran out");
    }
    // The provider's own words go to the operator's log only (the logging layer redacts every
    // configured secret, so a server that echoes the key leaves no trace of it); never to users.
    String said = String.valueOf(e.getMessage());
    LOG.warn(
        "Model call failed: {}: {}",
        e.getClass().getSimpleName(),
        said.length() > 2000 ? said.substring(0, 2000) + "…" : said);
    String status = status(e).map(c -> " (HTTP " + c + ")").orElse("");
    return switch (e) {
      case dev.langchain4j.exception.TimeoutException t ->
          new ModelFailure(
              "timed-out", "the provider did not answer within the model's timeout" + status);
      case AuthenticationException a ->
          new ModelFailure(
              "refused",
              "the provider refused the credentials"
                  + status
                  + "; the operator should check the model's api-key");
      case RateLimitException r ->
          new ModelFailure("rate-limited", "the provider is rate-limiting requests" + status);
      case ModelNotFoundException m ->
          new ModelFailure(
              "refused",
              "the provider does not know the model"
                  + status
                  + "; the operator should check its model-name");
      case ContentFilteredException c ->
          new ModelFailure("refused", "the provider's content filter refused the request" + status);
      case InvalidRequestException i ->
          new ModelFailure("refused", "the provider refused the request as invalid" + status);
      case InternalServerException i ->
          new ModelFailure("unavailable", "the provider failed" + status);
      case HttpException h ->
          new ModelFailure("unavailable", "the provider answered an error" + status);
      default ->
          new ModelFailure(
              "unavailable",
              "the provider could not be reached or answered something unusable ("
                  + e.getClass().getSimpleName()
                  + ")"
                  + status);
    };
  }

  private static java.util.Optional<Integer> status(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof HttpException h) {
        return java.util.Optional.of(h.statusCode());
      }
    }
    return java.util.Optional.empty();
  }
}
