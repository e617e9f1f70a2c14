package io.tramontane.server.cli;

import io.tramontane.core.TramontaneConfig;
import io.tramontane.workflows.definition.Problem;
import io.tramontane.workflows.definition.WorkflowDefinition;
import io.tramontane.workflows.definition.WorkflowDefinitions;
import io.tramontane.workflows.definition.WorkflowSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tramontane validate FILE…}: checks workflow definitions (Serverless Workflow DSL 1.0 in
 * Tramontane's profile) without starting a node. Prints {@code file: valid (namespace/name version,
 * N tasks)} for each valid file, and each problem of an invalid one as {@code file:line:column:
 * what — how to fix} on standard error.
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Validate workflow definitions (Serverless Workflow DSL 1.0, Tramontane profile).",
      "Exit code: 0 all valid, 3 invalid definition (some file), 2 usage error or unreadable"
          + " file."
    })
final class ValidateCommand implements Callable<Integer> {

  static final int INVALID = 3;
  static final int UNREADABLE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "HOCON file for tramontane.workflows limits (see workflows/README.md).")
  Path config;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Workflow YAML files.")
  List<Path> files;

  @Override
  public Integer call() {
    Main.quietLogs();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    WorkflowDefinitions definitions =
        new WorkflowDefinitions(
            WorkflowSettings.fromConfig(
                TramontaneConfig.load(Optional.ofNullable(config), Map.of())));
    boolean invalid = false;
    boolean unreadable = false;
    for (Path file : files) {
      if (!Files.isRegularFile(file)) {
        err.println(file + ": cannot read: no such file");
        unreadable = true;
        continue;
      }
      List<Problem> problems;
      try {
        problems = definitions.validate(file);
      } catch (IOException e) {
        err.println(file + ": cannot read: " + e.getMessage());
        unreadable = true;
        continue;
      }
      if (!problems.isEmpty()) {
        problems.forEach(err::println);
        invalid = true;
        continue;
      }
      try {
        WorkflowDefinition d = definitions.parse(file.toString(), Files.readAllBytes(file));
        out.println(
            file
                + ": valid ("
                + d.namespace()
                + "/"
                + d.name()
                + " "
                + d.version()
                + ", "
                + d.taskCount()
                + (d.taskCount() == 1 ? " task)" : " tasks)"));
      } catch (IOException e) {
        err.println(file + ": cannot read: " + e.getMessage());
        unreadable = true;
      }
    }
    out.flush();
    err.flush();
    return unreadable ? UNREADABLE : invalid ? INVALID : 0;
  }
}
