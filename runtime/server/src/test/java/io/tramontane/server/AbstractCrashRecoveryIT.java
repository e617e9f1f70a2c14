package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tramontane.intake.signature.StandardWebhooksScheme;
import io.tramontane.server.testing.ServerProcess;
import io.tramontane.server.testing.TestDatabase;
import io.tramontane.server.testing.TestServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing acknowledged is lost: the server process is killed with SIGKILL right after its last 202,
 * started again on the same database, and every acknowledged delivery is there (and a re-send is
 * recognised as a duplicate). Then SIGTERM stops it through coordinated shutdown.
 */
abstract class AbstractCrashRecoveryIT {

  abstract TestDatabase database(Path dataDir);

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  HttpRequest signed(ServerProcess server, String id) {
    long ts = Instant.now().getEpochSecond();
    byte[] body = ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
    return HttpRequest.newBuilder(server.uri("/hooks/orders"))
        .header("webhook-id", id)
        .header("webhook-timestamp", Long.toString(ts))
        .header(
            "webhook-signature",
            StandardWebhooksScheme.sign(
                StandardWebhooksScheme.decodeSecret(TestServer.ORDERS_SECRET), id, ts, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  @Test
  void killedRightAfterTheLast202TheDeliveriesAreStillThere(@TempDir Path dir) throws Exception {
    TestDatabase db = database(dir.resolve("data"));
    try (ServerProcess server = new ServerProcess(dir, db)) {
      server.start();
      server.awaitReady(Duration.ofSeconds(300));
      List<String> acknowledged = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
        HttpResponse<String> r =
            http.send(signed(server, id), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), r.body());
        acknowledged.add(id);
      }
      server.kill();

      server.start();
      server.awaitReady(Duration.ofSeconds(300));
      for (String id : acknowledged) {
        HttpResponse<String> status =
            http.send(
                HttpRequest.newBuilder(server.uri("/hooks/orders/deliveries/" + id))
                    .header("Authorization", "Bearer " + TestServer.ACME_KEY)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, status.statusCode(), id + ": " + status.body() + "\n" + server.logTail());
      }
      HttpResponse<String> again =
          http.send(signed(server, acknowledged.get(19)), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, again.statusCode(), "a re-send after the crash is a duplicate");
      assertTrue(again.body().contains("\"duplicate\":true"), again.body());

      // SIGTERM: the JVM runs coordinated shutdown and exits with 128 + 15.
      int exit = server.terminate(Duration.ofSeconds(30));
      assertEquals(143, exit, server.logTail());
      assertTrue(server.logTail().contains("Node stopped gracefully"), server.logTail());
    }
  }
}
