package io.tramontane.workflows.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tramontane.core.outbound.OutboundHttp;
import io.tramontane.core.outbound.PinnedHttpExchange;
import io.tramontane.workflows.run.WorkflowError;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a {@code call: http} outputs, per {@code with.output} (dsl-reference.md "HTTP Call" and
 * "HTTP Response"):
 *
 * <ul>
 *   <li>{@code content} (the default): the response content, deserialized — JSON ({@code
 *       application/json}, {@code +json}) parsed, text ({@code text/*}, XML, form, YAML,
 *       JavaScript) as a string in its charset, anything else base-64 encoded; a response without a
 *       content type is parsed as JSON when it is JSON, else taken as UTF-8 text; no content is
 *       null.
 *   <li>{@code raw}: the content base-64 encoded (null when there is none).
 *   <li>{@code response}: {@code {request: {method, uri, headers}, statusCode, headers, content}},
 *       response header names in lower case, repeated headers joined with ", "; the values of
 *       credential headers (Authorization, Cookie, Set-Cookie, X-Api-Key) are {@value #REDACTED},
 *       since the output is journaled and readable by whoever reads the run.
 * </ul>
 */
final class HttpOutput {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** Header values never copied into an output (it is journaled and readable over REST). */
  private static final Set<String> CREDENTIALS =
      Set.of("authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key");

  static final String REDACTED = "<redacted>";

  private HttpOutput() {}

  static JsonNode of(
      String mode, OutboundHttp.Request request, PinnedHttpExchange.Response response, String ref) {
    return switch (mode) {
      case "content" -> content(response, ref);
      case "raw" ->
          response.body().length == 0
              ? F.nullNode()
              : F.textNode(Base64.getEncoder().encodeToString(response.body()));
      case "response" -> response(request, response, ref);
      default ->
          throw WorkflowError.runtime(
              400, "Bad output", "output: '" + mode + "' is not raw, content or response", ref);
    };
  }

  private static JsonNode response(
      OutboundHttp.Request request, PinnedHttpExchange.Response response, String ref) {
    ObjectNode out = F.objectNode();
    ObjectNode req = out.putObject("request");
    req.put("method", request.method().toLowerCase(Locale.ROOT));
    req.put("uri", request.uri().toString());
    req.set("headers", headers(request.headers()));
    out.put("statusCode", response.status());
    out.set("headers", headers(response.headers()));
    out.set("content", content(response, ref));
    return out;
  }

  private static ObjectNode headers(List<Map.Entry<String, String>> headers) {
    ObjectNode out = F.objectNode();
    for (Map.Entry<String, String> h : headers) {
      String value =
          CREDENTIALS.contains(h.getKey().toLowerCase(Locale.ROOT)) ? REDACTED : h.getValue();
      JsonNode before = out.get(h.getKey());
      out.put(h.getKey(), before == null ? value : before.asText() + ", " + value);
    }
    return out;
  }

  private static JsonNode content(PinnedHttpExchange.Response response, String ref) {
    byte[] body = response.body();
    String type = response.header("content-type");
    String media = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    String text = new String(body, charset(type));
    if (body.length == 0 || (text.isBlank() && (media.isEmpty() || json(media)))) {
      return F.nullNode();
    }
    if (media.isEmpty() || json(media)) {
      try {
        return JSON.readTree(text);
      } catch (IOException notJson) {
        if (!media.isEmpty()) {
          throw new WorkflowError(
              WorkflowError.COMMUNICATION,
              502,
              "Invalid response",
              "the content is typed " + media + " but is not JSON",
              ref);
        }
        return F.textNode(text);
      }
    }
    if (textual(media)) {
      return F.textNode(text);
    }
    return F.textNode(Base64.getEncoder().encodeToString(body));
  }

  private static boolean json(String media) {
    return media.equals("application/json") || media.endsWith("+json");
  }

  private static boolean textual(String media) {
    return media.startsWith("text/")
        || media.endsWith("/xml")
        || media.endsWith("+xml")
        || media.equals("application/x-www-form-urlencoded")
        || media.equals("application/javascript")
        || media.equals("application/yaml");
  }

  private static Charset charset(String type) {
    if (type != null) {
      for (String param : type.split(";")) {
        String p = param.strip();
        if (p.regionMatches(true, 0, "charset=", 0, 8)) {
          try {
            return Charset.forName(p.substring(8).replace("\"", "").strip());
          } catch (IllegalArgumentException unknown) {
            return StandardCharsets.UTF_8;
          }
        }
      }
    }
    return StandardCharsets.UTF_8;
  }
}
