package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tramontane.server.testing.ServerProcess;
import io.tramontane.server.testing.TestDatabase;
import io.tramontane.server.testing.TestServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Provider keys never reach the log nor the journal (issue 15, item 10). A server JVM talks to an
 * OpenAI-compatible model server that echoes the key it receives in its 5xx and 401 bodies — as
 * written, JSON-escaped and URL-encoded — so LangChain4j's retry helper logs it before any wrapper
 * of ours sees it. After turns against both failures, no form of the key (not even its distinctive
 * middle) appears in anything the server wrote: its stdout/stderr, the H2 journal files, the
 * responses and the session views.
 */
class SecretRedactionIT {

  static final ObjectMapper JSON = new ObjectMapper();

  /** Has characters that JSON escapes ({@code "}, {@code \}) and that URL encoding changes. */
  static final String CORE = "ECHOKEY7f3c1a52e9b04d6a";

  static final String MODEL_KEY = "sk-" + CORE + "/Ab\"Cd\\Ef+Gh=";

  static void reply(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", type);
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
    ex.close();
  }

  @Test
  void theModelKeyIsInNoLogLineNorInTheJournal(@TempDir Path dir) throws Exception {
    List<String> seenKeys = new CopyOnWriteArrayList<>();
    List<Integer> answered = new CopyOnWriteArrayList<>();
    HttpServer model = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    model.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    model.createContext(
        "/v1/chat/completions",
        ex -> {
          String auth = String.valueOf(ex.getRequestHeaders().getFirst("Authorization"));
          String key = auth.startsWith("Bearer ") ? auth.substring(7) : auth;
          seenKeys.add(key);
          String request = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          String url = URLEncoder.encode(key, StandardCharsets.UTF_8);
          if (request.contains("unauthorized")) {
            ObjectNode error = JSON.createObjectNode();
            error
                .putObject("error")
                .put("message", "Incorrect API key provided: " + key)
                .put("type", "invalid_request_error")
                .put("code", "invalid_api_key")
                .put("docs", "https://example.invalid/keys?key=" + url);
            answered.add(401);
            reply(ex, 401, "application/json", error.toString());
          } else {
            answered.add(500);
            reply(
                ex, 500, "text/plain", "upstream failed for key=" + key + " (encoded " + url + ")");
          }
        });
    model.start();
    try {
      Path keyFile = Files.createDirectories(dir.resolve("secrets")).resolve("model.key");
      Files.writeString(keyFile, MODEL_KEY);
      Path agentsDir = Files.createDirectories(dir.resolve("agents"));
      Files.writeString(
          agentsDir.resolve("echo.yaml"),
          """
          name: echo
          description: Talks to a model server that echoes its key.
          instructions: Answer briefly.
          tools: []
          limits: {max-steps: 2, timeout: 120s}
          """);
      Map<String, Object> extra =
          Map.of(
              "tramontane.agents.dir", agentsDir.toString(),
              "tramontane.agents.models.default",
                  Map.of(
                      "provider", "openai",
                      "base-url", "http://127.0.0.1:" + model.getAddress().getPort() + "/v1",
                      "model-name", "echo-model",
                      "api-key", "file:" + keyFile,
                      "timeout", "10s"));
      Path work = Files.createDirectories(dir.resolve("server"));
      TestDatabase db = TestDatabase.h2(work.resolve("data"));
      List<String> bodies = new ArrayList<>();
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      try (ServerProcess server = new ServerProcess(work, db, extra)) {
        server.start();
        server.awaitReady(Duration.ofSeconds(300));
        for (String[] turn :
            new String[][] {{"s500", "five hundred, please"}, {"s401", "unauthorized, please"}}) {
          HttpResponse<String> r =
              http.send(
                  HttpRequest.newBuilder(
                          server.uri("/agents/echo/sessions/" + turn[0] + "/messages"))
                      .header("Authorization", "Bearer " + TestServer.ACME_KEY)
                      .timeout(Duration.ofSeconds(90))
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              JSON.writeValueAsString(Map.of("text", turn[1]))))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          bodies.add(r.statusCode() + " " + r.body());
          HttpResponse<String> view =
              http.send(
                  HttpRequest.newBuilder(server.uri("/agents/echo/sessions/" + turn[0]))
                      .header("Authorization", "Bearer " + TestServer.ACME_KEY)
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          bodies.add(view.statusCode() + " " + view.body());
        }
        assertEquals(143, server.terminate(Duration.ofSeconds(60)), server.logTail());
      }
      assertTrue(seenKeys.contains(MODEL_KEY), "the model server saw the key: " + seenKeys);
      assertTrue(answered.contains(401), "a 401 was answered: " + answered);
      assertTrue(answered.contains(500), "a 500 was answered: " + answered);

      List<String> leaks = new ArrayList<>();
      for (String b : bodies) {
        if (b.contains(CORE)) {
          leaks.add("response: " + b);
        }
      }
      try (Stream<Path> files = Files.walk(work)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
          for (String line : text.split("\n")) {
            if (line.contains(CORE)) {
              leaks.add(work.relativize(f) + ": " + line);
            }
          }
        }
      }
      String log = Files.readString(work.resolve("server.log"));
      assertEquals(List.of(), leaks, "the key leaked");
      // The provider's echo of the key did reach the log (the failed call is logged with the
      // provider's words), and only redacted.
      assertTrue(
          log.contains("Model call failed")
              && (log.contains("[redacted]") || log.contains("[api key redacted]")),
          "the echoed key was logged, redacted:\n" + log);
    } finally {
      model.stop(0);
    }
  }
}
