package io.tramontane.agents.model;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A provider's chat-completions endpoint on loopback that answers from a script, one reply per
 * request in order, and records every request it received. Beyond the script it answers 500.
 */
final class ReplayServer implements AutoCloseable {

  /** What the server received. */
  record Received(String method, String path, String authorization, String body) {}

  /** What it answers. */
  record Reply(int status, String json) {}

  private final HttpServer server;
  private final Deque<Function<Received, Reply>> script = new ArrayDeque<>();
  private final List<Received> received = new ArrayList<>();

  ReplayServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  /** The API root a client is configured with: {@code http://127.0.0.1:<port>} + {@code path}. */
  String baseUrl(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  synchronized ReplayServer then(int status, String json) {
    script.add(r -> new Reply(status, json));
    return this;
  }

  synchronized ReplayServer then(Function<Received, Reply> reply) {
    script.add(reply);
    return this;
  }

  synchronized List<Received> received() {
    return List.copyOf(received);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Received r =
          new Received(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getPath(),
              exchange.getRequestHeaders().getFirst("Authorization"),
              body);
      Function<Received, Reply> next;
      synchronized (this) {
        received.add(r);
        next = script.poll();
      }
      Reply reply =
          next == null
              ? new Reply(500, "{\"message\":\"replay script exhausted\"}")
              : next.apply(r);
      byte[] bytes = reply.json().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(reply.status(), bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
