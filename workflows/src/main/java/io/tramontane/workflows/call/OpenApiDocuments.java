package io.tramontane.workflows.call;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.swagger.v3.parser.util.OpenAPIDeserializer;
import io.tramontane.core.outbound.OutboundException;
import io.tramontane.core.outbound.OutboundHttp;
import io.tramontane.core.outbound.PinnedHttpExchange;
import io.tramontane.core.yaml.YamlException;
import io.tramontane.core.yaml.YamlLocations;
import io.tramontane.core.yaml.YamlReader;
import io.tramontane.workflows.run.WorkflowError;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OpenAPI documents of {@code call: openapi} (dsl-reference.md "OpenAPI Call": {@code document}
 * is an external resource). A document is fetched with {@code GET} through the same outbound-HTTP
 * component and policy as {@code call: http} (allowlist, every address checked, pinned connection,
 * redirects each checked again, {@code max-response-bytes}: a larger document is refused, never
 * truncated), read by the platform's hardened YAML reader (JSON is YAML; aliases, tags, depth and
 * size bounded), then handed as a tree to swagger-parser's OpenAPI 3 deserializer — which therefore
 * never fetches anything itself: remote {@code $ref}s are not resolved. A run reads each document
 * once: it is kept per run and URL (the last {@value #CACHED} pairs of the node), so the calls of a
 * run see the same operations; a recorded call is replayed from the journal and never reads it.
 */
final class OpenApiDocuments {

  /** Documents kept on this node, by run and URL. */
  static final int CACHED = 64;

  private static final int MAX_DEPTH = 128;
  private static final int MAX_ALIASES = 100;
  private static final int MAX_VALUES = 500_000;

  private final OutboundHttp http;
  private final Map<String, OpenAPI> cache =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, OpenAPI> eldest) {
          return size() > CACHED;
        }
      };

  OpenApiDocuments(OutboundHttp http) {
    this.http = http;
  }

  /** The document at {@code url} for the run of {@code call}, read once per run. */
  OpenAPI get(CallHandler.Call call, URI url) {
    String key = call.runId() + " " + url;
    synchronized (cache) {
      OpenAPI known = cache.get(key);
      if (known != null) {
        return known;
      }
    }
    OpenAPI api = parse(fetch(call, url), url, call.task());
    synchronized (cache) {
      cache.putIfAbsent(key, api);
      return cache.get(key);
    }
  }

  private byte[] fetch(CallHandler.Call call, URI url) {
    OutboundHttp.Request request =
        new OutboundHttp.Request(
            "GET",
            url,
            List.of(Map.entry("Accept", "application/json, application/yaml;q=0.9, */*;q=0.5")),
            null);
    PinnedHttpExchange.Response response;
    try {
      response = http.send(request, true);
    } catch (OutboundException e) {
      throw HttpCall.failure(call, "GET", e);
    }
    if (response.truncated()) {
      throw new WorkflowError(
          WorkflowError.COMMUNICATION,
          502,
          "Document too large",
          "the OpenAPI document at "
              + OutboundHttp.hostOf(url)
              + " is over "
              + http.policy().maxResponseBytes()
              + " bytes ("
              + HttpCall.KEY
              + ".max-response-bytes)",
          call.task());
    }
    int status = response.status();
    if (status < 200 || status >= 300) {
      throw new WorkflowError(
          WorkflowError.COMMUNICATION,
          status,
          "HTTP " + status,
          "GET " + OutboundHttp.hostOf(url) + " (the OpenAPI document)",
          call.task());
    }
    return response.body();
  }

  private OpenAPI parse(byte[] bytes, URI url, String ref) {
    JsonNode tree;
    try {
      tree =
          YamlReader.read(
              bytes,
              new YamlReader.Limits(
                  "the OpenAPI document",
                  http.policy().maxResponseBytes(),
                  HttpCall.KEY + ".max-response-bytes",
                  MAX_ALIASES,
                  null,
                  MAX_DEPTH,
                  MAX_VALUES),
              new YamlLocations());
    } catch (YamlException e) {
      throw bad(url, "line " + e.line() + ":" + e.column() + ": " + e.getMessage(), ref);
    }
    String version = tree == null ? "" : tree.path("openapi").asText("");
    if (!version.startsWith("3.")) {
      String found =
          tree != null && tree.has("swagger")
              ? "Swagger " + tree.path("swagger").asText()
              : "no 'openapi' version";
      throw bad(url, "not an OpenAPI 3 document (" + found + ")", ref);
    }
    SwaggerParseResult result = new OpenAPIDeserializer().deserialize(tree);
    if (result.getOpenAPI() == null || result.getOpenAPI().getPaths() == null) {
      throw bad(url, String.join("; ", messages(result)), ref);
    }
    return result.getOpenAPI();
  }

  private static List<String> messages(SwaggerParseResult result) {
    return result.getMessages() == null || result.getMessages().isEmpty()
        ? List.of("it has no paths")
        : result.getMessages().stream().limit(3).toList();
  }

  private static WorkflowError bad(URI url, String detail, String ref) {
    return WorkflowError.runtime(
        400,
        "Bad OpenAPI document",
        OutboundHttp.hostOf(url) + url.getRawPath() + ": " + detail,
        ref);
  }
}
