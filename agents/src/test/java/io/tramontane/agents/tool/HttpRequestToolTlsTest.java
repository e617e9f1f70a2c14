package io.tramontane.agents.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** https through the pinned connection: SNI and certificate checks use the host name. */
class HttpRequestToolTlsTest {

  private static final char[] PASSWORD = "changeit".toCharArray();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path temp;
  private static HttpsServer server;
  private static SSLContext clientTls;
  private static int port;
  private static final AtomicInteger requests = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    Path keystore = temp.resolve("server.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=tls.test",
                "-ext",
                "SAN=dns:tls.test,ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                new String(PASSWORD),
                "-keypass",
                new String(PASSWORD))
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(keytool.waitFor(60, TimeUnit.SECONDS), "keytool did not finish");
    assertEquals(0, keytool.exitValue(), output);

    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, PASSWORD);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASSWORD);
    SSLContext serverTls = SSLContext.getInstance("TLS");
    serverTls.init(kmf.getKeyManagers(), null, null);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    clientTls = SSLContext.getInstance("TLS");
    clientTls.init(null, tmf.getTrustManagers(), null);

    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
    server.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          byte[] body = "secure hello".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "text/plain");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    port = server.getAddress().getPort();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  private static HttpRequestTool tool(String... hosts) {
    return new HttpRequestTool(
        HttpToolSettings.defaults().withAllowedHosts(List.of(hosts)).withAllowPrivateNetworks(true),
        host -> new InetAddress[] {InetAddress.getByName("127.0.0.1")},
        clientTls.getSocketFactory());
  }

  private static ToolCall get(String url) {
    return new ToolCall(
        HttpRequestTool.NAME,
        JSON.createObjectNode().put("method", "GET").put("url", url),
        "k",
        "acme",
        Set.of(),
        "s-tls");
  }

  @Test
  void httpsToANameReachesThePinnedAddressAndVerifiesTheName() throws Exception {
    ToolResult result = tool("tls.test").execute(get("https://tls.test:" + port + "/"));
    assertTrue(result.text().contains("secure hello"), result.text());
    assertTrue(result.text().contains("status: 200"), result.text());
  }

  @Test
  void httpsToAnIpLiteralInTheCertificateWorks() throws Exception {
    ToolResult result = tool("127.0.0.1").execute(get("https://127.0.0.1:" + port + "/"));
    assertTrue(result.text().contains("secure hello"), result.text());
  }

  @Test
  void aCertificateForAnotherNameIsRejected() {
    int before = requests.get();
    ToolException e =
        assertThrows(
            ToolException.class,
            () -> tool("other.test").execute(get("https://other.test:" + port + "/")));
    assertTrue(e.getMessage().contains("TLS"), e.getMessage());
    assertFalse(e.retriable());
    assertEquals(before, requests.get());
  }
}
