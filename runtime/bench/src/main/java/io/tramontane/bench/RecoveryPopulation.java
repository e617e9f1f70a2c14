package io.tramontane.bench;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * Writes the recovery benchmark's journal through a real node: {@code entities} entities, each
 * recording {@code events} agent steps one after the other, {@code inFlight} entities at a time. An
 * ask that fails is followed by a {@link AgentStepEntity.CountSteps}, so a write that landed
 * despite a timeout is not written twice and every entity ends with exactly {@code events}.
 */
final class RecoveryPopulation {

  /** Events written (and confirmed) and how long it took. */
  record Result(
      int entities,
      int eventsPerEntity,
      long events,
      long failures,
      double seconds,
      double perSecond) {}

  private static final int MAX_CONSECUTIVE_FAILURES = 5;

  private final StepWriter writer;

  RecoveryPopulation(ClusterSharding sharding, String tool, String output, Duration askTimeout) {
    this.writer = new StepWriter(sharding, tool, output, askTimeout);
  }

  /** Blocks the calling thread (never a dispatcher's) until every entity has its events. */
  Result run(String idPrefix, int entities, int events, int inFlight) throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    AtomicLong written = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    int lanes = Math.max(1, Math.min(inFlight, entities));
    CountDownLatch done = new CountDownLatch(lanes);
    // Fills one entity after another; one ask in flight.
    final class Lane {
      private EntityRef<AgentStepEntity.Command> ref;
      private int consecutiveFailures;

      void nextEntity() {
        int index = next.getAndIncrement();
        if (index >= entities) {
          done.countDown();
          return;
        }
        ref = writer.entity(idPrefix + index);
        consecutiveFailures = 0;
        record(0);
      }

      /** Records the step after {@code steps}, or moves on when the entity has them all. */
      private void record(long steps) {
        if (steps >= events) {
          nextEntity();
          return;
        }
        goOn(
            writer
                .record(ref)
                .thenApply(
                    accepted -> {
                      written.incrementAndGet();
                      consecutiveFailures = 0;
                      return accepted.step();
                    }));
      }

      /** After a failed ask: ask how many steps landed, then go on from there. */
      private void failed() {
        failures.incrementAndGet();
        if (++consecutiveFailures > MAX_CONSECUTIVE_FAILURES) {
          nextEntity(); // the recovery check reports this entity's short count
          return;
        }
        goOn(writer.count(ref).thenApply(AgentStepEntity.StepCount::steps));
      }

      /** Goes on from the number of steps the entity holds, or from a failed ask. */
      private void goOn(CompletionStage<Long> steps) {
        steps.whenComplete(
            (n, error) -> {
              if (error == null) {
                record(n);
              } else {
                failed();
              }
            });
      }
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < lanes; i++) {
      new Lane().nextEntity();
    }
    long bound = Math.max(600_000L, writer.askTimeout().toMillis() * events * 4);
    if (!done.await(bound, TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(
          "populating the journal did not finish within "
              + bound / 1000
              + " s ("
              + written.get()
              + " events written, "
              + failures.get()
              + " asks failed); the journal is too slow or unreachable.");
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new Result(
        entities, events, written.get(), failures.get(), seconds, written.get() / seconds);
  }
}
