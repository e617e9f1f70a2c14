package io.tramontane.workflows.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.tramontane.workflows.run.WorkflowError;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code call: openapi} (dsl-reference.md "OpenAPI Call"): the operation {@code operationId} of the
 * OpenAPI 3 document at {@code document.endpoint} (read by {@link OpenApiDocuments}: once per run,
 * through the {@code call: http} outbound policy), its {@code parameters} placed as the operation
 * declares them ({@link OpenApiRequest}), then sent exactly as a {@code call: http} with the same
 * {@code output} and {@code redirect} ({@link HttpCall}: idempotency key, policy, status handling,
 * output shapes, the DSL's communication error). An unknown operation, a missing required parameter
 * or one the operation does not declare fails the task (runtime error, 400) before any request to
 * the API. The call's {@code authentication} is applied to the API's requests as for {@code call:
 * http}; one on the document's endpoint is refused when the definition is validated.
 */
public final class OpenApiCall implements CallHandler {

  private final HttpCall http;
  private final OpenApiDocuments documents;

  /** Sends through {@code http} and reads documents with its outbound-HTTP component. */
  public OpenApiCall(HttpCall http) {
    this.http = http;
    this.documents = new OpenApiDocuments(http.outbound());
  }

  @Override
  public String function() {
    return "openapi";
  }

  @Override
  public JsonNode call(Call call, JsonNode with) {
    String ref = call.task();
    URI document = documentUri(with.path("document").path("endpoint"), ref);
    OpenAPI api = documents.get(call, document);
    String operationId = with.path("operationId").asText();
    Found found = find(api, operationId, ref);
    ObjectNode request =
        OpenApiRequest.of(api, found.item(), found.operation(), operationId, ref)
            .build(found.method(), found.path(), document, with.path("parameters"));
    if (with.has("output")) {
      request.set("output", with.get("output"));
    }
    if (with.has("redirect")) {
      request.set("redirect", with.get("redirect"));
    }
    if (with.path("authentication").isObject()) {
      ObjectNode endpoint = request.objectNode();
      endpoint.set("uri", request.get("endpoint"));
      endpoint.set("authentication", with.get("authentication"));
      request.set("endpoint", endpoint);
    }
    return http.call(call, request);
  }

  private static URI documentUri(JsonNode endpoint, String ref) {
    String text = endpoint.isTextual() ? endpoint.asText() : endpoint.path("uri").asText();
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw WorkflowError.runtime(
        400, "Bad endpoint", "the OpenAPI document '" + text + "' is not an http(s) URL", ref);
  }

  /** The operation, its path item, path and method. */
  private record Found(String path, PathItem item, String method, Operation operation) {}

  private static Found find(OpenAPI api, String operationId, String ref) {
    TreeSet<String> known = new TreeSet<>();
    for (Map.Entry<String, PathItem> p : api.getPaths().entrySet()) {
      for (Map.Entry<PathItem.HttpMethod, Operation> o :
          p.getValue().readOperationsMap().entrySet()) {
        String id = o.getValue().getOperationId();
        if (operationId.equals(id)) {
          return new Found(p.getKey(), p.getValue(), o.getKey().name(), o.getValue());
        }
        if (id != null) {
          known.add(id);
        }
      }
    }
    throw WorkflowError.runtime(
        400,
        "Unknown operation",
        "the OpenAPI document has no operation '"
            + operationId
            + "'; it has "
            + known.stream().limit(30).toList()
            + (known.size() > 30 ? " …" : ""),
        ref);
  }
}
