package io.tramontane.workflows.definition;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The profile's checks of {@code call} tasks: the supported functions, the arguments of {@code
 * call: agent} and {@code call: retrieve}, and a literal {@code call: http} method and endpoint (an
 * absolute http(s) URI, possibly a {@link UriTemplate}).
 */
final class ProfileCalls {

  private static final Set<String> HTTP_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
  private static final Set<String> AGENT_ARGS = Set.of("agent", "message", "session");
  private static final Set<String> RETRIEVE_ARGS = Set.of("collection", "query", "k");

  private final Locations where;
  private final List<Problem> problems;
  private final Set<String> claimed;
  private final Map<String, String> tasks;

  ProfileCalls(
      Locations where, List<Problem> problems, Set<String> claimed, Map<String, String> tasks) {
    this.where = where;
    this.problems = problems;
    this.claimed = claimed;
    this.tasks = tasks;
  }

  /** A {@code call} task: http, agent and retrieve, with their arguments. */
  void check(String pointer, String name, JsonNode task) {
    JsonNode call = task.get("call");
    if (call == null || !call.isTextual()) {
      return;
    }
    String function = call.asText();
    JsonNode with = task.get("with");
    tasks.put(pointer, DslSchema.callBranch(function));
    switch (function) {
      case "http" -> http(pointer + "/with", with);
      case "agent" ->
          arguments(pointer, name, "agent", with, AGENT_ARGS, List.of("agent", "message"));
      case "retrieve" ->
          arguments(pointer, name, "retrieve", with, RETRIEVE_ARGS, List.of("collection", "query"));
      case "openapi" -> openapi(pointer + "/with", name, with);
      case "mcp" -> {
        claimed.add(pointer);
        problems.add(
            where.at(
                pointer + "/call",
                "task '" + name + "': call: mcp is not supported: the platform has no MCP client",
                "use call: http against the service's HTTP endpoint, or call: agent"));
      }
      case "grpc", "asyncapi", "a2a" -> {
        claimed.add(pointer);
        problems.add(
            where.at(
                pointer + "/call",
                "task '" + name + "': call: " + function + " is not supported",
                "use call: http against the service's HTTP endpoint"));
      }
      default -> {
        claimed.add(pointer);
        problems.add(
            where.at(
                pointer + "/call",
                "task '" + name + "': unknown function '" + function + "'",
                "supported calls are http, openapi, agent and retrieve (use.functions is not"
                    + " supported)"));
      }
    }
  }

  private void arguments(
      String pointer,
      String name,
      String function,
      JsonNode with,
      Set<String> known,
      List<String> required) {
    if (with == null || !with.isObject()) {
      claimed.add(pointer);
      problems.add(
          where.at(
              pointer + "/call",
              "task '" + name + "': call: " + function + " needs 'with' " + required,
              "add with: {" + String.join(": …, ", required) + ": …}"));
      return;
    }
    for (String r : required) {
      if (!with.has(r)) {
        claimed.add(pointer);
        problems.add(
            where.at(
                pointer + "/with",
                "task '" + name + "': call: " + function + " needs 'with." + r + "'",
                "add " + r + " under with"));
      }
    }
    for (Iterator<String> it = with.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) {
        claimed.add(pointer);
        problems.add(
            where.atKey(
                pointer + "/with/" + Locations.escape(key),
                "task '" + name + "': call: " + function + " has no argument '" + key + "'",
                "known arguments: " + known.stream().sorted().toList()));
      }
    }
  }

  /**
   * {@code call: openapi} (dsl-reference.md "OpenAPI Call"): the document is read from an absolute
   * http(s) URL (definitions are deployed over the API, so there is no directory to read a file
   * from) or an expression. The call's {@code authentication} applies to the API's requests; one on
   * the document's endpoint (a protected document) is not applied and is refused.
   */
  private void openapi(String pointer, String name, JsonNode with) {
    if (with == null || !with.isObject()) {
      return;
    }
    JsonNode endpoint = with.path("document").get("endpoint");
    String endpointPointer = pointer + "/document/endpoint";
    if (endpoint != null && endpoint.isObject()) {
      refuseAuthentication(endpointPointer + "/authentication", name, endpoint);
      endpoint = endpoint.get("uri");
      endpointPointer += "/uri";
    }
    if (endpoint == null || !endpoint.isTextual() || Profile.isExpression(endpoint.asText())) {
      return;
    }
    String text = endpoint.asText();
    String problem = null;
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        problem = "the OpenAPI document '" + text + "' is not an http or https URL";
      } else if (uri.getHost() == null || uri.getHost().isBlank()) {
        problem = "the OpenAPI document '" + text + "' has no host";
      }
    } catch (URISyntaxException e) {
      problem = "the OpenAPI document '" + text + "' is not a valid URL: " + e.getReason();
    }
    if (problem != null) {
      claimed.add(endpointPointer);
      problems.add(
          where.at(
              endpointPointer,
              "task '" + name + "': " + problem,
              "serve the document over http(s), e.g. https://api.example.com/openapi.json (the"
                  + " host in tramontane.workflows.http.allowed-hosts), or give an expression ${ … }"));
    }
  }

  private void refuseAuthentication(String pointer, String name, JsonNode parent) {
    if (parent.has("authentication")) {
      claimed.add(pointer);
      problems.add(
          where.atKey(
              pointer,
              "task '"
                  + name
                  + "': 'authentication' on the OpenAPI document's endpoint is not applied",
              "serve the document without authentication; the call's own authentication (with:"
                  + " authentication) applies to the API's requests"));
    }
  }

  private void http(String pointer, JsonNode with) {
    if (with == null || !with.isObject()) {
      return;
    }
    JsonNode method = with.get("method");
    if (method != null
        && method.isTextual()
        && !HTTP_METHODS.contains(method.asText().toUpperCase(Locale.ROOT))) {
      problems.add(
          where.at(
              pointer + "/method",
              "HTTP method '" + method.asText() + "' is not supported",
              "use one of " + HTTP_METHODS.stream().sorted().toList()));
    }
    JsonNode endpoint = with.get("endpoint");
    String endpointPointer = pointer + "/endpoint";
    if (endpoint != null && endpoint.isObject()) {
      endpoint = endpoint.get("uri");
      endpointPointer += "/uri";
    }
    if (endpoint == null || !endpoint.isTextual() || Profile.isExpression(endpoint.asText())) {
      return;
    }
    String text = endpoint.asText();
    String problem = null;
    String hint =
        "write an absolute URI like https://api.example.com/orders, or an expression ${ … }";
    try {
      URI uri = new URI(UriTemplate.parse(text).sample());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        problem = "endpoint '" + text + "' is not an http or https URI";
      } else if (uri.getHost() == null || uri.getHost().isBlank()) {
        problem = "endpoint '" + text + "' has no host";
      }
    } catch (URISyntaxException e) {
      problem = "endpoint '" + text + "' is not a valid URI: " + e.getReason();
    } catch (UriTemplate.TemplateException e) {
      problem =
          "endpoint '" + text + "' is not a URI template this runtime expands: " + e.getMessage();
      hint =
          "a URI template takes {name} of a top-level input property (RFC 6570 simple expansion);"
              + " build anything else with an expression ${ … }";
    }
    if (problem != null) {
      claimed.add(endpointPointer);
      problems.add(where.at(endpointPointer, problem, hint));
    }
  }
}
