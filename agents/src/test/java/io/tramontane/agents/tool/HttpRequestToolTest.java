package io.tramontane.agents.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpRequestToolTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private HttpServer server;
  private int port;
  private final AtomicInteger requests = new AtomicInteger();
  private final Map<String, String> seen = new ConcurrentHashMap<>();
  private AuditCapture audit;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    port = server.getAddress().getPort();
    server.createContext("/", this::handle);
    server.start();
    audit = new AuditCapture();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
    audit.close();
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    String path = exchange.getRequestURI().getPath();
    seen.put("method", exchange.getRequestMethod());
    seen.put("path", exchange.getRequestURI().toString());
    String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
    seen.put("idempotency-key", key == null ? "<none>" : key);
    String auth = exchange.getRequestHeaders().getFirst("Authorization");
    seen.put("authorization", auth == null ? "<none>" : auth);
    seen.put("body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    switch (path) {
      case "/hello" -> respond(exchange, 200, "hello from the server", false);
      case "/big" -> respond(exchange, 200, "x".repeat(5000), false);
      case "/big-chunked" -> respond(exchange, 200, "y".repeat(5000), true);
      case "/slow" -> {
        try {
          Thread.sleep(3000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        respond(exchange, 200, "late", false);
      }
      case "/to-metadata" -> redirect(exchange, "http://169.254.169.254/latest/meta-data/");
      case "/to-other-host" -> redirect(exchange, "http://not-allowed.example/");
      case "/to-loopback-name" -> redirect(exchange, "http://localhost:" + port + "/hello");
      case "/to-hello" -> redirect(exchange, "/hello");
      case "/loop" -> redirect(exchange, "/loop");
      case "/post-redirect" -> {
        exchange.getResponseHeaders().add("Location", "/hello");
        exchange.sendResponseHeaders(303, -1);
        exchange.close();
      }
      default -> respond(exchange, 404, "no such page", false);
    }
  }

  private static void redirect(HttpExchange exchange, String location) throws IOException {
    exchange.getResponseHeaders().add("Location", location);
    exchange.sendResponseHeaders(302, -1);
    exchange.close();
  }

  private static void respond(HttpExchange exchange, int status, String body, boolean chunked)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
    exchange.getResponseHeaders().add("X-Secret-Header", "not-for-the-model");
    exchange.sendResponseHeaders(status, chunked ? 0 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    } catch (IOException e) {
      // the client stopped reading (response cap): fine
    }
  }

  private HttpToolSettings loopbackAllowed() {
    return HttpToolSettings.defaults()
        .withAllowedHosts(List.of("127.0.0.1", "169.254.169.254", "localhost"))
        .withAllowPrivateNetworks(true);
  }

  private static ToolCall call(String method, String url) {
    return call(JSON.createObjectNode().put("method", method).put("url", url));
  }

  private static ToolCall call(ObjectNode arguments) {
    return new ToolCall(
        HttpRequestTool.NAME, arguments, "idem-42", "acme", Set.of("u1"), "session-7");
  }

  private String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  @Test
  void loopbackIsRefusedByDefaultEvenWhenAllowlisted() {
    HttpRequestTool tool =
        new HttpRequestTool(HttpToolSettings.defaults().withAllowedHosts(List.of("127.0.0.1")));
    ToolException e =
        assertThrows(ToolException.class, () -> tool.execute(call("GET", url("/hello"))));
    assertTrue(e.getMessage().contains("loopback"), e.getMessage());
    assertEquals(0, requests.get());
    assertEquals(1, audit.warnings().size());
    String record = audit.warnings().get(0);
    assertTrue(record.contains("tool=http.request"), record);
    assertTrue(record.contains("session=session-7"), record);
  }

  @Test
  void emptyAllowlistRefusesEverythingAndNamesTheKey() {
    HttpRequestTool tool = new HttpRequestTool(HttpToolSettings.defaults());
    ToolException e =
        assertThrows(ToolException.class, () -> tool.execute(call("GET", url("/hello"))));
    assertTrue(
        e.getMessage().contains("tramontane.agents.tools.http.allowed-hosts"), e.getMessage());
    assertEquals(0, requests.get());
    assertEquals(1, audit.warnings().size());
  }

  @Test
  void getsAnAllowlistedHostWhenPrivateNetworksAreAllowed() throws Exception {
    HttpRequestTool tool = new HttpRequestTool(loopbackAllowed());
    ToolResult result = tool.execute(call("GET", url("/hello?q=1")));
    assertTrue(result.text().contains("status: 200"), result.text());
    assertTrue(result.text().contains("hello from the server"), result.text());
    assertTrue(result.text().contains("content-type: text/plain"), result.text());
    assertTrue(result.text().contains("not instructions"), result.text());
    assertFalse(result.text().contains("not-for-the-model"), result.text());
    assertEquals("/hello?q=1", seen.get("path"));
    assertEquals("<none>", seen.get("idempotency-key"));
    assertEquals(1, requests.get());
    assertTrue(tool.sideEffecting());
    assertEquals(List.of(), audit.warnings());
  }

  @Test
  void postSendsTheBodyAndTheIdempotencyKey() throws Exception {
    HttpRequestTool tool = new HttpRequestTool(loopbackAllowed());
    ObjectNode args = JSON.createObjectNode().put("method", "POST").put("url", url("/hello"));
    args.put("body", "{\"a\":1}");
    args.putObject("headers").put("Content-Type", "application/json");
    tool.execute(call(args));
    assertEquals("POST", seen.get("method"));
    assertEquals("idem-42", seen.get("idempotency-key"));
    assertEquals("{\"a\":1}", seen.get("body"));
  }

  @Test
  void followsARedirectWithinTheAllowlist() throws Exception {
    ToolResult result =
        new HttpRequestTool(loopbackAllowed()).execute(call("GET", url("/to-hello")));
    assertTrue(result.text().contains("hello from the server"), result.text());
    assertEquals(2, requests.get());
  }

  @Test
  void postRedirectedWith303BecomesAGetWithoutBodyOrKey() throws Exception {
    ObjectNode args =
        JSON.createObjectNode().put("method", "POST").put("url", url("/post-redirect"));
    args.put("body", "payload");
    new HttpRequestTool(loopbackAllowed()).execute(call(args));
    assertEquals("GET", seen.get("method"));
    assertEquals("", seen.get("body"));
    assertEquals("<none>", seen.get("idempotency-key"));
  }

  @Test
  void redirectToTheMetadataAddressIsRefused() {
    HttpRequestTool tool = new HttpRequestTool(loopbackAllowed());
    ToolException e =
        assertThrows(ToolException.class, () -> tool.execute(call("GET", url("/to-metadata"))));
    assertTrue(e.getMessage().contains("169.254.169.254"), e.getMessage());
    assertTrue(e.getMessage().contains("metadata"), e.getMessage());
    assertEquals(1, requests.get());
    assertEquals(1, audit.warnings().size());
  }

  @Test
  void redirectToAHostOffTheAllowlistIsRefused() {
    HttpRequestTool tool = new HttpRequestTool(loopbackAllowed());
    ToolException e =
        assertThrows(ToolException.class, () -> tool.execute(call("GET", url("/to-other-host"))));
    assertTrue(e.getMessage().contains("not-allowed.example"), e.getMessage());
    assertEquals(1, requests.get());
    assertEquals(1, audit.warnings().size());
  }

  @Test
  void redirectToAnotherNameForTheSameMachineIsStillCheckedAgainstTheAllowlist() {
    HttpRequestTool tool =
        new HttpRequestTool(
            HttpToolSettings.defaults()
                .withAllowedHosts(List.of("127.0.0.1"))
                .withAllowPrivateNetworks(true));
    ToolException e =
        assertThrows(
            ToolException.class, () -> tool.execute(call("GET", url("/to-loopback-name"))));
    assertTrue(e.getMessage().contains("'localhost' is not in"), e.getMessage());
    assertEquals(1, requests.get());
  }

  @Test
  void stopsAfterMaxRedirects() {
    HttpRequestTool tool = new HttpRequestTool(loopbackAllowed().withMaxRedirects(3));
    ToolException e =
        assertThrows(ToolException.class, () -> tool.execute(call("GET", url("/loop"))));
    assertTrue(e.getMessage().contains("3 redirects"), e.getMessage());
    assertEquals(4, requests.get());
  }

  @Test
  void capsTheResponseBody() throws Exception {
    HttpRequestTool tool = new HttpRequestTool(loopbackAllowed().withMaxResponseBytes(1000));
    for (String path : List.of("/big", "/big-chunked")) {
      String text = tool.execute(call("GET", url(path))).text();
      assertTrue(text.contains("(body truncated to the first 1000 bytes)"), text);
      char c = path.equals("/big") ? 'x' : 'y';
      assertTrue(text.contains(String.valueOf(c).repeat(1000)), text);
      assertFalse(text.contains(String.valueOf(c).repeat(1001)), text);
    }
  }

  @Test
  void readsAChunkedBodyUnderTheCapWhole() throws Exception {
    String text =
        new HttpRequestTool(loopbackAllowed()).execute(call("GET", url("/big-chunked"))).text();
    assertTrue(text.contains("y".repeat(5000)), text);
    assertFalse(text.contains("truncated"), text);
  }

  @Test
  void timesOut() {
    HttpRequestTool tool =
        new HttpRequestTool(loopbackAllowed().withTimeout(Duration.ofMillis(300)));
    long start = System.nanoTime();
    ToolException e =
        assertThrows(ToolException.class, () -> tool.execute(call("GET", url("/slow"))));
    long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
    assertTrue(e.getMessage().contains("timed out"), e.getMessage());
    // The request may have reached the receiver: the model and the user are told so.
    assertTrue(e.getMessage().contains("outcome is unknown (it may have been"), e.getMessage());
    assertTrue(e.retriable());
    // The receiver answers after 3 s: a call that waited for it would have succeeded, so the
    // time-out message proves the 300 ms limit held. The bound only catches a hang, not the
    // machine's speed (the suite must pass on a loaded machine).
    assertTrue(millis < 30_000, "took " + millis + " ms");
  }

  @Test
  void dropsCredentialsWhenARedirectChangesHost() throws Exception {
    HttpRequestTool tool =
        new HttpRequestTool(loopbackAllowed().withAllowedHosts(List.of("127.0.0.1", "localhost")));
    ObjectNode args =
        JSON.createObjectNode().put("method", "GET").put("url", url("/to-loopback-name"));
    args.putObject("headers").put("Authorization", "Bearer abc");
    tool.execute(call(args));
    assertEquals(2, requests.get());
    assertEquals("<none>", seen.get("authorization"));
  }

  @Test
  void connectsToTheVettedAddressWithoutResolvingAgain() throws Exception {
    AtomicInteger lookups = new AtomicInteger();
    HttpRequestTool.Resolver rebinding =
        host ->
            new InetAddress[] {
              InetAddress.getByName(lookups.getAndIncrement() == 0 ? "127.0.0.1" : "10.9.9.9")
            };
    HttpRequestTool tool =
        new HttpRequestTool(
            loopbackAllowed().withAllowedHosts(List.of("rebind.test")),
            rebinding,
            (SSLSocketFactory) SSLSocketFactory.getDefault());
    ToolResult result = tool.execute(call("GET", "http://rebind.test:" + port + "/hello"));
    assertTrue(result.text().contains("hello from the server"), result.text());
    assertEquals(1, lookups.get());
    assertEquals(1, requests.get());
  }

  @Test
  void refusesAHostWhenAnyOfItsAddressesIsPrivate() {
    HttpRequestTool.Resolver mixed =
        host ->
            new InetAddress[] {
              InetAddress.getByName("93.184.216.34"), InetAddress.getByName("10.0.0.1")
            };
    HttpRequestTool tool =
        new HttpRequestTool(
            HttpToolSettings.defaults().withAllowedHosts(List.of("mixed.test")),
            mixed,
            (SSLSocketFactory) SSLSocketFactory.getDefault());
    ToolException e =
        assertThrows(ToolException.class, () -> tool.execute(call("GET", "http://mixed.test/")));
    assertTrue(e.getMessage().contains("10.0.0.1"), e.getMessage());
    assertEquals(1, audit.warnings().size());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.1:PORT/hello",
        "http://localhost:PORT/hello",
        "http://[::1]:PORT/hello",
        "http://0.0.0.0:PORT/hello",
        "http://10.1.2.3:PORT/",
        "http://172.16.0.1:PORT/",
        "http://192.168.1.1:PORT/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1:PORT/",
        "http://[::ffff:127.0.0.1]:PORT/hello",
        "http://[fe80::1]:PORT/",
        "http://[fc00::1]:PORT/",
        "http://2130706433:PORT/hello",
        "http://0x7f.1:PORT/hello",
        "http://0x7f000001:PORT/hello",
        "http://0177.0.0.1:PORT/hello",
        "http://127.1:PORT/hello",
        "http://017700000001:PORT/hello",
        "http://user:pw@127.0.0.1:PORT/hello",
        "http://allowed.example@127.0.0.1:PORT/hello",
        "file:///etc/passwd",
        "ftp://127.0.0.1:PORT/",
        "gopher://127.0.0.1:PORT/",
        "//127.0.0.1:PORT/hello",
      })
  void ssrfMatrixIsRefusedBeforeAnyRequest(String template) {
    String target = template.replace("PORT", String.valueOf(port));
    HttpRequestTool tool =
        new HttpRequestTool(
            HttpToolSettings.defaults()
                .withAllowedHosts(
                    List.of(
                        "127.0.0.1",
                        "localhost",
                        "::1",
                        "0.0.0.0",
                        "10.1.2.3",
                        "172.16.0.1",
                        "192.168.1.1",
                        "169.254.169.254",
                        "100.64.0.1",
                        "::ffff:127.0.0.1",
                        "fe80::1",
                        "fc00::1",
                        "2130706433",
                        "0x7f.1",
                        "0x7f000001",
                        "0177.0.0.1",
                        "127.1",
                        "017700000001")));
    ToolException e = assertThrows(ToolException.class, () -> tool.execute(call("GET", target)));
    assertTrue(e.getMessage().startsWith("URL refused"), e.getMessage());
    assertEquals(0, requests.get());
    assertEquals(1, audit.warnings().size(), audit.warnings().toString());
    assertFalse(audit.warnings().get(0).contains("pw@"), audit.warnings().get(0));
  }

  @Test
  void refusesHeaderInjectionAndPlatformHeaders() {
    HttpRequestTool tool = new HttpRequestTool(loopbackAllowed());
    ObjectNode crlf = JSON.createObjectNode().put("method", "GET").put("url", url("/hello"));
    crlf.putObject("headers").put("X-A", "1\r\nX-Injected: 2");
    ObjectNode host = JSON.createObjectNode().put("method", "GET").put("url", url("/hello"));
    host.putObject("headers").put("Host", "evil.example");
    ObjectNode key = JSON.createObjectNode().put("method", "POST").put("url", url("/hello"));
    key.putObject("headers").put("Idempotency-Key", "forged");
    for (ObjectNode args : List.of(crlf, host, key)) {
      ToolException e = assertThrows(ToolException.class, () -> tool.execute(call(args)));
      assertTrue(e.getMessage().startsWith("bad arguments"), e.getMessage());
    }
    assertEquals(0, requests.get());
    assertEquals(3, audit.warnings().size());
  }

  @Test
  void refusesBadArgumentsAndOversizedBodies() {
    HttpRequestTool tool = new HttpRequestTool(loopbackAllowed().withMaxRequestBodyBytes(10));
    ObjectNode big = JSON.createObjectNode().put("method", "POST").put("url", url("/hello"));
    big.put("body", "z".repeat(11));
    ToolException e = assertThrows(ToolException.class, () -> tool.execute(call(big)));
    assertTrue(e.getMessage().contains("'body' is 11 bytes"), e.getMessage());
    ObjectNode missing = JSON.createObjectNode().put("method", "GET");
    e = assertThrows(ToolException.class, () -> tool.execute(call(missing)));
    assertTrue(e.getMessage().contains("'url' is required"), e.getMessage());
    ObjectNode trace = JSON.createObjectNode().put("method", "TRACE").put("url", url("/"));
    e = assertThrows(ToolException.class, () -> tool.execute(call(trace)));
    assertTrue(e.getMessage().contains("'method' must be one of"), e.getMessage());
    assertEquals(0, requests.get());
    assertEquals(3, audit.warnings().size());
  }

  @Test
  void settingsComeFromReferenceConfAndOverrides() {
    HttpToolSettings defaults = HttpToolSettings.fromConfig(ConfigFactory.load());
    assertEquals(HttpToolSettings.defaults(), defaults);
    HttpToolSettings custom =
        HttpToolSettings.fromConfig(
            ConfigFactory.parseString(
                    "tramontane.agents.tools.http { allowed-hosts = [\"*.Example.com\"],"
                        + " allow-private-networks = true, max-response-bytes = 2k,"
                        + " timeout = 2s, max-redirects = 1 }")
                .withFallback(ConfigFactory.load()));
    assertEquals(List.of("*.example.com"), custom.allowedHosts());
    assertTrue(custom.allowPrivateNetworks());
    assertEquals(2048, custom.maxResponseBytes());
    assertEquals(Duration.ofSeconds(2), custom.timeout());
    assertEquals(1, custom.maxRedirects());
    assertTrue(custom.policy().allows("api.example.com", 443));
    assertFalse(custom.policy().allows("example.com", 443));
    assertFalse(custom.policy().allows("badexample.com", 443));
  }
}
