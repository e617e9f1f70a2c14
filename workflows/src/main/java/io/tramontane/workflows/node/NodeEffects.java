package io.tramontane.workflows.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tramontane.agents.Agents;
import io.tramontane.agents.tool.AddressPolicy;
import io.tramontane.agents.tool.Citation;
import io.tramontane.retrieval.Retrieval;
import io.tramontane.retrieval.index.Caller;
import io.tramontane.retrieval.index.Hit;
import io.tramontane.retrieval.index.SearchMode;
import io.tramontane.workflows.run.Replay;
import io.tramontane.workflows.run.WorkflowError;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live side of a run's effects on this node: {@code call: http} (host allowlist, the run's
 * idempotency key on every request, size and time caps), {@code call: agent} (a turn of an agent
 * session, answer and citations), {@code call: retrieve} (permission-filtered search), {@code emit}
 * (logged), durable {@code wait} (sleeps on the run's virtual thread).
 */
public final class NodeEffects implements Replay.Live {

  private static final Logger LOG = LoggerFactory.getLogger(NodeEffects.class);
  private static final Logger AUDIT = LoggerFactory.getLogger("tramontane.audit");
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int MAX_RESPONSE_BYTES = 1024 * 1024;

  private final String runId;
  private final String tenant;
  private final Agents agents;
  private final Retrieval retrieval;
  private final List<String> allowedHosts;
  private final boolean allowPrivateNetworks;
  private final HttpClient http;

  public NodeEffects(
      String runId,
      String tenant,
      Agents agents,
      Retrieval retrieval,
      List<String> allowedHosts,
      boolean allowPrivateNetworks) {
    this.allowPrivateNetworks = allowPrivateNetworks;
    this.runId = runId;
    this.tenant = tenant;
    this.agents = agents;
    this.retrieval = retrieval;
    this.allowedHosts = List.copyOf(allowedHosts);
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  @Override
  public JsonNode call(String key, String function, JsonNode with) {
    String idempotencyKey = runId + "/" + key;
    return switch (function) {
      case "http" -> http(idempotencyKey, with, key);
      case "agent" -> agent(with, key);
      case "retrieve" -> retrieve(with, key);
      default ->
          throw new WorkflowError(
              WorkflowError.RUNTIME, 400, "Unsupported call", "call '" + function + "'", key);
    };
  }

  private JsonNode http(String idempotencyKey, JsonNode with, String ref) {
    JsonNode endpoint = with.path("endpoint");
    String url = endpoint.isTextual() ? endpoint.asText() : endpoint.path("uri").asText();
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new WorkflowError(WorkflowError.RUNTIME, 400, "Bad endpoint", url, ref);
    }
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    boolean allowed =
        ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
            && uri.getUserInfo() == null
            && allowedHosts.stream()
                .anyMatch(
                    h -> h.equals(host) || (h.startsWith("*.") && host.endsWith(h.substring(1))));
    if (!allowed) {
      AUDIT.warn("workflow http refused run={} task={} host={}", runId, ref, host);
      throw new WorkflowError(
          WorkflowError.COMMUNICATION,
          403,
          "Host not allowed",
          "'"
              + host
              + "' is not in tramontane.workflows.http.allowed-hosts; add it there to let workflows"
              + " call it",
          ref);
    }
    // The same address rules as the agents' http.request tool: every address the host resolves
    // to must be public, unless private networks are allowed (metadata endpoints never are).
    try {
      for (java.net.InetAddress a : java.net.InetAddress.getAllByName(host)) {
        java.util.Optional<String> refusal = AddressPolicy.refusal(a, allowPrivateNetworks);
        if (refusal.isPresent()) {
          AUDIT.warn(
              "workflow http refused run={} task={} host={} reason={}",
              runId,
              ref,
              host,
              refusal.get());
          throw new WorkflowError(
              WorkflowError.COMMUNICATION,
              403,
              "Address not allowed",
              "'"
                  + host
                  + "' resolves to "
                  + refusal.get()
                  + "; set tramontane.workflows.http.allow-private-networks = on to reach private"
                  + " networks",
              ref);
        }
      }
    } catch (java.net.UnknownHostException e) {
      throw new WorkflowError(WorkflowError.COMMUNICATION, 503, "Unknown host", host, ref);
    }
    String method = with.path("method").asText("get").toUpperCase(Locale.ROOT);
    JsonNode body = with.get("body");
    HttpRequest.BodyPublisher publisher =
        body == null || body.isNull()
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(
                body.isTextual() ? body.asText() : body.toString(), StandardCharsets.UTF_8);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .header("Idempotency-Key", idempotencyKey)
            .method(method, publisher);
    if (body != null && !body.isTextual()) {
      request.header("Content-Type", "application/json");
    }
    with.path("headers")
        .fields()
        .forEachRemaining(h -> request.header(h.getKey(), h.getValue().asText()));
    try {
      HttpResponse<byte[]> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      byte[] bytes = response.body();
      if (bytes.length > MAX_RESPONSE_BYTES) {
        throw new WorkflowError(
            WorkflowError.COMMUNICATION, 502, "Response too large", bytes.length + " bytes", ref);
      }
      if (response.statusCode() >= 400) {
        throw new WorkflowError(
            WorkflowError.COMMUNICATION,
            response.statusCode(),
            "HTTP " + response.statusCode(),
            method + " " + host,
            ref);
      }
      String text = new String(bytes, StandardCharsets.UTF_8);
      try {
        return text.isBlank() ? JSON.nullNode() : JSON.readTree(text);
      } catch (IOException notJson) {
        return JSON.getNodeFactory().textNode(text);
      }
    } catch (IOException e) {
      throw new WorkflowError(
          WorkflowError.COMMUNICATION,
          503,
          "Unreachable",
          method + " " + host + ": " + e.getMessage(),
          ref);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private JsonNode agent(JsonNode with, String ref) {
    String agent = with.path("agent").asText();
    String session = with.path("session").asText("wf-" + runId.replace('/', '-'));
    String message = with.path("message").asText();
    Set<String> principals = new java.util.LinkedHashSet<>();
    with.path("principals").forEach(p -> principals.add(p.asText()));
    try {
      Agents.Answer a =
          agents.ask(tenant, agent, session, message, principals).toCompletableFuture().join();
      ObjectNode out = JSON.createObjectNode().put("answer", a.text()).put("turn", a.turn());
      ArrayNode cs = out.putArray("citations");
      for (Citation c : a.citations()) {
        cs.addObject()
            .put("documentId", c.documentId())
            .put("title", c.title())
            .put("section", c.section())
            .put("page", c.page());
      }
      return out;
    } catch (CompletionException e) {
      throw new WorkflowError(
          WorkflowError.RUNTIME,
          502,
          "Agent call failed",
          String.valueOf(e.getCause().getMessage()),
          ref);
    }
  }

  private JsonNode retrieve(JsonNode with, String ref) {
    Set<String> principals = new java.util.LinkedHashSet<>();
    with.path("principals").forEach(p -> principals.add(p.asText()));
    try {
      List<Hit> hits =
          retrieval
              .search(
                  with.path("collection").asText(),
                  new Caller(tenant, principals),
                  SearchMode.HYBRID,
                  with.path("query").asText(),
                  Math.max(1, Math.min(20, with.path("k").asInt(5))))
              .toCompletableFuture()
              .join();
      ArrayNode out = JSON.createArrayNode();
      for (Hit h : hits) {
        out.addObject()
            .put("documentId", h.documentId())
            .put("title", h.title())
            .put("section", h.section())
            .put("page", h.page())
            .put("text", h.text());
      }
      return out;
    } catch (CompletionException e) {
      throw new WorkflowError(
          WorkflowError.RUNTIME,
          400,
          "Retrieve failed",
          String.valueOf(e.getCause().getMessage()),
          ref);
    }
  }

  @Override
  public void emit(String key, JsonNode event) {
    LOG.info(
        "Run {} emitted {} at {}", runId, event.path("with").path("type").asText("event"), key);
  }

  @Override
  public JsonNode listen(
      String key, JsonNode to, Instant deadline, java.util.function.UnaryOperator<JsonNode> view) {
    // the run's entity answers listen from its persisted inbox; this side never sees it
    throw new IllegalStateException("listen is served by the run's inbox");
  }

  @Override
  public void sleepUntil(Instant instant) {
    long millis = Duration.between(Instant.now(), instant).toMillis();
    if (millis > 0) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting", e);
      }
    }
  }
}
