package io.tramontane.bench;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Asks every benchmark entity ({@code idPrefix + index}, {@code entities} of them) how many steps
 * it holds, which makes each one recover (replay its events) on whichever node hosts its shard, and
 * checks that it replayed exactly {@code expectedSteps}. At most {@code inFlight} asks are
 * outstanding; an ask that times out after {@code askTimeout} is tried again, up to {@code
 * attempts} times (or, after a node was killed, until a deadline), before the entity counts as
 * failed.
 */
record RecoveryCheck(
    ClusterSharding sharding,
    String idPrefix,
    int entities,
    long expectedSteps,
    int inFlight,
    Duration askTimeout) {

  /**
   * What the entities answered; {@code wrongCount} replayed another number of events; {@code
   * retried} answered only after their first ask timed out.
   */
  record Result(
      int entities,
      int recovered,
      int wrongCount,
      int failed,
      int retried,
      long eventsReplayed,
      double seconds,
      String firstProblem) {

    boolean allRecovered() {
      return recovered == entities && wrongCount == 0 && failed == 0;
    }
  }

  /** Blocks the calling thread (never a dispatcher's) until every entity answered or gave up. */
  Result run(int attempts) throws InterruptedException {
    int lanes = Math.max(1, Math.min(inFlight, entities));
    return run(attempts, askTimeout.multipliedBy(attempts * ((long) entities / lanes + 1)));
  }

  /**
   * As {@link #run(int)}, but an entity is asked again after each timeout until {@code deadline}
   * has passed: after a node was killed its entities answer only once the cluster has removed it
   * and their shards started elsewhere.
   */
  Result untilDeadline(Duration deadline) throws InterruptedException {
    return run(Integer.MAX_VALUE, deadline);
  }

  private Result run(int attempts, Duration deadline) throws InterruptedException {
    Tally tally = new Tally();
    int lanes = Math.max(1, Math.min(inFlight, entities));
    CountDownLatch done = new CountDownLatch(lanes);
    long t0 = System.nanoTime();
    long giveUpAt = t0 + deadline.toNanos();
    // Asks one entity after another; one ask in flight.
    final class Lane {
      void nextEntity() {
        int index = tally.next.getAndIncrement();
        if (index >= entities) {
          done.countDown();
        } else {
          ask(idPrefix + index, 1);
        }
      }

      private void ask(String id, int attempt) {
        sharding
            .entityRefFor(AgentStepEntity.ENTITY_KEY, id)
            .<AgentStepEntity.StepCount>ask(AgentStepEntity.CountSteps::new, askTimeout)
            .whenComplete(
                (count, error) -> {
                  if (error != null && attempt < attempts && System.nanoTime() < giveUpAt) {
                    ask(id, attempt + 1);
                    return;
                  }
                  if (error != null) {
                    tally.failed.incrementAndGet();
                    tally.problem(id + ": no answer after " + attempt + " asks (" + error + ")");
                  } else {
                    if (attempt > 1) {
                      tally.retried.incrementAndGet();
                    }
                    tally.replayed.addAndGet(count.steps());
                    if (count.steps() == expectedSteps) {
                      tally.recovered.incrementAndGet();
                    } else {
                      tally.wrong.incrementAndGet();
                      tally.problem(
                          id
                              + ": replayed "
                              + count.steps()
                              + " events, expected "
                              + expectedSteps);
                    }
                  }
                  nextEntity();
                });
      }
    }
    for (int lane = 0; lane < lanes; lane++) {
      new Lane().nextEntity();
    }
    // The lanes stop asking at the deadline; an ask sent just before it still gets its timeout.
    if (!done.await(deadline.plus(askTimeout).toMillis(), TimeUnit.MILLISECONDS)) {
      tally.problem("gave up waiting after " + deadline.plus(askTimeout).toSeconds() + " s");
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new Result(
        entities,
        tally.recovered.get(),
        tally.wrong.get(),
        tally.failed.get(),
        tally.retried.get(),
        tally.replayed.get(),
        seconds,
        tally.firstProblem.get());
  }

  /** The answers so far, shared by the lanes. */
  private static final class Tally {
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger recovered = new AtomicInteger();
    final AtomicInteger wrong = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger retried = new AtomicInteger();
    final AtomicLong replayed = new AtomicLong();
    final AtomicReference<String> firstProblem = new AtomicReference<>();

    void problem(String problem) {
      firstProblem.compareAndSet(null, problem);
    }
  }
}
