package io.tramontane.bench;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.typesafe.config.Config;
import io.tramontane.core.persistence.DatabaseSettings;
import io.tramontane.intake.DeliveryEntity;
import io.tramontane.server.TramontaneServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * P6, {@code tramontane bench webhook}: signed 1 KB JSON webhooks through the real HTTP edge →
 * signature check → dedup entity → journal → 202, driven by {@code wrk} on loopback, against a bare
 * {@code GET /health} on the same server in the same run. Target: POST ≥ 0.3× the GET rate; p99 ≤
 * 50 ms at reduced load. Afterwards every 202 must be found in the journal.
 */
@Command(
    name = "webhook",
    mixinStandardHelpOptions = true,
    description = {
      "P6: signed Standard Webhooks POSTs (1 KB, unique ids) persisted and answered 202, against"
          + " bare GET /health on the same in-process server; load from wrk (apt-get install -y"
          + " wrk)."
    })
public final class WebhookBench implements Callable<Integer> {

  static final String NAME = "webhook";
  static final String TRIGGER = "bench";
  static final String SECRET_VARIABLE = "BENCH_SECRET";
  static final double TARGET_RATIO = 0.3;
  static final double TARGET_P99_MS = 50;

  @Mixin BenchOptions options;

  @Mixin BenchDatabase database;

  /** Durations and load of each wrk run. */
  public record Plan(
      int threads,
      int connections,
      int reducedConnections,
      Duration getWarmup,
      Duration get,
      Duration postWarmup,
      Duration post,
      Duration reduced) {
    static Plan of(boolean quick) {
      int threads = Math.min(2, Runtime.getRuntime().availableProcessors());
      return quick
          ? new Plan(
              threads,
              64,
              4,
              Duration.ofSeconds(2),
              Duration.ofSeconds(5),
              Duration.ofSeconds(3),
              Duration.ofSeconds(8),
              Duration.ofSeconds(5))
          : new Plan(
              threads,
              64,
              4,
              Duration.ofSeconds(5),
              Duration.ofSeconds(20),
              Duration.ofSeconds(5),
              Duration.ofSeconds(30),
              Duration.ofSeconds(20));
    }
  }

  /**
   * The journal check: every 202 counted by wrk must be in the journal. Deliveries still in flight
   * when wrk stopped are persisted but never counted, hence {@code journalRows ≥ accepted}.
   */
  public record JournalCheck(long accepted, long acceptedFoundInJournal, long journalRows) {
    boolean ok() {
      return accepted == acceptedFoundInJournal;
    }
  }

  /** One database's runs, or why it was skipped. */
  public record DatabaseRun(
      String database,
      String journal,
      String skipped,
      Wrk.Run get,
      Wrk.Run post,
      Wrk.Run reduced,
      Double postOverGet,
      JournalCheck journalCheck,
      long rowsDeleted) {}

