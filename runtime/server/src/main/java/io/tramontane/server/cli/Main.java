package io.tramontane.server.cli;

import io.tramontane.server.logging.SecretRedactingFilter;
import java.io.PrintWriter;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code tramontane}: the command line. Errors that a user can fix are printed as one line, without
 * a stack trace; the exit code is 2 for configuration errors, 1 for anything else.
 */
@Command(
    name = "tramontane",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.Provider.class,
    footer = {
      "",
      "Benchmarks: ./tramontane bench --help (module runtime/bench, on the launcher's classpath"
          + " for bench only)."
    },
    description =
        "On-premise agent platform: signed webhooks, document retrieval, workflows, agents.",
    subcommands = {
      ServeCommand.class,
      DemoCommand.class,
      IngestCommand.class,
      SearchCommand.class,
      AskCommand.class,
      ReplayCommand.class,
      RunCommand.class,
      RunsCommand.class,
      ClusterCommand.class,
      ReindexCommand.class,
      ValidateCommand.class,
      VersionCommand.class
    })
public final class Main implements Runnable {

  /** Held strongly: java.util.logging forgets the level of a logger nobody references. */
  private static final java.util.logging.Logger LUCENE_VECTORIZATION =
      java.util.logging.Logger.getLogger("org.apache.lucene.internal.vectorization");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns the exit code (tests call this without exiting the JVM). */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs the CLI with the given output streams and returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    // Lucene says once, on stderr, that the JDK's incubating vector API is not enabled; the
    // launcher leaves it off on purpose (it prints its own warning on every start).
    LUCENE_VECTORIZATION.setLevel(java.util.logging.Level.SEVERE);
    SecretRedactingFilter.install();
    CommandLine cli = new CommandLine(new Main());
    for (PluginCommand plugin : ServiceLoader.load(PluginCommand.class)) {
      cli.addSubcommand(plugin);
    }
    if (!cli.getSubcommands().containsKey("bench")) {
      cli.addSubcommand(new BenchMissing());
    }
    versionEverywhere(cli);
    cli.setParameterExceptionHandler(new UsageErrors());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          ErrorLine line = ErrorLine.of(e);
          commandLine.getErr().println(line.text());
          return line.exit();
        });
    return cli.execute(args);
  }

  /** {@code tramontane <any command> -V} prints the product's version, as {@code tramontane -V}. */
  private static void versionEverywhere(CommandLine command) {
    command.getCommandSpec().versionProvider(new VersionCommand.Provider());
    command.getSubcommands().values().forEach(Main::versionEverywhere);
  }

  /**
   * For one-shot commands whose output is the point (ingest, search, reindex): only warnings and
   * errors are logged, unless TRAMONTANE_LOG_LEVEL asks for more.
   */
  static void quietLogs() {
    LUCENE_VECTORIZATION.setLevel(java.util.logging.Level.SEVERE);
    if (System.getenv("TRAMONTANE_LOG_LEVEL") == null
        && org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
            instanceof ch.qos.logback.classic.Logger root) {
      root.setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
