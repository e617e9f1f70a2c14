package io.tramontane.workflows.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.servers.Server;
import io.swagger.v3.oas.models.servers.ServerVariable;
import io.tramontane.workflows.run.WorkflowError;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One OpenAPI operation and the {@code parameters} of a {@code call: openapi} as the {@code with}
 * of a {@code call: http}. Each parameter goes where the operation (or its path item) declares it —
 * OpenAPI 3 "Parameter Object" {@code in}: {@code path} (replaces {@code {name}}, percent-encoded,
 * a list joined with commas), {@code query} (a list repeats the name, or is joined with commas when
 * {@code explode: false}), {@code header} (a list joined with commas), {@code cookie} (one {@code
 * Cookie} header, values percent-encoded). An operation with a {@code requestBody} takes it from
 * the parameter {@code body}, sent as the body's media type (JSON when it has a JSON one; form
 * fields for {@code application/x-www-form-urlencoded}; text for {@code text/*}). The URL is the
 * first server (operation, then path item, then document; {@code /} when none) with its variables'
 * defaults, resolved against the document's URL when relative, then the path.
 */
final class OpenApiRequest {

  /** The parameter that holds the request body. */
  static final String BODY = "body";

  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final OpenAPI api;
  private final PathItem item;
  private final Operation operation;
  private final String operationId;
  private final String ref;
  private final Map<String, Parameter> declared;
  private final RequestBody body;

  private OpenApiRequest(
      OpenAPI api,
      PathItem item,
      Operation operation,
      String operationId,
      String ref,
      Map<String, Parameter> declared,
      RequestBody body) {
    this.api = api;
    this.item = item;
    this.operation = operation;
    this.operationId = operationId;
    this.ref = ref;
    this.declared = declared;
    this.body = body;
  }

  /** The parameters the operation declares (its own over its path item's) and its body. */
  static OpenApiRequest of(
      OpenAPI api, PathItem item, Operation operation, String operationId, String ref) {
    Map<String, Parameter> declared = new LinkedHashMap<>();
    for (List<Parameter> list :
        List.of(listOf(operation.getParameters()), listOf(item.getParameters()))) {
      for (Parameter p : list) {
        Parameter resolved = OpenApiRefs.parameter(api, p, ref);
        declared.putIfAbsent(resolved.getName(), resolved);
      }
    }
    RequestBody body =
        operation.getRequestBody() == null
            ? null
            : OpenApiRefs.requestBody(api, operation.getRequestBody(), ref);
    return new OpenApiRequest(api, item, operation, operationId, ref, declared, body);
  }

  private static List<Parameter> listOf(List<Parameter> parameters) {
    return parameters == null ? List.of() : parameters;
  }

  /** The {@code with} of the {@code call: http} that performs the operation. */
  ObjectNode build(String method, String path, URI document, JsonNode parameters) {
    if (!METHODS.contains(method.toUpperCase(Locale.ROOT))) {
      throw WorkflowError.runtime(
          400,
          "Unsupported method",
          "operation '" + operationId + "' is " + method + "; supported: " + METHODS,
          ref);
    }
    JsonNode given = parameters.isObject() ? parameters : F.objectNode();
    check(given);
    String expanded = path;
    ObjectNode query = F.objectNode();
    ObjectNode headers = F.objectNode();
    List<String> cookies = new ArrayList<>();
    for (Parameter p : declared.values()) {
      JsonNode value = given.get(p.getName());
      if (value == null || value.isNull()) {
        continue;
      }
      switch (p.getIn()) {
        case "path" -> expanded = expanded.replace("{" + p.getName() + "}", encoded(p, value));
        case "query" ->
            query.set(
                p.getName(),
                value.isArray() && Boolean.FALSE.equals(p.getExplode())
                    ? F.textNode(joined(p, value))
                    : value);
        case "header" -> headers.put(p.getName(), joined(p, value));
        case "cookie" -> cookies.add(p.getName() + "=" + encoded(p, value));
        default -> throw bad("parameter '" + p.getName() + "' is in '" + p.getIn() + "'");
      }
    }
    if (!cookies.isEmpty()) {
      headers.put("Cookie", String.join("; ", cookies));
    }
    ObjectNode with = F.objectNode();
    with.put("method", method.toUpperCase(Locale.ROOT));
    with.put("endpoint", server(document) + expanded);
    with.set("query", query);
    JsonNode content = given.get(BODY);
    if (body != null && content != null && !content.isNull()) {
      OpenApiBody.Encoded encoded = OpenApiBody.encode(body, content, operationId, ref);
      headers.put("Content-Type", encoded.mediaType());
      with.put("body", encoded.text());
    }
    with.set("headers", headers);
    return with;
  }

  /** Every given parameter is declared, every required one given. */
  private void check(JsonNode given) {
    for (Map.Entry<String, JsonNode> g : given.properties()) {
      if (!declared.containsKey(g.getKey()) && !(body != null && BODY.equals(g.getKey()))) {
        throw WorkflowError.runtime(
            400,
            "Unknown parameter",
            "operation '"
                + operationId
                + "' has no parameter '"
                + g.getKey()
                + "'; it declares "
                + names(),
            ref);
      }
    }
    for (Parameter p : declared.values()) {
      boolean required = "path".equals(p.getIn()) || Boolean.TRUE.equals(p.getRequired());
      JsonNode value = given.get(p.getName());
      if (required && (value == null || value.isNull())) {
        throw missing("'" + p.getName() + "' (" + p.getIn() + ")");
      }
    }
    JsonNode content = given.get(BODY);
    if (body != null
        && Boolean.TRUE.equals(body.getRequired())
        && (content == null || content.isNull())) {
      throw missing("'" + BODY + "' (the request body)");
    }
  }

  private WorkflowError missing(String what) {
    return WorkflowError.runtime(
        400, "Missing parameter", "operation '" + operationId + "' needs parameter " + what, ref);
  }

  private List<String> names() {
    List<String> names = new ArrayList<>();
    declared.values().forEach(p -> names.add(p.getName() + " (" + p.getIn() + ")"));
    if (body != null) {
      names.add(BODY + " (the request body)");
    }
    return names;
  }

  private String server(URI document) {
    List<Server> servers = operation.getServers();
    if (servers == null || servers.isEmpty()) {
      servers = item.getServers();
    }
    if (servers == null || servers.isEmpty()) {
      servers = api.getServers();
    }
    String url = servers == null || servers.isEmpty() ? "/" : servers.getFirst().getUrl();
    if (servers != null && !servers.isEmpty() && servers.getFirst().getVariables() != null) {
      for (Map.Entry<String, ServerVariable> v : servers.getFirst().getVariables().entrySet()) {
        url = url.replace("{" + v.getKey() + "}", String.valueOf(v.getValue().getDefault()));
      }
    }
    URI resolved;
    try {
      resolved = document.resolve(url);
    } catch (IllegalArgumentException e) {
      throw bad("server URL '" + url + "' is not a URI");
    }
    String text = resolved.toString();
    return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
  }

  private String encoded(Parameter p, JsonNode value) {
    StringBuilder out = new StringBuilder();
    for (String part : parts(p, value)) {
      if (!out.isEmpty()) {
        out.append(',');
      }
      HttpQuery.encode(part, out);
    }
    return out.toString();
  }

  private String joined(Parameter p, JsonNode value) {
    return String.join(",", parts(p, value));
  }

  private List<String> parts(Parameter p, JsonNode value) {
    List<String> parts = new ArrayList<>();
    for (JsonNode v : value.isArray() ? value : List.of(value)) {
      if (v.isContainerNode()) {
        throw WorkflowError.runtime(
            400,
            "Bad parameter",
            "parameter '"
                + p.getName()
                + "' ("
                + p.getIn()
                + ") is an object or nested list; give a string, number, boolean or a list of them",
            ref);
      }
      parts.add(v.asText());
    }
    return parts;
  }

  private WorkflowError bad(String detail) {
    return WorkflowError.runtime(
        400, "Bad OpenAPI document", "operation '" + operationId + "': " + detail, ref);
  }
}
