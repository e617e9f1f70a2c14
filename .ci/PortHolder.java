import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds TCP ports the way another node on the machine would (issue 16, item 8): listens on each
 * port given, on every address, accepting and closing connections, until killed. .ci/run starts it
 * before the tests so a test that binds a fixed port fails in CI. A port some other process
 * already holds is just as taken: it is reported and left to that process.
 */
public class PortHolder {
  public static void main(String[] args) throws Exception {
    List<ServerSocket> held = new ArrayList<>();
    for (String port : args) {
      try {
        held.add(new ServerSocket(Integer.parseInt(port), 50, (InetAddress) null));
      } catch (BindException e) {
        System.out.println("port " + port + " is already taken by another process");
      }
    }
    System.out.println("holding " + String.join(", ", args));
    System.out.flush();
    for (ServerSocket s : held) {
      Thread.ofPlatform()
          .daemon(false)
          .start(
              () -> {
                while (true) {
                  try (Socket c = s.accept()) {
                    // a node that answers nothing useful
                  } catch (Exception e) {
                    return;
                  }
                }
              });
    }
  }
}
