package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tramontane.intake.signature.StandardWebhooksScheme;
import io.tramontane.server.testing.TestDatabase;
import io.tramontane.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 item 14: a header the intake reads that arrives twice used to be taken from its first
 * copy, so a proxy and the application behind it could disagree on which delivery or signature was
 * meant. Every such header sent more than once — with different values or the same — is refused
 * with 400 naming it, and nothing is stored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookDuplicateHeadersIT {

  static final ObjectMapper JSON = new ObjectMapper();

  TestServer server;

  @BeforeAll
  void start(@TempDir Path dir) {
    server = TestServer.start(TestDatabase.h2(dir));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  static String newId() {
    return "msg_" + UUID.randomUUID().toString().replace("-", "");
  }

  /** {@code request} with one more value of {@code header}. */
  static HttpRequest plus(HttpRequest request, String header, String value) {
    return HttpRequest.newBuilder(request, (n, v) -> true).header(header, value).build();
  }

  void assertRefusedNaming(HttpRequest request, String header, String trigger, String id)
      throws Exception {
    HttpResponse<String> r = server.send(request);
    assertEquals(400, r.statusCode(), header + ": " + r.body());
    assertEquals("application/problem+json", r.headers().firstValue("content-type").orElseThrow());
    JsonNode problem = JSON.readTree(r.body());
    assertEquals(400, problem.path("status").asInt(), r.body());
    assertTrue(problem.path("status").isInt(), r.body());
    assertTrue(problem.path("detail").asText().contains(header), r.body());
    HttpResponse<String> stored =
        server.get("/hooks/" + trigger + "/deliveries/" + id, TestServer.ACME_KEY);
    assertEquals(404, stored.statusCode(), header + ": nothing stored, " + stored.body());
  }

  @Test
  void standardWebhooksHeadersSentTwiceAreRefused() throws Exception {
    String body = "{\"order\":7}";
    // A second, different webhook-id: the signature covers the first one.
    String id = newId();
    assertRefusedNaming(
        plus(server.signedOrder(id, body), "webhook-id", newId()), "webhook-id", "orders", id);
    // The same id twice is refused too: one delivery has one id.
    id = newId();
    assertRefusedNaming(
        plus(server.signedOrder(id, body), "webhook-id", id), "webhook-id", "orders", id);
    // A second timestamp.
    id = newId();
    assertRefusedNaming(
        plus(
            server.signedOrder(id, body),
            "webhook-timestamp",
            Long.toString(Instant.now().getEpochSecond() - 1)),
        "webhook-timestamp",
        "orders",
        id);
    // A second signature header, invalid, after a valid one (a rotation puts several signatures
    // in one header, separated by spaces).
    id = newId();
    assertRefusedNaming(
        plus(server.signedOrder(id, body), "webhook-signature", "v1,AAAA"),
        "webhook-signature",
        "orders",
        id);
    // Control: the same request without a duplicate is accepted.
    id = newId();
    HttpResponse<String> ok = server.send(server.signedOrder(id, body));
    assertEquals(202, ok.statusCode(), ok.body());
    // Several signatures in one header (key rotation) stay accepted.
    id = newId();
    long ts = Instant.now().getEpochSecond();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String good =
        StandardWebhooksScheme.sign(
            StandardWebhooksScheme.decodeSecret(TestServer.ORDERS_SECRET), id, ts, bytes);
    HttpRequest rotated =
        HttpRequest.newBuilder(server.uri("/hooks/orders"))
            .header("content-type", "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", Long.toString(ts))
            .header("webhook-signature", "v1,AAAA " + good)
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
            .build();
    HttpResponse<String> both = server.send(rotated);
    assertEquals(202, both.statusCode(), both.body());
  }

  @Test
  void gitHubHeadersSentTwiceAreRefused() throws Exception {
    String body = "{\"ref\":\"main\"}";
    String id = UUID.randomUUID().toString();
    assertRefusedNaming(
        plus(server.gitHub(id, body), "X-GitHub-Delivery", UUID.randomUUID().toString()),
        "x-github-delivery",
        "github",
        id);
    id = UUID.randomUUID().toString();
    assertRefusedNaming(
        plus(server.gitHub(id, body), "X-Hub-Signature-256", "sha256=00"),
        "x-hub-signature-256",
        "github",
        id);
    id = UUID.randomUUID().toString();
    assertRefusedNaming(
        plus(server.gitHub(id, body), "X-GitHub-Event", "release"), "x-github-event", "github", id);
    id = UUID.randomUUID().toString();
    HttpResponse<String> ok = server.send(server.gitHub(id, body));
    assertEquals(202, ok.statusCode(), ok.body());
  }
}
