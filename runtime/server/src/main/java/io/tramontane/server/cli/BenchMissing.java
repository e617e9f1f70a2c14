package io.tramontane.server.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code tramontane bench} when the bench module is not on the class path (the server jar alone):
 * whatever follows, even {@code --help}, it says where the benchmarks are and how to run them.
 */
@Command(name = "bench", hidden = true, description = "Benchmarks (module runtime/bench).")
final class BenchMissing implements Callable<Integer> {

  static final String MESSAGE =
      "tramontane: bench is not in this build: the benchmarks live in the module runtime/bench."
          + " Run them from a source checkout with ./tramontane bench --help (the launcher builds"
          + " runtime/bench and puts it on the class path), see docs/benchmarks.md.";

  @Spec CommandSpec spec;

  @Unmatched List<String> args = new ArrayList<>();

  @Override
  public Integer call() {
    spec.commandLine().getErr().println(MESSAGE);
    spec.commandLine().getErr().flush();
    return 2;
  }
}
