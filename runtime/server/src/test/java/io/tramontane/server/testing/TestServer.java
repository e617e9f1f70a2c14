package io.tramontane.server.testing;

import io.tramontane.core.TramontaneConfig;
import io.tramontane.intake.signature.GitHubScheme;
import io.tramontane.intake.signature.StandardWebhooksScheme;
import io.tramontane.server.TramontaneServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real Tramontane server on a free loopback port, with two tenants: {@code acme} owns the
 * Standard Webhooks trigger {@code orders} and the GitHub trigger {@code github}; {@code globex}
 * owns {@code billing}; the definitions of {@code tramontane.agents.dir} and {@code
 * tramontane.workflows.dir} are acme's. API keys: {@link #ACME_KEY} (all scopes, {@code
 * principals:assert} included: it passes any principals, like a trusted front end), {@link
 * #ACME_NO_SCOPE_KEY} (no scopes), {@link #GLOBEX_KEY} (all scopes, other tenant).
 */
public final class TestServer implements AutoCloseable {

  public static final String ORDERS_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  public static final String ORDERS_OLD_SECRET = "whsec_c2VjcmV0LWJlZm9yZS1yb3RhdGlvbi0xMjM0NTY=";
  public static final String GITHUB_SECRET = "It's a Secret to Everybody";
  public static final String BILLING_SECRET = "whsec_YmlsbGluZy1zZWNyZXQtZm9yLXRoZS10ZXN0cw==";
  public static final String ACME_KEY = "acme-key-0123456789abcdef0123456789";
  public static final String ACME_NO_SCOPE_KEY = "acme-noscope-0123456789abcdef012345";
  public static final String GLOBEX_KEY = "globex-key-0123456789abcdef01234567";

  /** The environment the server resolves its secret references from. */
  public static final Map<String, String> ENV =
      Map.of(
          "IT_ORDERS_SECRET", ORDERS_SECRET,
          "IT_ORDERS_OLD_SECRET", ORDERS_OLD_SECRET,
          "IT_GITHUB_SECRET", GITHUB_SECRET,
          "IT_BILLING_SECRET", BILLING_SECRET,
          "IT_ACME_KEY", ACME_KEY,
          "IT_ACME_NO_SCOPE_KEY", ACME_NO_SCOPE_KEY,
          "IT_GLOBEX_KEY", GLOBEX_KEY);

  private final TramontaneServer server;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestServer(TramontaneServer server) {
    this.server = server;
  }

  /** The triggers and keys above, as configuration. */
  public static Map<String, Object> securityConfig() {
    Map<String, Object> o = new HashMap<>();
    o.put(
        "tramontane.intake.triggers.orders",
        Map.of(
            "tenant", "acme",
            "scheme", "standard-webhooks",
            "secrets", List.of("env:IT_ORDERS_SECRET", "env:IT_ORDERS_OLD_SECRET"),
            "max-body-size", "64k"));
    o.put(
        "tramontane.intake.triggers.github",
        Map.of("tenant", "acme", "scheme", "github", "secrets", List.of("env:IT_GITHUB_SECRET")));
    o.put(
        "tramontane.intake.triggers.billing",
        Map.of(
            "tenant", "globex",
            "scheme", "standard-webhooks",
            "secrets", List.of("env:IT_BILLING_SECRET"),
            "max-body-size", "8m"));
    List<String> all =
        List.of(
            "deliveries:read",
            "triggers:read",
            "documents:write",
            "documents:read",
            "search",
            "agents:read",
            "agents:write",
            "agents:use",
            "agents:approve",
            "workflows:read",
            "workflows:write",
            "workflows:run",
            "events:publish",
            "connectors:read",
            "connectors:write",
            "cluster:read",
            "principals:assert");
    o.put(
        "tramontane.server.api-keys.acme",
        Map.of("tenant", "acme", "scopes", all, "key", "env:IT_ACME_KEY"));
    o.put(
        "tramontane.server.api-keys.acme-noscope",
        Map.of("tenant", "acme", "scopes", List.of(), "key", "env:IT_ACME_NO_SCOPE_KEY"));
    o.put(
        "tramontane.server.api-keys.globex",
        Map.of("tenant", "globex", "scopes", all, "key", "env:IT_GLOBEX_KEY"));
    // Agent and workflow definitions from the configured directories belong to acme.
    o.put("tramontane.agents.tenant", "acme");
    o.put("tramontane.workflows.tenant", "acme");
    return o;
  }

  public static TestServer start(TestDatabase db) {
    return start(db, Map.of());
  }

  /** A server with {@code extra} configuration over the test triggers and keys. */
  public static TestServer start(TestDatabase db, Map<String, Object> extra) {
    Map<String, Object> o = new HashMap<>(securityConfig());
    o.putAll(extra);
    o.putAll(db.overrides());
    o.put("tramontane.server.port", 0);
    o.put("tramontane.cluster.port", 0);
    TestServer server =
        new TestServer(
            TramontaneServer.start(TramontaneConfig.load(o), ENV::get, Clock.systemUTC()));
    server.awaitReady(Duration.ofSeconds(30));
    return server;
  }

  /** Polls {@code GET /ready} until it answers 200. */
  public void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = get("/ready", null);
        if (r.statusCode() == 200) {
          return;
        }
        last = r.body();
        Thread.sleep(100);
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("server not ready within " + timeout + ": " + last);
  }

  public TramontaneServer server() {
    return server;
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  public HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> get(String path, String apiKey)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
    if (apiKey != null) {
      b.header("Authorization", "Bearer " + apiKey);
    }
    return send(b.build());
  }

  /** A correctly signed Standard Webhooks request for the {@code orders} trigger. */
  public HttpRequest signedOrder(String id, String body) {
    return signed("orders", ORDERS_SECRET, id, Instant.now().getEpochSecond(), body);
  }

  public HttpRequest signed(String trigger, String secret, String id, long ts, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return HttpRequest.newBuilder(uri("/hooks/" + trigger))
        .header("content-type", "application/json")
        .header("webhook-id", id)
        .header("webhook-timestamp", Long.toString(ts))
        .header(
            "webhook-signature",
            StandardWebhooksScheme.sign(StandardWebhooksScheme.decodeSecret(secret), id, ts, bytes))
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
        .build();
  }

  /** A correctly signed GitHub delivery for the {@code github} trigger. */
  public HttpRequest gitHub(String deliveryId, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return HttpRequest.newBuilder(uri("/hooks/github"))
        .header("content-type", "application/json")
        .header("x-github-event", "push")
        .header("x-github-delivery", deliveryId)
        .header(
            "x-hub-signature-256",
            GitHubScheme.sign(GITHUB_SECRET.getBytes(StandardCharsets.UTF_8), bytes))
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
        .build();
  }

  @Override
  public void close() {
    server.close();
  }
}
