package io.tramontane.workflows.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.tramontane.workflows.run.WorkflowError;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** {@code call: http} from workflows: allowlist, address rules, idempotency key, errors. */
class NodeEffectsTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static ObjectNode post(String url) {
    ObjectNode with = JSON.createObjectNode().put("method", "post").put("endpoint", url);
    with.putObject("body").put("amount", 5);
    return with;
  }

  @Test
  void refusedHostsAndPrivateAddressesNeverReceiveARequest() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/pay",
        ex -> {
          received.add(
              ex.getRequestHeaders().getFirst("Idempotency-Key")
                  + " "
                  + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          byte[] body = "{\"status\": \"applied\"}".getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(201, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/pay";
    try {
      WorkflowError notListed =
          assertThrows(
              WorkflowError.class,
              () ->
                  new NodeEffects("t/w/r1", "t", null, null, List.of(), false)
                      .call("/do/0/pay#1", "http", post(url)));
      assertTrue(notListed.detail().contains("allowed-hosts"), notListed.detail());
      WorkflowError privateAddress =
          assertThrows(
              WorkflowError.class,
              () ->
                  new NodeEffects("t/w/r1", "t", null, null, List.of("127.0.0.1"), false)
                      .call("/do/0/pay#1", "http", post(url)));
      assertEquals("Address not allowed", privateAddress.title());
      WorkflowError metadata =
          assertThrows(
              WorkflowError.class,
              () ->
                  new NodeEffects("t/w/r1", "t", null, null, List.of("169.254.169.254"), true)
                      .call(
                          "/do/0/pay#1", "http", post("http://169.254.169.254/latest/meta-data")));
      assertEquals("Address not allowed", metadata.title(), "metadata stays refused");
      assertEquals(List.of(), received);

      var ok =
          new NodeEffects("t/w/r1", "t", null, null, List.of("127.0.0.1"), true)
              .call("/do/0/pay#1", "http", post(url));
      assertEquals("applied", ok.get("status").asText());
      assertEquals(List.of("t/w/r1//do/0/pay#1 {\"amount\":5}"), received);
    } finally {
      server.stop(0);
    }
  }
}
