package io.tramontane.server.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/** The demo's stand-in for a helpdesk: receives the workflow's callback on loopback. */
final class DemoCallback implements AutoCloseable {

  private final HttpServer server;
  private final BlockingQueue<String> received = new ArrayBlockingQueue<>(16);

  private DemoCallback(HttpServer server) {
    this.server = server;
  }

  static DemoCallback start() throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    DemoCallback c = new DemoCallback(s);
    s.createContext(
        "/reply",
        ex -> {
          byte[] body = ex.getRequestBody().readNBytes(64 * 1024);
          c.received.offer(new String(body, StandardCharsets.UTF_8));
          ex.sendResponseHeaders(204, -1);
          ex.close();
        });
    s.start();
    return c;
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** The first callback body, or null after {@code timeout}. */
  String await(Duration timeout) throws InterruptedException {
    return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The demo workflow: ask the demo agent, post the cited answer to this callback. */
  static String workflow(int port) {
    return """
        document: {dsl: '1.0.0', namespace: demo, name: demo-ticket, version: '1.0.0'}
        do:
          - ask:
              call: agent
              with:
                agent: demo
                message: ${ .ticket.question }
                session: ${ "ticket-" + (.ticket.id | tostring) }
              output:
                as: '${ {ticket: $input.ticket.id, answer: .answer, citations: [.citations[].documentId]} }'
          - reply:
              call: http
              with:
                method: post
                endpoint: http://127.0.0.1:%d/reply
                body: ${ . }
        """
        .formatted(port);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
