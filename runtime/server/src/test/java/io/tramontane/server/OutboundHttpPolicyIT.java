package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.tramontane.server.testing.TestDatabase;
import io.tramontane.server.testing.TestServer;
import io.tramontane.testkit.Await;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workflows' {@code call: http} and the agents' {@code http.request} go through one outbound-HTTP
 * component, so a URL one refuses the other refuses too. The agent tool has always refused an IP
 * address written in a non-canonical form (2130706433 is 127.0.0.1; 0177.0.0.1 is 127.0.0.1 to some
 * resolvers and 177.0.0.1 to others): here a workflow is refused it as well, and the server behind
 * it never sees a request. The allowlist also binds the port when one is given.
 */
class OutboundHttpPolicyIT {

  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aWorkflowIsRefusedWhatTheAgentToolRefuses(@TempDir Path dir) throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    HttpServer target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    target.createContext(
        "/",
        ex -> {
          received.add(ex.getRequestURI().toString());
          ex.sendResponseHeaders(204, -1);
          ex.close();
        });
    target.start();
    int port = target.getAddress().getPort();
    Map<String, Object> extra =
        Map.of(
            "tramontane.workflows.http.allowed-hosts",
            List.of("2130706433", "127.0.0.1:" + port),
            "tramontane.workflows.http.allow-private-networks",
            true);
    try (TestServer server = TestServer.start(TestDatabase.h2(dir), extra)) {
      String key = TestServer.ACME_KEY;
      deploy(server, key, "numeric", "http://2130706433:" + port + "/numeric");
      deploy(server, key, "canonical", "http://127.0.0.1:" + port + "/canonical");
      deploy(server, key, "otherport", "http://127.0.0.1:" + (port == 65535 ? 1 : port + 1) + "/");

      JsonNode numeric = run(server, key, "numeric");
      assertEquals("failed", numeric.path("status").asText(), numeric.toString());
      assertEquals(403, numeric.path("error").path("status").asInt(), numeric.toString());
      assertTrue(
          numeric.path("error").path("detail").asText().contains("non-canonical"),
          numeric.toString());

      JsonNode otherPort = run(server, key, "otherport");
      assertEquals("failed", otherPort.path("status").asText(), otherPort.toString());
      assertEquals(403, otherPort.path("error").path("status").asInt(), otherPort.toString());

      JsonNode canonical = run(server, key, "canonical");
      assertEquals("completed", canonical.path("status").asText(), canonical.toString());
      assertEquals(List.of("/canonical"), received, "only the allowed URL got a request");
    } finally {
      target.stop(0);
    }
  }

  private static void deploy(TestServer server, String key, String name, String url)
      throws Exception {
    String definition =
        """
        document: {dsl: '1.0.0', namespace: t, name: %s, version: '1.0.0'}
        do:
          - call-out:
              call: http
              with: {method: get, endpoint: '%s'}
        """
            .formatted(name, url);
    HttpResponse<String> r =
        server.send(
            HttpRequest.newBuilder(server.uri("/workflows/" + name))
                .header("Authorization", "Bearer " + key)
                .PUT(HttpRequest.BodyPublishers.ofString(definition))
                .build());
    assertEquals(200, r.statusCode(), r.body());
  }

  private static JsonNode run(TestServer server, String key, String name) throws Exception {
    HttpResponse<String> started =
        server.send(
            HttpRequest.newBuilder(server.uri("/workflows/" + name + "/runs/r1"))
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build());
    assertEquals(202, started.statusCode(), started.body());
    return Await.until(
        name + "/r1 ended",
        Duration.ofSeconds(30),
        () -> JSON.readTree(server.get("/workflows/" + name + "/runs/r1", key).body()),
        run -> !Set.of("running", "pending").contains(run.path("status").asText()));
  }
}
