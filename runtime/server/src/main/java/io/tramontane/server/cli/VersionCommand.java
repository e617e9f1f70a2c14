package io.tramontane.server.cli;

import io.tramontane.server.TramontaneServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tramontane version}. */
@Command(
    name = "version",
    mixinStandardHelpOptions = true,
    description = "Print the version of Tramontane and of the JVM.")
final class VersionCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  static String version() {
    String v = TramontaneServer.class.getPackage().getImplementationVersion();
    return v == null ? "development build" : v;
  }

  @Override
  public void run() {
    for (String line : new Provider().getVersion()) {
      spec.commandLine().getOut().println(line);
    }
  }

  /** Shared with {@code --version}. */
  static final class Provider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "Tramontane " + version(),
        "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
      };
    }
  }
}
