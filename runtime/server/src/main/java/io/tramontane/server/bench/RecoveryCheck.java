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
    AtomicInteger next = new AtomicInteger();
    AtomicInteger recovered = new AtomicInteger();
    AtomicInteger wrong = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicLong replayed = new AtomicLong();
    AtomicReference<String> firstProblem = new AtomicReference<>();
    int lanes = Math.max(1, Math.min(inFlight, entities));
    CountDownLatch done = new CountDownLatch(lanes);
    long t0 = System.nanoTime();
    for (int lane = 0; lane < lanes; lane++) {
      new Object() {
        void nextEntity() {
          int index = next.getAndIncrement();
          if (index >= entities) {
            done.countDown();
          } else {
            ask(idPrefix + index, 1);
          }
        }

        void ask(String id, int attempt) {
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
                      failed.incrementAndGet();
                      firstProblem.compareAndSet(
                          null, id + ": no answer after " + attempts + " asks (" + error + ")");
                    } else if (count.steps() != expectedSteps) {
                      wrong.incrementAndGet();
                      replayed.addAndGet(count.steps());
                      firstProblem.compareAndSet(
                          null,
                          id
                              + ": replayed "
                              + count.steps()
                              + " events, expected "
                              + expectedSteps);
                    } else {
                      recovered.incrementAndGet();
                      replayed.addAndGet(count.steps());
                    }
                    nextEntity();
                  });
        }
      }.nextEntity();
    }
    long bound = askTimeout.toMillis() * attempts * ((long) entities / lanes + 1);
    if (!done.await(bound, TimeUnit.MILLISECONDS)) {
      firstProblem.compareAndSet(null, "gave up waiting after " + bound / 1000 + " s");
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new Result(
        entities,
        recovered.get(),
        wrong.get(),
        failed.get(),
        replayed.get(),
        seconds,
        firstProblem.get());
  }
}
