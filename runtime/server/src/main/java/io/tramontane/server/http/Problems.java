package io.tramontane.server.http;

import io.tramontane.agents.definition.DefinitionException;
import io.tramontane.agents.session.AgentSessionEntity;
import io.tramontane.core.ConfigurationException;
import io.tramontane.core.InvalidRequestException;
import io.tramontane.core.KnownSecrets;
import io.tramontane.core.NotFoundException;
import io.tramontane.core.UnavailableException;
import io.tramontane.retrieval.UnknownCollectionException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.scaladsl.model.EntityStreamException;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RFC 7807 problem responses, and the one place where an exception becomes an HTTP status. Internal
 * errors are logged with an id that the response repeats; their details never reach the client.
 */
public final class Problems {

  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

  static final ContentType PROBLEM_JSON =
      ContentTypes.create(
          MediaTypes.applicationWithFixedCharset("problem+json", HttpCharsets.UTF_8));

  private static final List<String> STANDARD_MEMBERS =
      java.util.List.of("type", "title", "status", "detail");

  /** How pekko words its cap in a "Request too large" failure. */
  private static final Pattern PEKKO_LIMIT = Pattern.compile("maximum of (\\d+)");

  private Problems() {}

  /** A problem response: {@code type}, {@code title}, {@code status}, {@code detail}. */
  public static HttpResponse of(StatusCode status, String title, String detail) {
    return of(status, title, detail, Map.of());
  }

  static HttpResponse of(
      StatusCode status, String title, String detail, Map<String, Object> extensions) {
    for (String member : STANDARD_MEMBERS) {
      if (extensions.containsKey(member)) {
        throw new IllegalArgumentException(
            "a problem's '" + member + "' is not an extension (status is always the number)");
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "about:blank");
    body.put("title", title);
    body.put("status", status.intValue());
    body.put("detail", KnownSecrets.redact(detail));
    body.putAll(extensions);
    return Json.response(status, PROBLEM_JSON, body);
  }

  static HttpResponse unauthorized(String detail) {
    return of(StatusCodes.UNAUTHORIZED, "Unauthorized", detail)
        .addHeader(RawHeader.create("WWW-Authenticate", "Bearer realm=\"tramontane\""));
  }

  static HttpResponse forbidden(String detail) {
    return of(StatusCodes.FORBIDDEN, "Forbidden", detail);
  }

  static HttpResponse notFound(String detail) {
    return of(StatusCodes.NOT_FOUND, "Not Found", detail);
  }

  static HttpResponse tooLarge(long limit) {
    return of(
        StatusCodes.PAYLOAD_TOO_LARGE,
        "Payload Too Large",
        "The request body exceeds this route's limit of " + limit + " bytes; send a smaller one.");
  }

  /** A body over the server's cap on every request ({@code max-content-length}). */
  static HttpResponse tooLargeForTheServer(long cap) {
    return of(
        StatusCodes.PAYLOAD_TOO_LARGE,
        "Payload Too Large",
        "The request body exceeds the server's limit of "
            + cap
            + " bytes on any request (pekko.http.server.parsing.max-content-length).");
  }

  /** Translates any failure of a request's processing. */
  public static HttpResponse fromThrowable(Throwable failure) {
    Throwable e = failure;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof PayloadTooLargeException size) {
      return tooLarge(size.limit());
    }
    if (e instanceof EntityStreamSizeException size) {
      return tooLarge(size.limit());
    }
    if (e instanceof EntityStreamException stream
        && "Request too large".equals(stream.info().summary())) {
      // pekko's own cap (max-content-length, max-to-strict-bytes) on a body read elsewhere.
      Matcher limit = PEKKO_LIMIT.matcher(stream.info().detail());
      return limit.find()
          ? tooLargeForTheServer(Long.parseLong(limit.group(1)))
          : of(
              StatusCodes.PAYLOAD_TOO_LARGE,
              "Payload Too Large",
              "The request body exceeds the server's limit; send a smaller one.");
    }
    if (e instanceof UnavailableException u) {
      long seconds = Math.max(1, u.retryAfter().toSeconds());
      return of(StatusCodes.SERVICE_UNAVAILABLE, "Service Unavailable", u.getMessage())
          .addHeader(RawHeader.create("Retry-After", Long.toString(seconds)));
    }
    if (e instanceof StatusReply.ErrorMessage reused
        && reused.getMessage().startsWith(AgentSessionEntity.KEY_REUSED)) {
      return of(
          StatusCodes.UNPROCESSABLE_ENTITY, "Idempotency-Key Reused", reused.getMessage() + ".");
    }
    if (e instanceof StatusReply.ErrorMessage refused) {
      // An entity refused the command (validation is a reply, not an exception).
      return of(StatusCodes.CONFLICT, "Conflict", refused.getMessage() + ".");
    }
    if (e instanceof DefinitionException invalid) {
      return of(StatusCodes.BAD_REQUEST, "Invalid Agent Definition", invalid.getMessage());
    }
    if (e instanceof UnknownCollectionException unknown) {
      return notFound(unknown.getMessage());
    }
    if (e instanceof NotFoundException unknown) {
      return notFound(unknown.getMessage());
    }
    if (e instanceof PrincipalNotAllowedException refused) {
      return of(
          StatusCodes.FORBIDDEN,
          "Forbidden",
          refused.getMessage(),
          Map.of("principal", refused.principal()));
    }
    if (e instanceof InvalidRequestException invalid) {
      return of(StatusCodes.BAD_REQUEST, "Bad Request", invalid.getMessage());
    }
    String errorId = UUID.randomUUID().toString();
    if (e instanceof ConfigurationException) {
      LOG.error("Request failed on configuration [error {}]: {}", errorId, e.getMessage());
    } else {
      LOG.error("Request failed [error {}]", errorId, e);
    }
    return of(
        StatusCodes.INTERNAL_SERVER_ERROR,
        "Internal Server Error",
        "The server failed to handle the request; the server log has the details under error id "
            + errorId
            + ".",
        Map.of("errorId", errorId));
  }
}
