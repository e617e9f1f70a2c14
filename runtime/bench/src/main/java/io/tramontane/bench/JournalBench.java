package io.tramontane.bench;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.tramontane.core.persistence.Database;
import io.tramontane.core.persistence.DatabaseSettings;
import io.tramontane.core.system.TramontaneSystem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * P5, {@code tramontane bench journal}: agent steps of about 512 bytes persisted by 1, 100 and
 * 1,000 concurrent entities on H2 and PostgreSQL, against an fsync probe measured in the same run.
 * Target: PostgreSQL at 100 entities ≥ 2× the fsync rate (the journal must batch writers).
 */
@Command(
    name = "journal",
    mixinStandardHelpOptions = true,
    description = {
      "P5: events/s persisted by 1, 100 and 1,000 entities on H2 and PostgreSQL, against an fsync"
          + " probe (one writer, 512 B + fsync) in the same run.",
      "PostgreSQL rows say 'skipped' when the server named by TRAMONTANE_DB_URL is not reachable."
    })
public final class JournalBench implements Callable<Integer> {

  static final String NAME = "journal";
  static final int[] LEVELS = {1, 100, 1_000};
  static final int EVENT_BYTES = 512;
  static final double TARGET = 2.0;
  static final String TOOL = "search_documents";

  @Mixin BenchOptions options;

  @Mixin BenchDatabase database;

  /** How long each phase runs. */
  record Plan(Duration fsync, Duration warmup, Duration settle, Duration measure) {
    static Plan of(boolean quick) {
      return quick
          ? new Plan(
              Duration.ofSeconds(2),
              Duration.ofSeconds(2),
              Duration.ofMillis(500),
              Duration.ofSeconds(3))
          : new Plan(
              Duration.ofSeconds(10),
              Duration.ofSeconds(5),
              Duration.ofSeconds(2),
              Duration.ofSeconds(15));
    }
  }

  /** One database's figures, or why it was skipped. */
  public record DatabaseRun(
      String database,
      String journal,
      String skipped,
      Map<String, String> serverSettings,
      List<JournalLoad.Result> levels,
      long rowsDeleted) {

    Optional<JournalLoad.Result> at(int entities) {
      return levels.stream().filter(l -> l.entities() == entities).findFirst();
    }
  }

