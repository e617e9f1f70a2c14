package io.tramontane.bench;

import io.tramontane.core.persistence.DatabaseSettings;
import io.tramontane.core.system.TramontaneSystem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The measurement the agent and workflow benches share: lanes repeating one operation (an agent
 * turn, a workflow run) in a closed loop at 1, 10 and 50 lanes, against the same journal's plain
 * persist rate ({@link JournalLoad} on {@link AgentStepEntity}) at the same concurrency in the same
 * run; then one table and the JSON.
 *
 * @param name the scenario ({@code agent}), in progress lines and the JSON file's name
 * @param lanesLabel what the progress lines call the lanes ({@code session(s)})
 * @param stepsPerOperation persisted steps one operation counts for
 */
record ClosedLoopBench(
    String name, String lanesLabel, int stepsPerOperation, BenchOptions options) {

  /** The {@code n}th operation of lane {@code lane}; blocks until it is over. */
  interface Operation {
    void run(String lane, int n) throws InterruptedException;
  }

  /**
   * One measured level.
   *
   * @param stepsPerSecond persisted steps (operations × steps per operation) per second
   * @param ratio steps per second ÷ the plain persist rate
   */
  record Level(
      String database,
      int lanes,
      long operations,
      double seconds,
      double stepsPerSecond,
      double p50Ms,
      double p99Ms,
      double plainPerSecond,
      double ratio) {}

  /**
   * Warms up, then measures every level of lanes running {@code operation} on {@code node}, each
   * followed by the plain persist rate at the same concurrency.
   */
  List<Level> measure(
      DatabaseSettings.Kind kind,
      TramontaneSystem node,
      String prefix,
      String plainPrefix,
      Operation operation)
      throws InterruptedException {
    int[] levels = options.quick ? new int[] {1, 10} : new int[] {1, 10, 50};
    Duration window = options.quick ? Duration.ofSeconds(5) : Duration.ofSeconds(20);
    AgentStepEntity.init(node.system(), node.persistence());
    JournalLoad plain =
        new JournalLoad(
            ClusterSharding.get(node.system()), "noop", "x".repeat(400), Duration.ofSeconds(30));
    closedLoop(operation, prefix + "-warm", 2, Duration.ofSeconds(2));
    List<Level> measured = new ArrayList<>();
    for (int lanes : levels) {
      options.out().printf("bench %s: %s, %d %s...%n", name, kind, lanes, lanesLabel);
      options.out().flush();
      double[] ms = closedLoop(operation, prefix + "-" + lanes, lanes, window);
      double seconds = window.toNanos() / 1e9;
      double steps = ms.length * (double) stepsPerOperation / seconds;
      var base = plain.run(plainPrefix + "-" + lanes, lanes, Duration.ofSeconds(1), window);
      measured.add(
          new Level(
              kind.name().toLowerCase(Locale.ROOT),
              lanes,
              ms.length,
              seconds,
              steps,
              percentile(ms, 0.50),
              percentile(ms, 0.99),
              base.perSecond(),
              steps / base.perSecond()));
    }
    return measured;
  }

  /**
   * Prints the table ({@code headings}: lanes, operations, steps/s, p50, p99, plain, ratio), then
   * writes the machine and every level as the JSON.
   */
  void report(String title, List<String> headings, String note, List<Level> levels) {
    Table t = new Table(title, headings.toArray(String[]::new));
    for (Level l : levels) {
      t.row(
          l.database() + " · " + l.lanes(),
          Long.toString(l.operations()),
          Table.rate(l.stepsPerSecond()),
          Table.millis(l.p50Ms()),
          Table.millis(l.p99Ms()),
          Table.rate(l.plainPerSecond()),
          Table.ratio(l.ratio()));
    }
    Machine m = Machine.describe();
    t.note(note);
    t.note(m.toString());
    t.print(options.out());
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("machine", m);
    json.put("rows", levels);
    options.printJson(name, json);
  }

  /** Closed loop: each lane repeats {@code operation} for {@code window}; latencies in ms. */
  private static double[] closedLoop(
      Operation operation, String prefix, int lanes, Duration window) {
    long until = System.nanoTime() + window.toNanos();
    ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
    List<CompletableFuture<Void>> all = new ArrayList<>();
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < lanes; i++) {
        String lane = prefix + "-" + i;
        all.add(
            CompletableFuture.runAsync(
                () -> {
                  int n = 0;
                  while (System.nanoTime() < until) {
                    long t0 = System.nanoTime();
                    try {
                      operation.run(lane, n++);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                      return;
                    }
                    latencies.add((System.nanoTime() - t0) / 1e6);
                  }
                },
                executor));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    }
    return latencies.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** The p-quantile (nearest rank) of {@code values}; 0 when empty. */
  static double percentile(double[] values, double p) {
    if (values.length == 0) {
      return 0;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }
}
