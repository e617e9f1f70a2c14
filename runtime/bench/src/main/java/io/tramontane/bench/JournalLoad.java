package io.tramontane.bench;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * Closed-loop load on {@link AgentStepEntity}: each of {@code entities} lanes asks its own entity
 * to record a step and asks again as soon as the reply arrives, so exactly {@code entities} writes
 * are in flight. Counting starts once every entity has answered once (recovered, JIT warm) and the
 * settle time has passed.
 */
final class JournalLoad {

  /** Steps persisted and confirmed during the measured window. */
  record Result(int entities, long events, long failures, double seconds, double perSecond) {}

  private final StepWriter writer;

  JournalLoad(ClusterSharding sharding, String tool, String output, Duration askTimeout) {
    this.writer = new StepWriter(sharding, tool, output, askTimeout);
  }

  /**
   * Runs one level of concurrency and blocks the calling thread (the CLI's, never a dispatcher's)
   * until it is over.
   *
   * @param idPrefix entity ids are {@code idPrefix + index}; unique per run so nothing is replayed
   */
  Result run(String idPrefix, int entities, Duration settle, Duration measure)
      throws InterruptedException {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong completed = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    CountDownLatch answeredOnce = new CountDownLatch(entities);
    CountDownLatch stopped = new CountDownLatch(entities);
    // One entity's closed loop: at most one ask in flight.
    final class Lane {
      private final EntityRef<AgentStepEntity.Command> ref;
      private boolean first = true;

      Lane(EntityRef<AgentStepEntity.Command> ref) {
        this.ref = ref;
      }

      void next() {
        if (!running.get()) {
          stopped.countDown();
          return;
        }
        writer
            .record(ref)
            .whenComplete(
                (accepted, error) -> {
                  (error == null ? completed : failures).incrementAndGet();
                  if (first) {
                    first = false;
                    answeredOnce.countDown();
                  }
                  next();
                });
      }
    }
    for (int i = 0; i < entities; i++) {
      new Lane(writer.entity(idPrefix + i)).next();
    }
    Duration askTimeout = writer.askTimeout();
    long settleUntil = System.nanoTime() + settle.toNanos();
    // Recovery of 1,000 fresh entities can take a while on a slow disk; wait for it, bounded.
    if (!answeredOnce.await(askTimeout.toMillis() * 2, TimeUnit.MILLISECONDS)) {
      running.set(false);
      throw new IllegalStateException(
          entities
              + " entities did not all answer within "
              + askTimeout.toSeconds() * 2
              + " s; the journal is too slow or unreachable ("
              + failures.get()
              + " asks failed).");
    }
    long remaining = settleUntil - System.nanoTime();
    if (remaining > 0) {
      TimeUnit.NANOSECONDS.sleep(remaining);
    }
    long c0 = completed.get();
    long f0 = failures.get();
    long t0 = System.nanoTime();
    TimeUnit.NANOSECONDS.sleep(measure.toNanos());
    long c1 = completed.get();
    long f1 = failures.get();
    long t1 = System.nanoTime();
    running.set(false);
    stopped.await(askTimeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    double seconds = (t1 - t0) / 1e9;
    return new Result(entities, c1 - c0, f1 - f0, seconds, (c1 - c0) / seconds);
  }
}