  /** Everything the run measured; written as JSON. */
  public record Report(
      @JsonUnwrapped ReportHeader header,
      Plan plan,
      int eventBytes,
      String dataDirFileSystem,
      FsyncProbe.Result fsync,
      List<DatabaseRun> databases,
      Double postgresAt100OverFsync,
      Double h2At100OverFsync,
      double target) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter out = options.out();
    PrintWriter progress = options.progress();
    BenchNode.quietLogs();
    Plan plan = Plan.of(options.quick);
    List<DatabaseSettings.Kind> kinds = database.kinds("both");
    String runId = "r" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    Machine machine = Machine.describe();
    Path dataDir = BenchNode.tempDataDir(NAME);
    String fileSystem = BenchNode.fileSystem(dataDir);
    FsyncProbe.Result fsync;
    List<DatabaseRun> runs = new ArrayList<>();
    int[] eventBytes = {0};
    try {
      progress.printf("bench journal: fsync probe in %s (%s)...%n", dataDir, fileSystem);
      progress.flush();
      fsync = FsyncProbe.run(dataDir, plan.fsync());
      for (DatabaseSettings.Kind kind : kinds) {
        runs.add(runDatabase(kind, dataDir, runId, plan, progress, eventBytes));
      }
    } finally {
      BenchNode.deleteTree(dataDir);
    }
    Double pg = ratio(runs, DatabaseSettings.Kind.POSTGRES, fsync);
    Double h2 = ratio(runs, DatabaseSettings.Kind.H2, fsync);
    Report report =
        new Report(
            new ReportHeader(NAME, "P5", options.quick, machine),
            plan,
            eventBytes[0],
            fileSystem,
            fsync,
            runs,
            pg,
            h2,
            TARGET);
    table(report).print(out);
    options.printJson(NAME, report);
    return 0;
  }

  private static Double ratio(
      List<DatabaseRun> runs, DatabaseSettings.Kind kind, FsyncProbe.Result fsync) {
    return runs.stream()
        .filter(r -> r.database().equals(label(kind)))
        .flatMap(r -> r.at(100).stream())
        .map(l -> l.perSecond() / fsync.perSecond())
        .findFirst()
        .orElse(null);
  }

  private DatabaseRun runDatabase(
      DatabaseSettings.Kind kind,
      Path dataDir,
      String runId,
      Plan plan,
      PrintWriter progress,
      int[] eventBytes)
      throws InterruptedException {
    String label = label(kind);
    var config =
        BenchNode.config(dataDir.resolve(kind.name().toLowerCase(Locale.ROOT)), kind, Map.of());
    String journal = DatabaseSettings.fromConfig(config).describe();
    if (kind == DatabaseSettings.Kind.POSTGRES) {
      Optional<String> problem = BenchNode.postgresProblem(config);
      if (problem.isPresent()) {
        progress.println("bench journal: PostgreSQL skipped: " + problem.get());
        return new DatabaseRun(label, journal, problem.get(), Map.of(), List.of(), 0);
      }
    }
    progress.printf("bench journal: starting a node on %s...%n", journal);
    progress.flush();
    TramontaneSystem node = TramontaneSystem.start(config);
    String idPrefix = runId + "-";
    DatabaseRun run;
    long deleted = 0;
    try {
      run = measure(node, kind, journal, idPrefix, plan, progress, eventBytes);
    } finally {
      if (kind == DatabaseSettings.Kind.POSTGRES) {
        deleted =
            BenchNode.deleteEvents(
                node.database(), AgentStepEntity.ENTITY_KEY.name() + "|" + idPrefix, progress);
      }
      node.close();
    }
    if (deleted > 0) {
      progress.printf("bench journal: removed %,d benchmark events from PostgreSQL%n", deleted);
      progress.flush();
    }
    return new DatabaseRun(
        run.database(), run.journal(), run.skipped(), run.serverSettings(), run.levels(), deleted);
  }

  private static DatabaseRun measure(
      TramontaneSystem node,
      DatabaseSettings.Kind kind,
      String journal,
      String idPrefix,
      Plan plan,
      PrintWriter progress,
      int[] eventBytes)
      throws InterruptedException {
    String label = label(kind);
    Optional<String> notReady = BenchNode.awaitReady(node, Duration.ofSeconds(30));
    if (notReady.isPresent()) {
      return new DatabaseRun(label, journal, notReady.get(), Map.of(), List.of(), 0);
    }
    Map<String, String> serverSettings =
        kind == DatabaseSettings.Kind.POSTGRES ? postgresSettings(node.database()) : Map.of();
    AgentStepEntity.init(node.system(), node.persistence());
    Serialization serialization = SerializationExtension.get(node.system().classicSystem());
    String output = outputFor(serialization);
    eventBytes[0] = size(serialization, output);
    JournalLoad load =
        new JournalLoad(ClusterSharding.get(node.system()), TOOL, output, Duration.ofSeconds(10));
    progress.printf(
        "bench journal: %s warm-up (100 entities, %d s)...%n", label, plan.warmup().toSeconds());
    progress.flush();
    load.run(idPrefix + "warm-", 100, Duration.ZERO, plan.warmup());
    List<JournalLoad.Result> levels = new ArrayList<>();
    for (int entities : LEVELS) {
      JournalLoad.Result result =
          load.run(idPrefix + entities + "-", entities, plan.settle(), plan.measure());
      progress.printf(
          "bench journal: %s, %,d %s: %,.0f events/s%n",
          label, entities, entities == 1 ? "entity" : "entities", result.perSecond());
      progress.flush();
      levels.add(result);
    }
    return new DatabaseRun(label, journal, null, serverSettings, levels, 0);
  }

  static String label(DatabaseSettings.Kind kind) {
    return kind == DatabaseSettings.Kind.H2 ? "H2" : "PostgreSQL";
  }

  /** An agent step's output, sized so that one serialized {@code StepRecorded} is ~512 bytes. */
  static String outputFor(Serialization serialization) {
    String base =
        "{\"tool\":\"search_documents\",\"query\":\"quarterly revenue by region\",\"hits\":[";
    StringBuilder text = new StringBuilder(base);
    for (int i = 0; text.length() < 400; i++) {
      text.append("{\"doc\":\"report-")
          .append(i)
          .append(".pdf\",\"score\":0.8")
          .append(i)
          .append("},");
    }
    String sample = text.toString();
    int size = size(serialization, sample);
    int target = sample.length() + (EVENT_BYTES - size);
    StringBuilder sized = new StringBuilder(sample);
    while (sized.length() < target) {
      sized.append('x');
    }
    sized.setLength(Math.max(0, target - 1));
    return sized.append(']').toString();
  }

  private static int size(Serialization serialization, String output) {
    AgentStepEntity.StepRecorded event = new AgentStepEntity.StepRecorded(1_000_000, TOOL, output);
    return serialization.findSerializerFor(event).toBinary(event).length;
  }

  /** The server settings that decide whether a commit waits for the disk. */
  private static Map<String, String> postgresSettings(Database database) {
    Map<String, String> settings = new java.util.LinkedHashMap<>();
    try (Connection c = database.connection();
        Statement s = c.createStatement()) {
      for (String name :
          List.of(
              "server_version", "fsync", "synchronous_commit", "wal_sync_method", "commit_delay")) {
        try (ResultSet rs = s.executeQuery("SHOW " + name)) {
          if (rs.next()) {
            settings.put(name, rs.getString(1));
          }
        }
      }
    } catch (SQLException e) {
      settings.put("error", e.getMessage());
    }
    return settings;
  }

  static Table table(Report r) {
    Table t =
        new Table(
            "P5 journal — agent steps ("
                + r.eventBytes()
                + " B events) persisted and confirmed, closed loop"
                + r.header().quickSuffix(),
            "writer",
            "entities",
            "events",
            "seconds",
            "events/s",
            "÷ fsync/s");
    FsyncProbe.Result f = r.fsync();
    t.row(
        "fsync probe (baseline)",
        "1",
        String.format("%,d", f.fsyncs()),
        String.format("%.1f", f.seconds()),
        Table.rate(f.perSecond()),
        Table.ratio(1.0));
    for (DatabaseRun run : r.databases()) {
      if (run.skipped() != null) {
        t.row(run.database(), "-", "-", "-", "skipped", "-");
        continue;
      }
      for (JournalLoad.Result l : run.levels()) {
        t.row(
            run.database(),
            String.format("%,d", l.entities()),
            String.format("%,d", l.events()),
            String.format("%.1f", l.seconds()),
            Table.rate(l.perSecond()),
            Table.ratio(l.perSecond() / f.perSecond()));
      }
    }
    t.note(verdict("PostgreSQL@100 ÷ fsync", r.postgresAt100OverFsync(), r.target()));
    t.note(
        verdict("H2@100 ÷ fsync", r.h2At100OverFsync(), r.target()) + " (not durable, see below)");
    t.note(
        "fsync probe: one writer appending "
            + FsyncProbe.RECORD_BYTES
            + " B + FileChannel.force(false) per record in the data dir ("
            + r.dataDirFileSystem()
            + "); p50 "
            + Table.millis(f.p50Ms())
            + ", p99 "
            + Table.millis(f.p99Ms())
            + " per write+fsync.");
    t.note(
        "H2: WRITE_DELAY=0 writes each commit to the file before answering, but H2 does not fsync"
            + " per commit, so H2 rows are not durable-write numbers (a power cut may lose them).");
    for (DatabaseRun run : r.databases()) {
      if (run.skipped() != null) {
        t.note(run.database() + ": skipped: " + run.skipped());
      } else if (!run.serverSettings().isEmpty()) {
        t.note(run.database() + " server: " + run.serverSettings() + " (its own disk and WAL).");
      }
      long failures = run.levels().stream().mapToLong(JournalLoad.Result::failures).sum();
      if (failures > 0) {
        t.note(run.database() + ": " + failures + " asks failed (timeouts) during measurement.");
      }
    }
    t.note(r.header().machine().line());
    return t;
  }

  private static String verdict(String what, Double ratio, double target) {
    if (ratio == null) {
      return what + ": not measured";
    }
    return what
        + " = "
        + Table.ratio(ratio)
        + " (target ≥ "
        + Table.ratio(target)
        + ": "
        + (ratio >= target ? "met" : "NOT met")
        + ")";
  }
}
