package io.tramontane.workflows.call;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.tramontane.workflows.run.WorkflowError;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The request body of an OpenAPI operation, encoded for the media type its {@code requestBody}
 * declares: a JSON one (preferred when several) gets the value as JSON; {@code
 * application/x-www-form-urlencoded} the fields of an object, percent-encoded (a list repeats the
 * field); {@code text/*} a string as is; another media type takes a string only.
 */
final class OpenApiBody {

  private static final String FORM = "application/x-www-form-urlencoded";

  /** The body's text and the media type it is sent as. */
  record Encoded(String mediaType, String text) {}

  private OpenApiBody() {}

  static Encoded encode(RequestBody body, JsonNode value, String operationId, String ref) {
    String type = mediaType(body.getContent());
    String bare = type.toLowerCase(Locale.ROOT);
    if (bare.equals("application/json") || bare.endsWith("+json") || bare.equals("*/*")) {
      return new Encoded(bare.equals("*/*") ? "application/json" : type, value.toString());
    }
    if (bare.equals(FORM)) {
      return new Encoded(type, form(value, operationId, ref));
    }
    if (bare.startsWith("text/") || value.isTextual()) {
      return new Encoded(type, value.isTextual() ? value.asText() : value.toString());
    }
    throw WorkflowError.runtime(
        400,
        "Unsupported media type",
        "operation '"
            + operationId
            + "' takes "
            + type
            + "; give its body as a string (JSON, form and text bodies are encoded from values)",
        ref);
  }

  private static String mediaType(Content content) {
    if (content == null || content.isEmpty()) {
      return "application/json";
    }
    for (String type : content.keySet()) {
      String bare = type.toLowerCase(Locale.ROOT);
      if (bare.equals("application/json") || bare.endsWith("+json")) {
        return type;
      }
    }
    return content.keySet().iterator().next();
  }

  private static String form(JsonNode value, String operationId, String ref) {
    if (!value.isObject()) {
      throw WorkflowError.runtime(
          400,
          "Bad parameter",
          "operation '" + operationId + "' takes a form: give 'body' as a map of fields",
          ref);
    }
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, JsonNode> field : value.properties()) {
      JsonNode values = field.getValue();
      for (JsonNode v : values.isArray() ? values : List.of(values)) {
        if (v.isNull()) {
          continue;
        }
        if (v.isContainerNode()) {
          throw WorkflowError.runtime(
              400,
              "Bad parameter",
              "form field '" + field.getKey() + "' is an object or a nested list",
              ref);
        }
        if (!out.isEmpty()) {
          out.append('&');
        }
        HttpQuery.encode(field.getKey(), out);
        out.append('=');
        HttpQuery.encode(v.asText(), out);
      }
    }
    return out.toString();
  }
}
