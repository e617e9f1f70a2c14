package io.tramontane.bench;

import io.tramontane.server.cli.PluginCommand;
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
      ImapBench.class,
      SharePointBench.class,
      RecoveryBench.class
    })
public final class BenchCommand implements Runnable, PluginCommand {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
