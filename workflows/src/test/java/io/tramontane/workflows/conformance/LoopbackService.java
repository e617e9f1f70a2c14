package io.tramontane.workflows.conformance;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A JDK HTTP server on 127.0.0.1 (a free port) for each test: it records every request as it saw
 * it, then lets the test class answer it.
 */
abstract class LoopbackService {

  /** One request as the server saw it (header names in lower case). */
  record Received(
      String method, String path, String query, Map<String, String> headers, String body) {}

  final List<Received> received = new CopyOnWriteArrayList<>();
  HttpServer server;
  int port;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::record);
    server.start();
    port = server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void record(HttpExchange ex) throws IOException {
    Map<String, String> headers = new HashMap<>();
    ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(", ", v)));
    String path = ex.getRequestURI().getRawPath();
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    received.add(
        new Received(ex.getRequestMethod(), path, ex.getRequestURI().getRawQuery(), headers, body));
    answer(ex, path);
  }

  /** Answers the request to {@code path} (already recorded). */
  abstract void answer(HttpExchange ex, String path) throws IOException;
}
