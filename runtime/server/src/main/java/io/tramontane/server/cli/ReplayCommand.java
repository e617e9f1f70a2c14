package io.tramontane.server.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tramontane.agents.JournalReplay;
import io.tramontane.agents.session.SessionReplay;
import io.tramontane.core.ConfigurationException;
import io.tramontane.core.TramontaneException;
import io.tramontane.core.persistence.DatabaseSettings;
import io.tramontane.retrieval.ingest.Ingestion;
import io.tramontane.server.DataDirLock;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tramontane replay <agent> <session>}: re-runs a recorded session's decisions against the
 * agent's current definition — recorded model answers and tool results, no live call — and prints
 * where it would now diverge, and which calls were interrupted. It reads the journal only: no
 * cluster, no sharding, no model, no tool. Exit code 0 when identical, 3 when it diverges.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Replay a recorded agent session against the agent's current definition.",
      "No model or tool is called; reports where the session would diverge (exit code 3 when it"
          + " does)."
    })
final class ReplayCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;

  @Parameters(index = "0", paramLabel = "AGENT", description = "The agent's name.")
  String agent;

  @Parameters(
      index = "1",
      paramLabel = "SESSION",
      description = "The session's id (as ask or the REST API printed it).")
  String session;

  @Option(
      names = "--agents",
      paramLabel = "DIR",
      description = "Directory of agent definitions, of the --tenant.")
  Path agentsDir;

  @Option(names = "--tenant", description = "Tenant (default: ${DEFAULT-VALUE}).")
  String tenant = "default";

  @Override
  public Integer call() {
    Main.quietLogs();
    PrintWriter out = options.out();
    Ingestion.checkName("tenant", tenant);
    Config config = options.load(ConfigOptions.withAgents(Map.of(), agentsDir, tenant));
    // The journal only: a local ActorSystem with the read journal. No cluster, no sharding (a
    // remembered session would resume and call its tools), no model, no tool.
    DatabaseSettings db = DatabaseSettings.fromConfig(config);
    // The embedded database is one process's: beside a server on this data directory, say so now.
    DataDirLock lock =
        db.kind() == DatabaseSettings.Kind.H2
            ? DataDirLock.acquire(
                Path.of(config.getString("tramontane.data-dir")),
                "replay",
                holder -> RetrievalNode.advice("replay", holder))
            : null;
    RetrievalNode.starting(options.err(), "replay", config, "reading the journal");
    Config local =
        ConfigFactory.parseMap(
                Map.of(
                    "pekko.actor.provider", "local",
                    "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off",
                    "pekko.loglevel", "WARNING"))
            .withFallback(db.toPekkoConfig())
            .withFallback(config);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "tramontane-replay", local);
    try {
      SessionReplay.Report report;
      try {
        report =
            JournalReplay.replay(system, config, tenant, agent, session)
                .toCompletableFuture()
                .join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof TramontaneException te) {
          throw te;
        }
        throw new ConfigurationException(
            "the journal cannot be read ("
                + (e.getCause() == null ? e : e.getCause()).getMessage()
                + "); check --data-dir / the database settings.");
      }
      out.printf(
          "Replayed session %s of agent %s: %d turn(s), %d model call(s), %d tool call(s)"
              + " (from the journal; no model or tool was called).%n",
          session, agent, report.turns(), report.modelCalls(), report.toolCalls());
      if (report.unfinished()) {
        out.println(
            "The last turn has no answer recorded: it was interrupted (the node stopped) or still"
                + " waits.");
      }
      for (SessionReplay.Interrupted i : report.interrupted()) {
        if (i.awaitingApproval()) {
          out.printf(
              "  turn %d: the call to %s (key %s) waits for a person's decision.%n",
              i.turn(), i.tool(), i.key());
        } else {
          out.printf(
              "  turn %d: the call to %s (key %s) was interrupted: no outcome is recorded (it may"
                  + " have been applied); a server on this journal resumes the session and issues"
                  + " it again with the same key.%n",
              i.turn(), i.tool(), i.key());
        }
      }
      for (SessionReplay.Interrupted i : report.outcomeUnknown()) {
        out.printf(
            "  turn %d: the call to %s (key %s) was issued and cut off (cancel or time-out): outcome"
                + " unknown, it may have been applied; check before repeating it.%n",
            i.turn(), i.tool(), i.key());
      }
      if (report.agentDeleted()) {
        out.println(
            "The agent is deleted: replayed against the version the session ran ("
                + report.recordedVersion()
                + ").");
      }
      if (report.identical()) {
        out.println(
            report.agentDeleted()
                ? "Identical: the session's own version makes the same decisions again."
                : "Identical: the current definition would make the same decisions.");
        return 0;
      }
      for (SessionReplay.Divergence d : report.diverges()) {
        out.printf("  turn %d, step %d: %s%n", d.turn(), d.step(), d.what());
      }
      out.flush();
      return 3;
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
      if (lock != null) {
        lock.close();
      }
    }
  }
}
