package io.tramontane.server.http;

import io.tramontane.core.KnownSecrets;
import io.tramontane.core.UnavailableException;
import io.tramontane.core.error.ErrorKind;
import io.tramontane.core.error.InvalidDefinition;
import io.tramontane.core.error.KindedError;
import io.tramontane.server.http.body.ProblemBody;
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
 * RFC 7807 problem responses, and the one place where an error becomes an HTTP status: every error
 * says its {@link ErrorKind} and {@link #status(ErrorKind)} maps the kind, in one switch. Internal
 * errors are logged with an id that the response repeats; their details never reach the client.
 */
public final class Problems {

  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

  static final ContentType PROBLEM_JSON =
      ContentTypes.create(
          MediaTypes.applicationWithFixedCharset("problem+json", HttpCharsets.UTF_8));

  /**
   * The problem type of a definition (an agent's or a workflow's YAML) that cannot be used: the
   * standard members and {@code problems}, each with file, line, column, message and hint.
   */
  public static final String INVALID_DEFINITION = "urn:tramontane:problem:invalid-definition";

  private static final List<String> STANDARD_MEMBERS = List.of("type", "title", "status", "detail");

  /** How pekko words its cap in a "Request too large" failure. */
  private static final Pattern PEKKO_LIMIT = Pattern.compile("maximum of (\\d+)");

  private Problems() {}

  /** The HTTP status of each kind of error: the edge's only translation of kinds. */
  static StatusCode status(ErrorKind kind) {
    return switch (kind) {
      case INVALID -> StatusCodes.BAD_REQUEST;
      case UNAUTHORIZED -> StatusCodes.UNAUTHORIZED;
      case FORBIDDEN -> StatusCodes.FORBIDDEN;
      case NOT_FOUND -> StatusCodes.NOT_FOUND;
      case CONFLICT -> StatusCodes.CONFLICT;
      case TOO_LARGE -> StatusCodes.PAYLOAD_TOO_LARGE;
      case UNSUPPORTED_TYPE -> StatusCodes.UNSUPPORTED_MEDIA_TYPE;
      case UNPROCESSABLE -> StatusCodes.UNPROCESSABLE_CONTENT;
      case UNAVAILABLE -> StatusCodes.SERVICE_UNAVAILABLE;
      case UPSTREAM_FAILED -> StatusCodes.BAD_GATEWAY;
      case UPSTREAM_TIMEOUT -> StatusCodes.GATEWAY_TIMEOUT;
      case INTERNAL -> StatusCodes.INTERNAL_SERVER_ERROR;
    };
  }

  /** A problem of {@code kind}; a null title is the status's reason phrase. */
  public static HttpResponse of(ErrorKind kind, String title, String detail) {
    return of(kind, title, detail, Map.of());
  }

  static HttpResponse of(
      ErrorKind kind, String title, String detail, Map<String, Object> extensions) {
    return of(status(kind), title, detail, extensions);
  }

  /**
   * A problem with a status decided elsewhere: pekko's parser ({@link ParsingProblems}), an HTTP
   * method the route does not take, a connector source answering its own protocol.
   */
  public static HttpResponse of(StatusCode status, String title, String detail) {
    return of(status, title, detail, Map.of());
  }

  static HttpResponse of(
      StatusCode status, String title, String detail, Map<String, Object> extensions) {
    return problem("about:blank", status, title, detail, extensions);
  }

  private static HttpResponse problem(
      String type, StatusCode status, String title, String detail, Map<String, Object> extensions) {
    for (String member : STANDARD_MEMBERS) {
      if (extensions.containsKey(member)) {
        throw new IllegalArgumentException(
            "a problem's '" + member + "' is not an extension (status is always the number)");
      }
    }
    ProblemBody body =
        new ProblemBody(
            type,
            title == null ? status.reason() : title,
            status.intValue(),
            KnownSecrets.redact(detail),
            extensions);
    return Json.response(status, PROBLEM_JSON, body);
  }

  static HttpResponse unauthorized(String detail) {
    return of(ErrorKind.UNAUTHORIZED, null, detail)
        .addHeader(RawHeader.create("WWW-Authenticate", "Bearer realm=\"tramontane\""));
  }

  static HttpResponse forbidden(String detail) {
    return of(ErrorKind.FORBIDDEN, null, detail);
  }

  static HttpResponse notFound(String detail) {
    return of(ErrorKind.NOT_FOUND, null, detail);
  }

  /** A body over the server's cap on every request ({@code max-content-length}). */
  static HttpResponse tooLargeForTheServer(long cap) {
    return of(
        ErrorKind.TOO_LARGE,
        null,
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
    if (e instanceof EntityStreamSizeException size) {
      return fromThrowable(new PayloadTooLargeException(size.limit()));
    }
    if (e instanceof EntityStreamException stream
        && "Request too large".equals(stream.info().summary())) {
      // pekko's own cap (max-content-length, max-to-strict-bytes) on a body read elsewhere.
      Matcher limit = PEKKO_LIMIT.matcher(stream.info().detail());
      return limit.find()
          ? tooLargeForTheServer(Long.parseLong(limit.group(1)))
          : of(
              ErrorKind.TOO_LARGE,
              null,
              "The request body exceeds the server's limit; send a smaller one.");
    }
    if (e instanceof StatusReply.ErrorMessage refused) {
      // An entity refused the command without saying what kind of refusal it is.
      return of(ErrorKind.CONFLICT, null, sentence(refused.getMessage()));
    }
    if (e instanceof KindedError known && known.kind() != ErrorKind.INTERNAL) {
      return of(known);
    }
    return internal(e);
  }

  private static HttpResponse of(KindedError e) {
    Map<String, Object> members = new LinkedHashMap<>(members(e));
    if (e.hint() != null && !e.hint().isBlank()) {
      members.put("hint", e.hint());
    }
    String type = e instanceof InvalidDefinition ? INVALID_DEFINITION : "about:blank";
    HttpResponse r = problem(type, status(e.kind()), e.title(), sentence(e.getMessage()), members);
    if (e instanceof UnavailableException u) {
      long seconds = Math.max(1, u.retryAfter().toSeconds());
      return r.addHeader(RawHeader.create("Retry-After", Long.toString(seconds)));
    }
    return r;
  }

  /** What an error adds to the standard members. */
  private static Map<String, Object> members(KindedError e) {
    return switch (e) {
      case InvalidDefinition d -> Map.of("valid", false, "problems", d.errors());
      case PrincipalNotAllowedException p -> Map.of("principal", p.principal());
      default -> Map.of();
    };
  }

  /** Entities' refusals are clauses; a problem's detail is a sentence. */
  private static String sentence(String message) {
    String m = message == null ? "" : message.strip();
    return m.endsWith(".") || m.endsWith("?") || m.endsWith("!") ? m : m + ".";
  }

  private static HttpResponse internal(Throwable e) {
    String errorId = UUID.randomUUID().toString();
    if (e instanceof io.tramontane.core.ConfigurationException) {
      LOG.error("Request failed on configuration [error {}]: {}", errorId, e.getMessage());
    } else {
      LOG.error("Request failed [error {}]", errorId, e);
    }
    return of(
        ErrorKind.INTERNAL,
        null,
        "The server failed to handle the request; the server log has the details under error id "
            + errorId
            + ".",
        Map.of("errorId", errorId));
  }
}
