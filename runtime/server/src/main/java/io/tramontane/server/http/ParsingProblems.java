package io.tramontane.server.http;

import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * Requests pekko-http refuses before any route sees them (a header over 8 KiB, too many headers, a
 * URI over 4 KiB, a malformed request line) are answered as problems too, with the limit named.
 * Configured as {@code pekko.http.server.parsing.error-handler}; pekko creates it by reflection.
 */
public final class ParsingProblems extends ParsingErrorHandler {

  @Override
  public HttpResponse handle(
      StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    String detail = info.summary();
    if (!info.detail().isEmpty()) {
      detail = detail + ": " + info.detail();
    }
    var limits = settings.parserSettings();
    return Problems.of(
        status,
        status.reason(),
        detail
            + (detail.endsWith(".") ? "" : ".")
            + " Limits: "
            + limits.maxHeaderCount()
            + " headers, "
            + limits.maxHeaderValueLength()
            + " characters per header value, "
            + limits.maxUriLength()
            + " characters of URI.");
  }
}
