package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tramontane.server.testing.TestDatabase;
import io.tramontane.server.testing.TestServer;
import io.tramontane.testkit.Await;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SharePoint connector on a node, at its edges: Microsoft Graph's subscription handshake and
 * change notifications reach it over HTTP without an API key (the validation token is echoed as
 * text/plain; a notification with the wrong clientState is refused), and a pass that cannot reach
 * the token endpoint shows an actionable error in the status, without the client secret.
 */
class SharePointEdgeIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String SECRET = "sp-client-secret-canary-7731";
  static final String CLIENT_STATE = "client-state-canary-5519";

  static HttpResponse<String> notify(TestServer server, String query, String body)
      throws Exception {
    return server.send(
        HttpRequest.newBuilder(server.uri("/connectors/finance-sp/notifications" + query))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  static String batch(String clientState) {
    return """
        {"value": [{"subscriptionId": "s1", "clientState": "%s", "changeType": "updated",
          "resource": "drives/d1/root", "tenantId": "t1"}]}
        """
        .formatted(clientState);
  }

  @Test
  void notificationsAreCheckedAndFailuresExplainedWithoutTheSecret(@TempDir Path dir)
      throws Exception {
    Path secret = Files.writeString(dir.resolve("sp-secret"), SECRET);
    Path state = Files.writeString(dir.resolve("sp-state"), CLIENT_STATE);
    Map<String, Object> sp = new java.util.HashMap<>();
    sp.put("kind", "sharepoint");
    sp.put("tenant", "acme");
    sp.put("collection", "finance");
    sp.put("authority", "http://127.0.0.1:9");
    sp.put("graph", "http://127.0.0.1:9/v1.0");
    sp.put("tenant-id", "contoso-tenant");
    sp.put("client-id", "app-1234");
    sp.put("client-secret", "file:" + secret);
    sp.put("client-state", "file:" + state);
    sp.put("site", "contoso.sharepoint.com:/sites/finance");
    sp.put("max-retries", 1);
    sp.put("initial-backoff", "100ms");
    Map<String, Object> extra = Map.of("tramontane.connectors.finance-sp", sp);
    try (TestServer server = TestServer.start(TestDatabase.h2(dir.resolve("data")), extra)) {
      HttpResponse<String> handshake = notify(server, "?validationToken=Validation%3A+abc", "");
      assertEquals(200, handshake.statusCode(), handshake.body());
      assertEquals("Validation: abc", handshake.body());
      assertTrue(
          handshake.headers().firstValue("content-type").orElse("").startsWith("text/plain"));

      assertEquals(403, notify(server, "", batch("forged")).statusCode());
      assertEquals(202, notify(server, "", batch(CLIENT_STATE)).statusCode());
      assertEquals(
          404,
          server
              .send(
                  HttpRequest.newBuilder(server.uri("/connectors/nope/notifications"))
                      .POST(HttpRequest.BodyPublishers.ofString("{}"))
                      .build())
              .statusCode());

      JsonNode status =
          Await.until(
              "the connector failing",
              Duration.ofSeconds(60),
              () -> JSON.readTree(server.get("/connectors/finance-sp", TestServer.ACME_KEY).body()),
              s -> "failing".equals(s.path("state").asText()));
      String error = status.path("lastError").asText();
      assertTrue(error.contains("app-1234") || error.contains("127.0.0.1"), error);
      assertFalse(error.contains(SECRET), "the secret never shows: " + error);
      assertEquals(404, server.get("/connectors/finance-sp", TestServer.GLOBEX_KEY).statusCode());
    }
  }
}
