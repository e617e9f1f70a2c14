package io.tramontane.server.bench;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Asks every benchmark entity how many steps it holds, which makes each one recover (replay its
 * events) on whichever node hosts its shard, and checks that it replayed exactly the number
 * written. At most {@code inFlight} asks are outstanding; an ask that times out is tried again, up
 * to {@code attempts} times, before the entity counts as failed.
 */
final class RecoveryCheck {

  /** What the entities answered; {@code wrongCount} replayed another number of events. */
  record Result(
      int entities,
      int recovered,
      int wrongCount,
      int failed,
      long eventsReplayed,
      double seconds,
      String firstProblem) {

    boolean allRecovered() {
      return recovered == entities && wrongCount == 0 && failed == 0;
    }
  }

  private RecoveryCheck() {}

  /** Blocks the calling thread (never a dispatcher's) until every entity answered or gave up. */
  static Result run(
      ClusterSharding sharding,
      String idPrefix,
      int entities,
      long expectedSteps,
      int inFlight,
      Duration askTimeout,
      int attempts)
      throws InterruptedException {
    Tally tally = new Tally();
    int lanes = Math.max(1, Math.min(inFlight, entities));
    CountDownLatch done = new CountDownLatch(lanes);
    long t0 = System.nanoTime();
    for (int lane = 0; lane < lanes; lane++) {
      new Lane(sharding, idPrefix, entities, expectedSteps, askTimeout, attempts, tally, done)
          .nextEntity();
    }
    long bound = askTimeout.toMillis() * attempts * ((long) entities / lanes + 1);
    if (!done.await(bound, TimeUnit.MILLISECONDS)) {
      tally.problem("gave up waiting after " + bound / 1000 + " s");
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new Result(
        entities,
        tally.recovered.get(),
        tally.wrong.get(),
        tally.failed.get(),
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
    final AtomicLong replayed = new AtomicLong();
    final AtomicReference<String> firstProblem = new AtomicReference<>();

    void problem(String problem) {
      firstProblem.compareAndSet(null, problem);
    }
  }

  /** Asks one entity after another; one ask in flight. */
  private record Lane(
      ClusterSharding sharding,
      String idPrefix,
      int entities,
      long expectedSteps,
      Duration askTimeout,
      int attempts,
      Tally tally,
      CountDownLatch done) {

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
                if (error != null && attempt < attempts) {
                  ask(id, attempt + 1);
                  return;
                }
                if (error != null) {
                  tally.failed.incrementAndGet();
                  tally.problem(id + ": no answer after " + attempts + " asks (" + error + ")");
                } else {
                  tally.replayed.addAndGet(count.steps());
                  if (count.steps() == expectedSteps) {
                    tally.recovered.incrementAndGet();
                  } else {
                    tally.wrong.incrementAndGet();
                    tally.problem(
                        id + ": replayed " + count.steps() + " events, expected " + expectedSteps);
                  }
                }
                nextEntity();
              });
    }
  }
}
