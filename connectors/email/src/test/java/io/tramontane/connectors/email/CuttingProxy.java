package io.tramontane.connectors.email;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback that forwards bytes to a server and, when armed, resets every connection
 * after N more bytes from the server (RELIABILITY F4: a connection reset mid-FETCH or mid-IDLE).
 */
final class CuttingProxy implements AutoCloseable {

  private final ServerSocket listener;
  private final int target;
  private final AtomicLong budget = new AtomicLong(Long.MAX_VALUE);
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong cuts = new AtomicLong();

  CuttingProxy(int target) throws IOException {
    this.target = target;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("cutting-proxy").start(this::accept);
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Resets all connections once the server has sent {@code bytes} more bytes (once). */
  void cutAfter(long bytes) {
    budget.set(bytes);
  }

  long cuts() {
    return cuts.get();
  }

  /** Resets every open connection now. */
  void cutAll() {
    cuts.incrementAndGet();
    for (Socket s : open) {
      try {
        s.setSoLinger(true, 0); // RST, not FIN
        s.close();
      } catch (IOException e) {
        // already gone
      }
    }
    open.clear();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
        open.add(client);
        open.add(server);
        Thread.ofVirtual().start(() -> pump(client, server, false));
        Thread.ofVirtual().start(() -> pump(server, client, true));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(Socket from, Socket to, boolean fromServer) {
    byte[] buf = new byte[4096];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        if (fromServer) {
          long left = budget.addAndGet(-n);
          if (left < 0) {
            int allowed = (int) Math.max(0, n + left);
            out.write(buf, 0, allowed);
            out.flush();
            budget.set(Long.MAX_VALUE);
            cutAll();
            return;
          }
        }
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // reset or closed
    } finally {
      try {
        from.close();
        to.close();
      } catch (IOException e) {
        // ignore
      }
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    cutAll();
  }
}
