package io.tramontane.bench;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What {@code bench recovery} plans and measures, written as JSON. */
public final class RecoveryResults {

  private RecoveryResults() {}

  /** What the run does; the durations are the journal load's phases (as in bench journal). */
  public record Plan(
      int entities,
      int events,
      int nodes,
      int inFlight,
      List<Integer> loadLevels,
      Duration warmup,
      Duration settle,
      Duration measure,
      Duration timeout,
      boolean failover) {

    /** How long an ask waits after the kill, before it is sent again. */
    static final Duration FAILOVER_ASK_TIMEOUT = Duration.ofSeconds(2);

    /** Bounds each failover wait: for the kill, for every entity answering, for the rejoin. */
    static final Duration FAILOVER_DEADLINE = Duration.ofMinutes(3);

    static Plan of(
        boolean quick, Integer entities, int events, int nodes, boolean load, boolean failover) {
      List<Integer> levels = load ? List.of(100, 1_000) : List.of();
      return quick
          ? new Plan(
              entities != null ? entities : 1_000,
              events,
              nodes,
              500,
              levels,
              Duration.ofSeconds(1),
              Duration.ofMillis(500),
              Duration.ofSeconds(2),
              Duration.ofMinutes(3),
              failover)
          : new Plan(
              entities != null ? entities : 10_000,
              events,
              nodes,
              1_000,
              levels,
              Duration.ofSeconds(5),
              Duration.ofSeconds(2),
              Duration.ofSeconds(10),
              Duration.ofMinutes(10),
              failover);
    }
  }

  /**
   * One cold start: {@code nodes} fresh JVMs launched at once. Times are from launch (all JVMs
   * started) to the last node ready, from the driver's readiness until the last entity answered,
   * and the sum; {@code recovery} is what the entities answered.
   */
  public record ColdStart(
      String database,
      int nodes,
      String skipped,
      String failure,
      List<Long> nodeLaunchToReadyMs,
      long launchToReadyMs,
      long readyToRecoveredMs,
      long launchToRecoveredMs,
      long recoveryCpuMs,
      RecoveryCheck.Result recovery,
      List<JournalLoad.Result> loads,
      String loadProblem,
      Failover failover) {

    /** Recovered every entity, and if a failover ran, it lost or doubled nothing either. */
    boolean verified() {
      return skipped == null
          && failure == null
          && recovery != null
          && recovery.allRecovered()
          && (failover == null || failover.verified());
    }
  }

  /**
   * The failover after a cluster cold start: node {@code killedNode} got SIGKILL; {@code
   * entitiesOnKilledNode} benchmark entities had their shard there (-1 if unknown); {@code
   * killToAnsweringMs} until the last entity answered again (node 1 saw the node unreachable,
   * downed by the split brain resolver and removed at the {@code killTo…Ms} before), {@code check}
   * what they answered; the killed node's restart until it was ready ({@code restartToReadyMs}:
   * member Up, journal, shard regions) and until node 1 saw every member Up ({@code
   * restartToRejoinedMs}); -1 where a moment was missed, and {@code failure} then says why.
   */
  public record Failover(
      int killedNode,
      int entitiesOnKilledNode,
      Map<String, Integer> entitiesByNode,
      long killToUnreachableMs,
      long killToDownedMs,
      long killToRemovedMs,
      long killToAnsweringMs,
      RecoveryCheck.Result check,
      long restartToReadyMs,
      long restartToRejoinedMs,
      String failure) {

    boolean verified() {
      return failure == null && check != null && check.allRecovered() && restartToReadyMs >= 0;
    }
  }

  /** One database's figures, or why it was skipped. */
  public record DatabaseRun(
      String database,
      String journal,
      String skipped,
      String failure,
      RecoveryPopulation.Result populate,
      List<ColdStart> coldStarts,
      long rowsDeleted) {}

  /** Everything the run measured; written as JSON. */
  public record Report(
      @JsonUnwrapped ReportHeader header,
      Plan plan,
      int eventBytes,
      List<DatabaseRun> databases,
      double targetSeconds,
      String loadAverageBefore,
      String loadAverageAfter) {

    /** Every cold start that ran recovered every entity with exactly its events. */
    boolean verified() {
      return databases.stream().allMatch(d -> d.failure() == null)
          && databases.stream()
              .flatMap(d -> d.coldStarts().stream())
              .filter(c -> c.skipped() == null)
              .allMatch(ColdStart::verified);
    }
  }
}
