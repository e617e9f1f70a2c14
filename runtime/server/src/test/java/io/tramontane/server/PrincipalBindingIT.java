package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tramontane.server.testing.TestDatabase;
import io.tramontane.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Principals come from credentials (issue 15, item 12): over real HTTP, a key that lists no
 * principals cannot read a {@code group:hr} document by naming {@code group:hr} in a search or an
 * agent message (403 naming it); a key listing {@code group:hr} reads it, and narrows but never
 * widens; a key with {@code principals:assert} passes any principals as given.
 */
class PrincipalBindingIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String USER_KEY = "user-key-0123456789abcdef0123456789";
  static final String HR_KEY = "hr-key-0123456789abcdef0123456789ab";
  static final String FRONT_KEY = "front-key-0123456789abcdef012345678";

  static final String AGENT =
      """
      name: kb
      description: Answers from the knowledge base.
      instructions: Answer from the documents and cite them.
      tools: [retrieve]
      collections: [kb]
      """;

  static HttpResponse<String> call(
      TestServer server, String method, String path, String key, String type, String body)
      throws Exception {
    return server.send(
        HttpRequest.newBuilder(server.uri(path))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", type)
            .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .timeout(Duration.ofSeconds(60))
            .build());
  }

  static HttpResponse<String> search(TestServer server, String key, List<String> principals)
      throws Exception {
    Map<String, Object> body =
        principals == null
            ? Map.of("query", "salary bands", "mode", "bm25")
            : Map.of("query", "salary bands", "mode", "bm25", "principals", principals);
    return call(
        server,
        "POST",
        "/collections/kb/search",
        key,
        "application/json",
        JSON.writeValueAsString(body));
  }

  static List<String> ids(HttpResponse<String> r) throws Exception {
    assertEquals(200, r.statusCode(), r.body());
    List<String> out = new ArrayList<>();
    JsonNode body = JSON.readTree(r.body());
    JsonNode list = body.has("results") ? body.get("results") : body.get("citations");
    list.forEach(h -> out.add(h.get("documentId").asText()));
    return out;
  }

  static HttpResponse<String> ask(
      TestServer server, String key, String session, List<String> principals) throws Exception {
    Map<String, Object> body =
        principals == null
            ? Map.of("text", "What are the salary bands?")
            : Map.of("text", "What are the salary bands?", "principals", principals);
    return call(
        server,
        "POST",
        "/agents/kb/sessions/" + session + "/messages",
        key,
        "application/json",
        JSON.writeValueAsString(body));
  }

  static void assertForbiddenNaming(HttpResponse<String> r, String principal) throws Exception {
    assertEquals(403, r.statusCode(), r.body());
    assertTrue(
        r.headers().firstValue("content-type").orElse("").startsWith("application/problem+json"),
        r.headers().toString());
    JsonNode p = JSON.readTree(r.body());
    assertEquals(403, p.get("status").asInt(), r.body());
    assertTrue(p.get("detail").asText().contains("'" + principal + "'"), r.body());
  }

  @Test
  void principalsComeFromTheKey(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("user.key"), USER_KEY);
    Files.writeString(dir.resolve("hr.key"), HR_KEY);
    Files.writeString(dir.resolve("front.key"), FRONT_KEY);
    List<String> use = List.of("agents:use", "search");
    Map<String, Object> extra =
        Map.of(
            "tramontane.server.api-keys.user",
            Map.of("tenant", "acme", "scopes", use, "key", "file:" + dir.resolve("user.key")),
            "tramontane.server.api-keys.hr",
            Map.of(
                "tenant",
                "acme",
                "scopes",
                use,
                "principals",
                List.of("alice", "group:hr"),
                "key",
                "file:" + dir.resolve("hr.key")),
            "tramontane.server.api-keys.front",
            Map.of(
                "tenant",
                "acme",
                "scopes",
                List.of("agents:use", "search", "principals:assert"),
                "key",
                "file:" + dir.resolve("front.key")));
    try (TestServer server = TestServer.start(TestDatabase.h2(dir.resolve("data")), extra)) {
      String admin = TestServer.ACME_KEY;
      assertEquals(
          200, call(server, "PUT", "/agents/kb", admin, "application/yaml", AGENT).statusCode());
      assertEquals(
          200,
          call(
                  server,
                  "PUT",
                  "/collections/kb/documents?id=bands.txt&acl=group:hr",
                  admin,
                  "text/plain",
                  "Salary bands 2027: band B pays 61,000 to 74,000 EUR.")
              .statusCode());
      assertEquals(
          200,
          call(
                  server,
                  "PUT",
                  "/collections/kb/documents?id=public.txt&public=true",
                  admin,
                  "text/plain",
                  "Salary bands are reviewed every spring; ask HR for yours.")
              .statusCode());
      RetrievalRestIT.awaitDocuments(server, admin, "kb", 2);

      // A key without principals cannot assert group:hr: refused, nothing read.
      assertForbiddenNaming(search(server, USER_KEY, List.of("group:hr")), "group:hr");
      assertForbiddenNaming(ask(server, USER_KEY, "u1", List.of("group:hr")), "group:hr");
      assertEquals(404, server.get("/agents/kb/sessions/u1", USER_KEY).statusCode());
      // Without principals it sees what everyone in the tenant sees.
      assertEquals(List.of("public.txt"), ids(search(server, USER_KEY, null)));
      assertEquals(List.of("public.txt"), ids(ask(server, USER_KEY, "u2", null)));

      // A key listing group:hr reads it, with or without naming it, and narrows but never widens.
      assertTrue(ids(search(server, HR_KEY, List.of("group:hr"))).contains("bands.txt"));
      assertTrue(ids(search(server, HR_KEY, null)).contains("bands.txt"));
      assertFalse(ids(search(server, HR_KEY, List.of("alice"))).contains("bands.txt"));
      assertForbiddenNaming(search(server, HR_KEY, List.of("group:hr", "bob")), "bob");
      assertTrue(ids(ask(server, HR_KEY, "h1", List.of("group:hr"))).contains("bands.txt"));
      assertTrue(ids(ask(server, HR_KEY, "h2", null)).contains("bands.txt"));

      // A trusted front end passes its users' identities as given.
      assertTrue(ids(search(server, FRONT_KEY, List.of("group:hr"))).contains("bands.txt"));
      assertEquals(List.of("public.txt"), ids(search(server, FRONT_KEY, List.of("bob"))));
      assertTrue(ids(ask(server, FRONT_KEY, "f1", List.of("group:hr"))).contains("bands.txt"));
    }
  }
}
