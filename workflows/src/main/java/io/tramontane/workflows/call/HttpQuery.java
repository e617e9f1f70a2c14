package io.tramontane.workflows.call;

import com.fasterxml.jackson.databind.JsonNode;
import io.tramontane.workflows.run.WorkflowError;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code with.query} of a {@code call: http} (dsl-reference.md "HTTP Call": a name/value mapping of
 * the query parameters) as the request's query string: names and values percent-encoded as UTF-8
 * (every character outside RFC 3986's unreserved set, so a space is {@code %20} and {@code &} is
 * {@code %26}), in the map's order, after a query the endpoint already has. A string, number or
 * boolean is its text, an array repeats the parameter once per element, null leaves it out; an
 * object has no query-string form and fails the task (400).
 */
final class HttpQuery {

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private HttpQuery() {}

  /** {@code uri} with {@code query} (null, missing or a map) appended. */
  static URI append(URI uri, JsonNode query, String ref) {
    if (query == null || query.isNull() || query.isMissingNode()) {
      return uri;
    }
    if (!query.isObject()) {
      throw WorkflowError.runtime(
          400, "Bad query", "'query' must be a map of names to values, not " + query, ref);
    }
    StringBuilder params = new StringBuilder();
    for (Map.Entry<String, JsonNode> p : query.properties()) {
      JsonNode value = p.getValue();
      if (value.isArray()) {
        for (JsonNode element : value) {
          param(params, p.getKey(), element, ref);
        }
      } else {
        param(params, p.getKey(), value, ref);
      }
    }
    if (params.isEmpty()) {
      return uri;
    }
    String text = uri.toString();
    int hash = text.indexOf('#');
    String base = hash < 0 ? text : text.substring(0, hash);
    String separator =
        uri.getRawQuery() == null ? "?" : base.endsWith("?") || base.endsWith("&") ? "" : "&";
    return URI.create(base + separator + params);
  }

  private static void param(StringBuilder out, String name, JsonNode value, String ref) {
    if (value.isNull()) {
      return;
    }
    if (value.isContainerNode()) {
      throw WorkflowError.runtime(
          400,
          "Bad query",
          "query parameter '"
              + name
              + "' is "
              + (value.isArray() ? "a nested array" : "an object")
              + "; a query value is a string, number, boolean, null or a list of them",
          ref);
    }
    if (!out.isEmpty()) {
      out.append('&');
    }
    encode(name, out);
    out.append('=');
    encode(value.asText(), out);
  }

  static void encode(String text, StringBuilder out) {
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '.'
          || c == '_'
          || c == '~') {
        out.append(c);
      } else {
        out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
      }
    }
  }
}
