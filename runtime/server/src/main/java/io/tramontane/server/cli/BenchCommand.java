package io.tramontane.server.cli;

import io.tramontane.server.bench.AgentBench;
import io.tramontane.server.bench.EmbedBench;
import io.tramontane.server.bench.IngestBench;
import io.tramontane.server.bench.JournalBench;
import io.tramontane.server.bench.QualityBench;
import io.tramontane.server.bench.RecoveryBench;
import io.tramontane.server.bench.SearchBench;
import io.tramontane.server.bench.TikaBench;
import io.tramontane.server.bench.WebhookBench;
import io.tramontane.server.bench.WorkflowBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tramontane bench <name>}: benchmarks that compare against a baseline in the same run. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Run a benchmark; each prints a table with ratios against a same-run baseline.",
    subcommands = {
      AgentBench.class,
      EmbedBench.class,
      IngestBench.class,
      SearchBench.class,
      QualityBench.class,
      TikaBench.class,
      JournalBench.class,
      WebhookBench.class,
      WorkflowBench.class,
      RecoveryBench.class
    })
final class BenchCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
