package io.tramontane.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tramontane.server.testing.TestDatabase;
import io.tramontane.server.testing.TestServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The README's curl recipes, run for real: openssl signs, curl sends, the server accepts. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookScriptsIT {

  static final Path SCRIPTS = Path.of("webhooks").toAbsolutePath();

  TestServer server;

  @BeforeAll
  void start(@TempDir Path dir) {
    server = TestServer.start(TestDatabase.h2(dir));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  record Result(int status, String body) {}

  Result run(String script, String secret, String trigger, String body, String id)
      throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(
            List.of(
                "bash",
                SCRIPTS.resolve(script).toString(),
                server.uri("/hooks/" + trigger).toString(),
                body,
                id));
    pb.environment().putAll(Map.of("SECRET", secret));
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    int nl = out.lastIndexOf('\n');
    return new Result(Integer.parseInt(out.substring(nl + 1).strip()), out.substring(0, nl));
  }

  @Test
  void standardWebhooksScriptIsAcceptedThenRecognisedAsDuplicate() throws Exception {
    String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
    Result first =
        run("send-signed-webhook.sh", TestServer.ORDERS_SECRET, "orders", "{\"order\":42}", id);
    assertEquals(202, first.status(), first.body());
    Result again =
        run("send-signed-webhook.sh", TestServer.ORDERS_SECRET, "orders", "{\"order\":42}", id);
    assertEquals(200, again.status(), again.body());
    HttpResponse<String> status = server.get("/hooks/orders/deliveries/" + id, TestServer.ACME_KEY);
    assertEquals(200, status.statusCode(), status.body());
  }

  @Test
  void aWrongSecretIsRefused() throws Exception {
    Result r =
        run(
            "send-signed-webhook.sh",
            "whsec_d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA==",
            "orders",
            "{}",
            "msg_wrong_secret");
    assertEquals(401, r.status(), r.body());
  }

  @Test
  void gitHubScriptIsAccepted() throws Exception {
    Result r =
        run(
            "send-github-webhook.sh",
            TestServer.GITHUB_SECRET,
            "github",
            "{\"ref\":\"refs/heads/main\"}",
            UUID.randomUUID().toString());
    assertEquals(202, r.status(), r.body());
  }
}
