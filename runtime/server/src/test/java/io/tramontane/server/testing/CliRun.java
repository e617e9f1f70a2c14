package io.tramontane.server.testing;

import io.tramontane.server.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One run of the {@code tramontane} command line in this JVM, as a user would see it.
 *
 * @param exit the exit code
 * @param out what it printed on standard output
 * @param err what it printed on standard error
 */
public record CliRun(int exit, String out, String err) {

  /** Runs {@code tramontane args…} and keeps what it printed. */
  public static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new CliRun(exit, out.toString(), err.toString());
  }
}
