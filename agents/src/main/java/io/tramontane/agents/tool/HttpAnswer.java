package io.tramontane.agents.tool;

import io.tramontane.core.audit.Audit;
import io.tramontane.core.outbound.PinnedHttpExchange;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP answer as the model sees it: status, the URL without its query, a few headers (never
 * cookies or credentials), a note when the body was truncated, and the body as untrusted text
 * ({@link UntrustedText}), or one line naming binary content.
 */
final class HttpAnswer {

  private static final List<String> SHOWN_HEADERS =
      List.of("content-type", "content-length", "location", "last-modified", "etag", "retry-after");
  private static final Pattern CHARSET = Pattern.compile("(?i)charset=\"?([A-Za-z0-9._:-]+)");
  private static final Pattern TEXTUAL =
      Pattern.compile("(?i)^(text/.*|.*(json|xml|javascript|yaml|csv|x-www-form-urlencoded).*)");

  private HttpAnswer() {}

  static String render(String tool, URI uri, PinnedHttpExchange.Response response) {
    StringBuilder head = new StringBuilder();
    head.append("status: ").append(response.status()).append(' ').append(response.reason());
    head.append("\nurl: ").append(uri.getScheme()).append("://").append(uri.getRawAuthority());
    head.append(uri.getRawPath() == null ? "" : uri.getRawPath());
    for (String name : SHOWN_HEADERS) {
      String value = response.header(name);
      if (value != null) {
        head.append('\n').append(name).append(": ").append(Audit.printable(value));
      }
    }
    if (response.truncated()) {
      head.append("\n(body truncated to the first ")
          .append(response.body().length)
          .append(" bytes)");
    }
    String type = response.header("content-type");
    String content;
    if (type != null && !TEXTUAL.matcher(type.strip()).matches()) {
      content = "(binary content of type " + type + ", " + response.body().length + " bytes)";
    } else {
      content = new String(response.body(), charset(type));
    }
    return UntrustedText.wrap(tool, head.toString(), content);
  }

  private static Charset charset(String contentType) {
    if (contentType != null) {
      Matcher m = CHARSET.matcher(contentType);
      if (m.find()) {
        try {
          return Charset.forName(m.group(1));
        } catch (IllegalArgumentException e) {
          return StandardCharsets.UTF_8;
        }
      }
    }
    return StandardCharsets.UTF_8;
  }
}
