package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.tramontane.server.testing.TestDatabase;
import io.tramontane.server.testing.TestServer;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code files.read} folders belong to tenants (issue 15, item 11), over real HTTP: an agent whose
 * model (an OpenAI-compatible server on loopback) asks for {@code plan.txt} reads its own tenant's
 * file, never the other tenant's; a folder with readers is read only for a user holding one; a
 * tenant without a folder has no {@code files.read}.
 */
class FilesReadTenantIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String INITECH_KEY = "initech-key-0123456789abcdef012345";

  static final String AGENT =
      """
      name: reader
      description: Reads the plan.
      instructions: Read plan.txt and quote it.
      tools: [files.read]
      limits: {max-steps: 3, max-tool-calls: 1, timeout: 60s}
      """;

  /** Asks for plan.txt with the files tool the request offers; then repeats what the tool said. */
  static String completion(JsonNode request) {
    JsonNode messages = request.get("messages");
    JsonNode last = messages.get(messages.size() - 1);
    ObjectNode message = JSON.createObjectNode().put("role", "assistant");
    String finish;
    if ("tool".equals(last.get("role").asText())) {
      message.put("content", "The tool said: " + last.get("content").asText());
      finish = "stop";
    } else {
      String tool = "files.read";
      for (JsonNode t : request.path("tools")) {
        String name = t.path("function").path("name").asText();
        if (name.startsWith("files")) {
          tool = name;
        }
      }
      message.putNull("content");
      message
          .putArray("tool_calls")
          .addObject()
          .put("id", "call_read_1")
          .put("type", "function")
          .putObject("function")
          .put("name", tool)
          .put("arguments", "{\"path\": \"plan.txt\"}");
      finish = "tool_calls";
    }
    ObjectNode out =
        JSON.createObjectNode()
            .put("id", "chatcmpl-1")
            .put("object", "chat.completion")
            .put("created", 1764583200)
            .put("model", "reader-model");
    ObjectNode choice = out.putArray("choices").addObject();
    choice.put("index", 0);
    choice.set("message", message);
    choice.put("finish_reason", finish);
    out.putObject("usage")
        .put("prompt_tokens", 50)
        .put("completion_tokens", 10)
        .put("total_tokens", 60);
    return out.toString();
  }

  static HttpResponse<String> call(
      TestServer server, String method, String path, String key, String body) throws Exception {
    return server.send(
        HttpRequest.newBuilder(server.uri(path))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", method.equals("PUT") ? "application/yaml" : "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .timeout(Duration.ofSeconds(60))
            .build());
  }

  static String ask(TestServer server, String key, String session, List<String> principals)
      throws Exception {
    HttpResponse<String> r =
        call(
            server,
            "POST",
            "/agents/reader/sessions/" + session + "/messages",
            key,
            JSON.writeValueAsString(
                Map.of("text", "What does the plan say?", "principals", principals)));
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body()).path("answer").asText();
  }

  @Test
  void eachTenantReadsOnlyItsOwnFolder(@TempDir Path dir) throws Exception {
    Path acme = Files.createDirectories(dir.resolve("folders/acme"));
    Path globex = Files.createDirectories(dir.resolve("folders/globex"));
    Files.writeString(acme.resolve("plan.txt"), "ACME-PLAN-7: expand to Lyon.");
    Files.writeString(globex.resolve("plan.txt"), "GLOBEX-PLAN-3: acquire Initech.");
    Files.writeString(dir.resolve("initech.key"), INITECH_KEY);
    HttpServer model = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    model.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    model.createContext(
        "/v1/chat/completions",
        ex -> {
          byte[] b =
              completion(JSON.readTree(ex.getRequestBody())).getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(200, b.length);
          ex.getResponseBody().write(b);
          ex.close();
        });
    model.start();
    Map<String, Object> extra = new HashMap<>();
    extra.put(
        "tramontane.agents.models.default",
        Map.of(
            "provider",
            "openai",
            "base-url",
            "http://127.0.0.1:" + model.getAddress().getPort() + "/v1",
            "model-name",
            "reader-model"));
    extra.put(
        "tramontane.agents.tools.files.roots",
        Map.of(
            "acme",
            acme.toString(),
            "globex",
            Map.of("path", globex.toString(), "readers", List.of("group:legal"))));
    extra.put(
        "tramontane.server.api-keys.initech",
        Map.of(
            "tenant",
            "initech",
            "scopes",
            List.of("agents:use", "agents:write"),
            "key",
            "file:" + dir.resolve("initech.key")));
    try (TestServer server = TestServer.start(TestDatabase.h2(dir.resolve("data")), extra)) {
      for (String key : List.of(TestServer.ACME_KEY, TestServer.GLOBEX_KEY, INITECH_KEY)) {
        HttpResponse<String> put = call(server, "PUT", "/agents/reader", key, AGENT);
        assertEquals(200, put.statusCode(), put.body());
      }

      String a = ask(server, TestServer.ACME_KEY, "a1", List.of("alice"));
      assertTrue(a.contains("ACME-PLAN-7"), a);
      assertFalse(a.contains("GLOBEX-PLAN"), a);

      String g = ask(server, TestServer.GLOBEX_KEY, "g1", List.of("group:legal"));
      assertTrue(g.contains("GLOBEX-PLAN-3"), g);
      assertFalse(g.contains("ACME-PLAN"), g);

      String outsider = ask(server, TestServer.GLOBEX_KEY, "g2", List.of("bob"));
      assertFalse(outsider.contains("GLOBEX-PLAN") || outsider.contains("ACME-PLAN"), outsider);
      assertTrue(outsider.contains("may not read"), outsider);

      String none = ask(server, INITECH_KEY, "i1", List.of());
      assertFalse(none.contains("GLOBEX-PLAN") || none.contains("ACME-PLAN"), none);
      assertTrue(none.contains("disabled for this tenant"), none);
    } finally {
      model.stop(0);
    }
  }
}
