package io.tramontane.server.cli;

import picocli.CommandLine.Parameters;

/** The WORKFLOW and RUN arguments of the {@code runs} commands that address one run. */
final class RunTarget {

  @Parameters(index = "0", paramLabel = "WORKFLOW", description = "The workflow's name.")
  String workflow;

  @Parameters(index = "1", paramLabel = "RUN", description = "The run's name.")
  String run;

  /** {@code /workflows/<workflow>/runs/<run>}, both names checked. */
  String path() {
    return RunsCommand.runPath(workflow, run);
  }
}