  /** Everything the run measured; written as JSON. */
  public record Report(
      @JsonUnwrapped ReportHeader header,
      Plan plan,
      int bodyBytes,
      List<DatabaseRun> databases,
      double targetRatio,
      double targetP99Ms) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter out = options.out();
    PrintWriter progress = options.progress();
    Path workDir = BenchNode.tempDataDir(NAME);
    try {
      Optional<Wrk> wrk = Wrk.find(workDir);
      if (wrk.isEmpty()) {
        progress.println("install wrk: apt-get install -y wrk");
        progress.flush();
        return 1;
      }
      BenchNode.quietLogs();
      Plan plan = Plan.of(options.quick);
      String runId = "r" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
      List<DatabaseRun> runs = new ArrayList<>();
      for (DatabaseSettings.Kind kind : database.kinds("h2")) {
        runs.add(runDatabase(wrk.get(), kind, workDir, runId, plan, progress));
      }
      Report report =
          new Report(
              new ReportHeader(NAME, "P6", options.quick, Machine.describe()),
              plan,
              SignedRequests.BODY_BYTES,
              runs,
              TARGET_RATIO,
              TARGET_P99_MS);
      WebhookTables.table(report).print(out);
      options.printJson(NAME, report);
      boolean lost =
          runs.stream().anyMatch(r -> r.journalCheck() != null && !r.journalCheck().ok());
      return lost ? 1 : 0;
    } finally {
      BenchNode.deleteTree(workDir);
    }
  }

  private DatabaseRun runDatabase(
      Wrk wrk,
      DatabaseSettings.Kind kind,
      Path workDir,
      String runId,
      Plan plan,
      PrintWriter progress)
      throws IOException, InterruptedException, SQLException {
    String label = JournalBench.label(kind);
    String secret = "whsec_" + randomBase64(32);
    Function<String, String> env =
        name -> SECRET_VARIABLE.equals(name) ? secret : System.getenv(name);
    Path dataDir = Files.createDirectories(workDir.resolve(kind.name().toLowerCase(Locale.ROOT)));
    Config config =
        BenchNode.config(
            dataDir,
            kind,
            Map.of(
                "tramontane.server.port",
                0,
                "tramontane.intake.triggers." + TRIGGER,
                Map.of(
                    "tenant",
                    "bench",
                    "scheme",
                    "standard-webhooks",
                    "secrets",
                    List.of("env:" + SECRET_VARIABLE))));
    String journal = DatabaseSettings.fromConfig(config).describe();
    if (kind == DatabaseSettings.Kind.POSTGRES) {
      Optional<String> problem = BenchNode.postgresProblem(config);
      if (problem.isPresent()) {
        progress.println("bench webhook: PostgreSQL skipped: " + problem.get());
        return new DatabaseRun(label, journal, problem.get(), null, null, null, null, null, 0);
      }
    }
    progress.printf("bench webhook: starting a server on %s...%n", journal);
    progress.flush();
    Clock clock = Clock.systemUTC();
    TramontaneServer server = TramontaneServer.start(config, env, clock);
    // Delivery ids: <runId>-<phase>-<n>; persistence ids: Delivery|bench/<runId>-...
    String pidPrefix =
        DeliveryEntity.ENTITY_KEY.name() + "|" + DeliveryEntity.entityId(TRIGGER, runId + "-");
    DatabaseRun run;
    long deleted = 0;
    try {
      Optional<String> notReady = BenchNode.awaitReady(server.node(), Duration.ofSeconds(30));
      if (notReady.isPresent()) {
        return new DatabaseRun(label, journal, notReady.get(), null, null, null, null, null, 0);
      }
      run =
          measure(
              wrk, server, label, journal, workDir, runId, pidPrefix, plan, secret, clock,
              progress);
    } finally {
      if (kind == DatabaseSettings.Kind.POSTGRES) {
        deleted = BenchNode.deleteEvents(server.node().database(), pidPrefix, progress);
      }
      server.close();
    }
    return new DatabaseRun(
        run.database(),
        run.journal(),
        run.skipped(),
        run.get(),
        run.post(),
        run.reduced(),
        run.postOverGet(),
        run.journalCheck(),
        deleted);
  }

  static DatabaseRun measure(
      Wrk wrk,
      TramontaneServer server,
      String label,
      String journal,
      Path workDir,
      String runId,
      String pidPrefix,
      Plan plan,
      String secret,
      Clock clock,
      PrintWriter progress)
      throws IOException, InterruptedException, SQLException {
    String base = "http://127.0.0.1:" + server.port();
    String health = base + "/health";
    String hooks = base + "/hooks/" + TRIGGER;
    int t = plan.threads();
    int c = plan.connections();

    progress.printf("bench webhook: %s GET /health (%d s)...%n", label, plan.get().toSeconds());
    progress.flush();
    wrk.run(health, Wrk.GET_SCRIPT, t, c, plan.getWarmup(), List.of());
    Wrk.Run get = wrk.run(health, Wrk.GET_SCRIPT, t, c, plan.get(), List.of());

    SignedRequests signed = new SignedRequests(secret, clock);
    Path body = signed.writeBody(workDir.resolve("body.json"));
    Set<String> accepted = new HashSet<>();
    PostRunner post =
        (phase, threads, connections, duration, lines) -> {
          Path requests =
              signed.write(
                  workDir.resolve("requests-" + phase + ".tsv"), runId + "-" + phase + "-", lines);
          String idsPrefix = workDir.resolve("accepted-" + phase + ".").toString();
          Wrk.Run r =
              wrk.run(
                  hooks,
                  Wrk.POST_SCRIPT,
                  threads,
                  connections,
                  duration,
                  List.of(
                      requests.toString(), body.toString(), Integer.toString(threads), idsPrefix));
          for (int i = 0; i < threads; i++) {
            Path ids = Path.of(idsPrefix + i);
            if (Files.exists(ids)) {
              for (String id : Files.readAllLines(ids)) {
                accepted.add(
                    DeliveryEntity.ENTITY_KEY.name() + "|" + DeliveryEntity.entityId(TRIGGER, id));
              }
            }
          }
          Files.deleteIfExists(requests);
          return r;
        };

    progress.printf(
        "bench webhook: %s POST warm-up (%d s)...%n", label, plan.postWarmup().toSeconds());
    progress.flush();
    Wrk.Run warm = post.run("w", t, c, plan.postWarmup(), 20_000);
    // Enough pre-signed requests for a rate well above the warm-up's (JIT makes it faster).
    double rate = Math.max(warm.perSecond(), 500);
    progress.printf(
        "bench webhook: %s POST /hooks/%s (%d s)...%n", label, TRIGGER, plan.post().toSeconds());
    progress.flush();
    Wrk.Run main =
        post.run("m", t, c, plan.post(), (long) (rate * 4 * plan.post().toSeconds()) + 10_000);
    progress.printf(
        "bench webhook: %s POST with %d connections (%d s)...%n",
        label, plan.reducedConnections(), plan.reduced().toSeconds());
    progress.flush();
    Wrk.Run reduced =
        post.run(
            "q",
            1,
            plan.reducedConnections(),
            plan.reduced(),
            (long) (Math.max(main.perSecond(), rate) * 2 * plan.reduced().toSeconds()) + 10_000);

    long counted = warm.accepted() + main.accepted() + reduced.accepted();
    Set<String> inJournal = settledJournal(server, pidPrefix);
    long found = accepted.stream().filter(inJournal::contains).count();
    // A 202 whose body named no deliveryId cannot be found, so it shows up as a mismatch too.
    JournalCheck check = new JournalCheck(counted, found, inJournal.size());
    return new DatabaseRun(
        label, journal, null, get, main, reduced, main.perSecond() / get.perSecond(), check, 0);
  }

  /**
   * The run's persistence ids once the journal stops growing: requests that were in flight when wrk
   * stopped are still being persisted for a moment.
   */
  static Set<String> settledJournal(TramontaneServer server, String pidPrefix)
      throws SQLException, InterruptedException {
    Set<String> ids = BenchNode.persistenceIds(server.node().database(), pidPrefix);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      Thread.sleep(500);
      Set<String> again = BenchNode.persistenceIds(server.node().database(), pidPrefix);
      if (again.size() == ids.size()) {
        return again;
      }
      ids = again;
    }
    return ids;
  }

  /** One POST run: a phase name (part of the ids), wrk threads/connections, duration, lines. */
  @FunctionalInterface
  private interface PostRunner {
    Wrk.Run run(String phase, int threads, int connections, Duration duration, long lines)
        throws IOException, InterruptedException;
  }

  static String randomBase64(int bytes) {
    byte[] b = new byte[bytes];
    new SecureRandom().nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }
}
