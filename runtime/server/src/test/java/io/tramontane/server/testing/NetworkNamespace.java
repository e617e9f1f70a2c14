package io.tramontane.server.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Linux network namespace joined to this one by two veth pairs, for partition tests (RELIABILITY
 * F2). A process started under {@link #prefix()} has two addresses: {@link #clusterInside()} on the
 * <em>cluster link</em> (reaching this host at {@link #clusterOutside()}) and {@link
 * #serviceInside()} on the <em>service link</em> (reaching this host at {@link #serviceOutside()}).
 * {@link #cut()} takes the cluster link down, so everything routed over it fails while the service
 * link (the database, HTTP) keeps working; a blackhole route keeps the cut traffic from leaking out
 * through this host's default route. {@link #heal()} brings the link back. Needs root
 * (CAP_NET_ADMIN) and {@code ip} (iproute2); {@link #available()} says whether this machine can.
 * {@link #close()} deletes the namespace and with it both pairs.
 */
public final class NetworkNamespace implements AutoCloseable {

  private final String name;
  private final int subnet;

  private NetworkNamespace(String name, int subnet) {
    this.name = name;
    this.subnet = subnet;
  }

  /** True when a namespace and a veth pair can be created here (tries, then deletes them). */
  public static boolean available() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return false;
    }
    String probe = "trp" + ProcessHandle.current().pid() % 100_000;
    try {
      run(List.of("ip", "netns", "add", probe));
      try {
        run(List.of("ip", "link", "add", probe + "o", "type", "veth", "peer", "name", probe + "i"));
        run(List.of("ip", "link", "del", probe + "o"));
      } finally {
        run(List.of("ip", "netns", "del", probe));
      }
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  /** Creates the namespace, both pairs, their addresses and the blackhole route. */
  public static NetworkNamespace create() throws Exception {
    long pid = ProcessHandle.current().pid();
    NetworkNamespace ns = new NetworkNamespace("trn" + pid % 100_000, (int) (pid % 120) * 2);
    try {
      ns.link("c", ns.clusterOutside(), ns.clusterInside());
      ns.link("s", ns.serviceOutside(), ns.serviceInside());
      run(
          List.of(
              "ip",
              "route",
              "add",
              "blackhole",
              "10.254." + ns.subnet + ".0/30",
              "metric",
              "9999"));
      ns.inNamespace("ip", "link", "set", "lo", "up");
      // This host's cluster address lives on lo, not on the pair, so that nodes of this host keep
      // reaching each other when the pair goes down; the namespace routes to it over the pair.
      run(List.of("ip", "addr", "add", ns.clusterOutside() + "/32", "dev", "lo"));
      ns.inNamespace("ip", "route", "add", ns.clusterOutside() + "/32", "via", ns.clusterGateway());
    } catch (Exception | Error e) {
      ns.close();
      throw e;
    }
    return ns;
  }

  private void link(String kind, String outside, String inside) throws Exception {
    if (outside.equals(clusterOutside())) {
      outside = clusterGateway();
    }
    String outer = name + kind + "o";
    String inner = name + kind + "i";
    if (kind.equals("c")) {
      run(List.of("ip", "netns", "add", name));
    }
    run(List.of("ip", "link", "add", outer, "type", "veth", "peer", "name", inner));
    run(List.of("ip", "link", "set", inner, "netns", name));
    run(List.of("ip", "addr", "add", outside + "/30", "dev", outer));
    run(List.of("ip", "link", "set", outer, "up"));
    inNamespace("ip", "addr", "add", inside + "/30", "dev", inner);
    inNamespace("ip", "link", "set", inner, "up");
  }

  /**
   * This host's cluster address (for the nodes of this host): on {@code lo}, reached from the
   * namespace over the cluster link only.
   */
  public String clusterOutside() {
    return "10.254." + subnet + ".5";
  }

  /** This host's end of the cluster link. */
  private String clusterGateway() {
    return "10.254." + subnet + ".1";
  }

  /** The namespace's address on the cluster link. */
  public String clusterInside() {
    return "10.254." + subnet + ".2";
  }

  /** This host's address on the service link. */
  public String serviceOutside() {
    return "10.254." + (subnet + 1) + ".1";
  }

  /** The namespace's address on the service link. */
  public String serviceInside() {
    return "10.254." + (subnet + 1) + ".2";
  }

  /** The command-line prefix that starts a process inside the namespace. */
  public List<String> prefix() {
    return List.of("ip", "netns", "exec", name);
  }

  /** Takes the cluster link down: no traffic between the cluster addresses, either way. */
  public void cut() throws Exception {
    run(List.of("ip", "link", "set", name + "co", "down"));
  }

  /** Brings the cluster link back up. */
  public void heal() throws Exception {
    run(List.of("ip", "link", "set", name + "co", "up"));
  }

  private void inNamespace(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(prefix());
    cmd.addAll(List.of(args));
    run(cmd);
  }

  private static void run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out.strip());
    }
  }

  @Override
  public void close() throws Exception {
    for (List<String> cmd :
        List.of(
            List.of("ip", "route", "del", "blackhole", "10.254." + subnet + ".0/30"),
            List.of("ip", "addr", "del", clusterOutside() + "/32", "dev", "lo"),
            List.of("ip", "netns", "del", name),
            List.of("ip", "link", "del", name + "co"),
            List.of("ip", "link", "del", name + "so"))) {
      try {
        run(cmd);
      } catch (IllegalStateException e) {
        // not created, or gone with the namespace
      }
    }
  }
}
