package io.tramontane.workflows.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.tramontane.core.outbound.OutboundHttp;
import io.tramontane.core.outbound.OutboundPolicy;
import io.tramontane.workflows.call.HttpCall;
import io.tramontane.workflows.run.WorkflowError;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code call: http} from workflows: allowlist, address rules, the connection pinned to the vetted
 * address (DNS rebinding), TLS checked against the host name, redirects not followed, idempotency
 * key, errors.
 */
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
              () -> effects(List.of(), false).call("/do/0/pay#1", "http", post(url)));
      assertTrue(notListed.detail().contains("allowed-hosts"), notListed.detail());
      WorkflowError privateAddress =
          assertThrows(
              WorkflowError.class,
              () -> effects(List.of("127.0.0.1"), false).call("/do/0/pay#1", "http", post(url)));
      assertEquals("Address not allowed", privateAddress.title());
      WorkflowError metadata =
          assertThrows(
              WorkflowError.class,
              () ->
                  effects(List.of("169.254.169.254"), true)
                      .call(
                          "/do/0/pay#1", "http", post("http://169.254.169.254/latest/meta-data")));
      assertEquals("Address not allowed", metadata.title(), "metadata stays refused");
      assertEquals(List.of(), received);

      var ok = effects(List.of("127.0.0.1"), true).call("/do/0/pay#1", "http", post(url));
      assertEquals("applied", ok.get("status").asText());
      assertEquals(List.of("t/w/r1//do/0/pay#1 {\"amount\":5}"), received);
    } finally {
      server.stop(0);
    }
  }

  /** A loopback server answering every path; records "Host Idempotency-Key body" per request. */
  static HttpServer loopbackServer(List<String> received) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          received.add(
              ex.getRequestHeaders().getFirst("Host")
                  + " "
                  + ex.getRequestHeaders().getFirst("Idempotency-Key")
                  + " "
                  + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          if (ex.getRequestURI().getPath().equals("/redirect")) {
            ex.getResponseHeaders().add("Location", "http://elsewhere.test/steal");
            ex.sendResponseHeaders(302, -1);
            ex.close();
            return;
          }
          byte[] body = "{\"status\": \"applied\"}".getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(201, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    return server;
  }

  /** Effects with {@code call: http} under a policy allowing {@code hosts}. */
  static NodeEffects effects(List<String> hosts, boolean allowPrivate) {
    return effects(
        hosts,
        allowPrivate,
        InetAddress::getAllByName,
        (SSLSocketFactory) SSLSocketFactory.getDefault());
  }

  static NodeEffects effects(
      List<String> hosts,
      boolean allowPrivate,
      OutboundHttp.Resolver resolver,
      SSLSocketFactory tls) {
    OutboundPolicy policy =
        new OutboundPolicy(
            HttpCall.KEY, hosts, allowPrivate, 1 << 20, 1 << 20, Duration.ofSeconds(30), 0);
    return new NodeEffects(
        "t/w/r1", "t", List.of(new HttpCall(new OutboundHttp(policy, resolver, tls))));
  }

  static NodeEffects effects(String host, OutboundHttp.Resolver resolver) {
    return effects(List.of(host), true, resolver, (SSLSocketFactory) SSLSocketFactory.getDefault());
  }

  @Test
  void theRequestGoesToTheVettedAddressEvenWhenTheNameRebinds() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    HttpServer server = loopbackServer(received);
    int port = server.getAddress().getPort();
    AtomicInteger lookups = new AtomicInteger();
    // First answer: the loopback test server (allowed: private networks are on). Every later
    // answer: the cloud metadata address, which a re-resolving client would connect to.
    OutboundHttp.Resolver rebinding =
        host ->
            new InetAddress[] {
              InetAddress.getByName(
                  lookups.getAndIncrement() == 0 ? "127.0.0.1" : "169.254.169.254")
            };
    try {
      JsonNode ok =
          effects("rebind.test", rebinding)
              .call("/do/0/pay#1", "http", post("http://rebind.test:" + port + "/pay"));
      assertEquals("applied", ok.get("status").asText());
      assertEquals(1, lookups.get(), "the host is resolved once, at the check");
      assertEquals(
          List.of("rebind.test:" + port + " t/w/r1//do/0/pay#1 {\"amount\":5}"),
          received,
          "the vetted address received the request, with the name in Host");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aNameThatFirstResolvesToMetadataIsRefusedEvenIfItLaterRebindsToAnAllowedAddress()
      throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    HttpServer server = loopbackServer(received);
    int port = server.getAddress().getPort();
    AtomicInteger lookups = new AtomicInteger();
    OutboundHttp.Resolver rebinding =
        host ->
            new InetAddress[] {
              InetAddress.getByName(
                  lookups.getAndIncrement() == 0 ? "169.254.169.254" : "127.0.0.1")
            };
    try {
      WorkflowError e =
          assertThrows(
              WorkflowError.class,
              () ->
                  effects("rebind.test", rebinding)
                      .call("/do/0/pay#1", "http", post("http://rebind.test:" + port + "/pay")));
      assertEquals("Address not allowed", e.title());
      assertEquals(List.of(), received);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void redirectsAreReturnedNotFollowed() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    HttpServer server = loopbackServer(received);
    int port = server.getAddress().getPort();
    List<String> resolved = new CopyOnWriteArrayList<>();
    OutboundHttp.Resolver resolver =
        host -> {
          resolved.add(host);
          return new InetAddress[] {InetAddress.getByName("127.0.0.1")};
        };
    try {
      // redirect: true allows a 3xx (dsl-reference.md "HTTP Call"); max-redirects 0 returns it
      ObjectNode with = post("http://site.test:" + port + "/redirect").put("redirect", true);
      JsonNode result = effects("site.test", resolver).call("/do/0/go#1", "http", with);
      assertTrue(result.isNull(), result.toString());
      assertEquals(List.of("site.test"), resolved, "elsewhere.test is never looked up");
      assertEquals(1, received.size());
    } finally {
      server.stop(0);
    }
  }

  @Test
  void headersThatCouldSmuggleOrOverrideAreRefused() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    HttpServer server = loopbackServer(received);
    int port = server.getAddress().getPort();
    OutboundHttp.Resolver loopback = host -> new InetAddress[] {InetAddress.getByName("127.0.0.1")};
    try {
      for (String[] header :
          new String[][] {
            {"X-Note", "a\r\nHost: evil.test"},
            {"Host", "evil.test"},
            {"Content-Length", "0"},
            {"Idempotency-Key", "mine"}
          }) {
        ObjectNode with = post("http://site.test:" + port + "/pay");
        with.putObject("headers").put(header[0], header[1]);
        WorkflowError e =
            assertThrows(
                WorkflowError.class,
                () -> effects("site.test", loopback).call("/do/0/pay#1", "http", with));
        assertEquals("Bad header", e.title(), header[0]);
      }
      assertEquals(List.of(), received);
    } finally {
      server.stop(0);
    }
  }

  @TempDir static Path temp;

  @Test
  void httpsToThePinnedAddressStillVerifiesTheCertificateAgainstTheHostName() throws Exception {
    char[] password = "changeit".toCharArray();
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
                "SAN=dns:tls.test",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                new String(password),
                "-keypass",
                new String(password))
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(keytool.waitFor(60, TimeUnit.SECONDS), "keytool did not finish");
    assertEquals(0, keytool.exitValue(), output);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, password);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, password);
    SSLContext serverTls = SSLContext.getInstance("TLS");
    serverTls.init(kmf.getKeyManagers(), null, null);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext clientTls = SSLContext.getInstance("TLS");
    clientTls.init(null, tmf.getTrustManagers(), null);

    AtomicInteger requests = new AtomicInteger();
    HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
    server.createContext(
        "/",
        ex -> {
          requests.incrementAndGet();
          byte[] body = "{\"secure\": true}".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
    int port = server.getAddress().getPort();
    OutboundHttp.Resolver loopback = host -> new InetAddress[] {InetAddress.getByName("127.0.0.1")};
    try {
      JsonNode ok =
          effects(List.of("tls.test", "other.test"), true, loopback, clientTls.getSocketFactory())
              .call("/do/0/get#1", "http", post("https://tls.test:" + port + "/"));
      assertTrue(ok.get("secure").asBoolean(), ok.toString());
      assertEquals(1, requests.get());
      WorkflowError wrongName =
          assertThrows(
              WorkflowError.class,
              () ->
                  effects(
                          List.of("tls.test", "other.test"),
                          true,
                          loopback,
                          clientTls.getSocketFactory())
                      .call("/do/0/get#1", "http", post("https://other.test:" + port + "/")));
      assertEquals("Unreachable", wrongName.title(), wrongName.detail());
      assertEquals(1, requests.get(), "a certificate for another name gets no request");
    } finally {
      server.stop(0);
    }
  }
}
