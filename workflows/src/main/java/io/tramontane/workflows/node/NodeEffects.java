package io.tramontane.workflows.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tramontane.agents.Agents;
import io.tramontane.agents.tool.AddressPolicy;
import io.tramontane.agents.tool.Citation;
import io.tramontane.agents.tool.PinnedHttpExchange;
import io.tramontane.retrieval.Retrieval;
import io.tramontane.retrieval.index.Caller;
import io.tramontane.retrieval.index.Hit;
import io.tramontane.retrieval.index.SearchMode;
import io.tramontane.workflows.run.Replay;
import io.tramontane.workflows.run.WorkflowError;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live side of a run's effects on this node: {@code call: http} (host allowlist, the shared
 * {@link AddressPolicy} on every resolved address, the connection pinned to the vetted address by
 * {@link PinnedHttpExchange} so DNS rebinding cannot redirect it, TLS verified against the host
 * name, redirects never followed, the run's idempotency key on every request, size and time caps),
 * {@code call: agent} (a turn of an agent session, answer and citations), {@code call: retrieve}
 * (permission-filtered search), {@code emit} (logged), durable {@code wait} (sleeps on the run's
 * virtual thread).
 */
public final class NodeEffects implements Replay.Live {

  private static final Logger LOG = LoggerFactory.getLogger(NodeEffects.class);
  private static final Logger AUDIT = LoggerFactory.getLogger("tramontane.audit");
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int MAX_RESPONSE_BYTES = 1024 * 1024;
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");

  private final String runId;
  private final String tenant;
  private final Agents agents;
  private final Retrieval retrieval;
  private final List<String> allowedHosts;
  private final boolean allowPrivateNetworks;
  private final Resolver resolver;
  private final SSLSocketFactory tls;

  /** Host name to addresses; the system resolver outside tests. */
  @FunctionalInterface
  interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  public NodeEffects(
      String runId,
      String tenant,
      Agents agents,
      Retrieval retrieval,
      List<String> allowedHosts,
      boolean allowPrivateNetworks) {
    this(
        runId,
        tenant,
        agents,
        retrieval,
        allowedHosts,
        allowPrivateNetworks,
        InetAddress::getAllByName,
        (SSLSocketFactory) SSLSocketFactory.getDefault());
  }

  /** For tests: a scripted resolver and a TLS factory trusting a test certificate. */
  NodeEffects(
      String runId,
      String tenant,
      Agents agents,
      Retrieval retrieval,
      List<String> allowedHosts,
      boolean allowPrivateNetworks,
      Resolver resolver,
      SSLSocketFactory tls) {
    this.allowPrivateNetworks = allowPrivateNetworks;
    this.runId = runId;
    this.tenant = tenant;
    this.agents = agents;
    this.retrieval = retrieval;
    this.allowedHosts = List.copyOf(allowedHosts);
    this.resolver = resolver;
    this.tls = tls;
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
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean allowed =
        ("http".equals(scheme) || "https".equals(scheme))
            && uri.getUserInfo() == null
            && !host.isEmpty()
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
    String method = with.path("method").asText("get").toUpperCase(Locale.ROOT);
    JsonNode body = with.get("body");
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    headers.add(Map.entry("Idempotency-Key", idempotencyKey));
    boolean contentType = false;
    for (Map.Entry<String, JsonNode> h : with.path("headers").properties()) {
      String name = h.getKey();
      String value = h.getValue().asText();
      Optional<String> refusal =
          "idempotency-key".equalsIgnoreCase(name)
              ? Optional.of("header '" + name + "' is set by the platform (the run's key)")
              : PinnedHttpExchange.headerRefusal(name, value);
      if (refusal.isPresent()) {
        throw new WorkflowError(WorkflowError.RUNTIME, 400, "Bad header", refusal.get(), ref);
      }
      contentType |= "content-type".equalsIgnoreCase(name);
      headers.add(Map.entry(name, value));
    }
    if (body != null && !body.isNull() && !body.isTextual() && !contentType) {
      headers.add(Map.entry("Content-Type", "application/json"));
    }
    byte[] bytes =
        body == null || body.isNull()
            ? (BODY_METHODS.contains(method) ? new byte[0] : null)
            : (body.isTextual() ? body.asText() : body.toString()).getBytes(StandardCharsets.UTF_8);
    // The connection goes to the address vetted here, never to a fresh lookup (DNS rebinding).
    InetAddress address = vet(host, ref);
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    PinnedHttpExchange.Response response;
    try {
      response =
          PinnedHttpExchange.exchange(
              uri, address, method, headers, bytes, deadline, MAX_RESPONSE_BYTES, tls);
    } catch (IllegalArgumentException e) {
      throw new WorkflowError(
          WorkflowError.RUNTIME,
          400,
          "Bad request",
          method + " " + host + ": " + e.getMessage(),
          ref);
    } catch (IOException e) {
      throw new WorkflowError(
          WorkflowError.COMMUNICATION,
          503,
          "Unreachable",
          method + " " + host + ": " + e.getMessage(),
          ref);
    }
    if (response.truncated()) {
      throw new WorkflowError(
          WorkflowError.COMMUNICATION,
          502,
          "Response too large",
          "more than " + MAX_RESPONSE_BYTES + " bytes",
          ref);
    }
    if (response.status() >= 400) {
      throw new WorkflowError(
          WorkflowError.COMMUNICATION,
          response.status(),
          "HTTP " + response.status(),
          method + " " + host,
          ref);
    }
    String text = new String(response.body(), StandardCharsets.UTF_8);
    try {
      return text.isBlank() ? JSON.nullNode() : JSON.readTree(text);
    } catch (IOException notJson) {
      return JSON.getNodeFactory().textNode(text);
    }
  }

  /**
   * Resolves {@code host} once and checks every address with the agents' {@link AddressPolicy}
   * (private networks only when allowed, metadata endpoints never); the first address is the one
   * the request is sent to.
   */
  private InetAddress vet(String host, String ref) {
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(host);
    } catch (UnknownHostException | IllegalArgumentException e) {
      throw new WorkflowError(WorkflowError.COMMUNICATION, 503, "Unknown host", host, ref);
    }
    if (addresses == null || addresses.length == 0) {
      throw new WorkflowError(WorkflowError.COMMUNICATION, 503, "Unknown host", host, ref);
    }
    for (InetAddress a : addresses) {
      Optional<String> refusal = AddressPolicy.refusal(a, allowPrivateNetworks);
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
    return addresses[0];
  }

  private JsonNode agent(JsonNode with, String ref) {
    String agent = with.path("agent").asText();
    String session = with.path("session").asText("wf-" + runId.replace('/', '-'));
    String message = with.path("message").asText();
    // A run acts for no user (the profile refuses 'principals'): public documents only.
    Set<String> principals = Set.of();
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
    // A run acts for no user (the profile refuses 'principals'): public documents only.
    Set<String> principals = Set.of();
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
