package io.tramontane.testkit;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * Waits for a condition instead of sleeping: polls until it holds and fails with the last value
 * seen when it does not within the time given.
 */
public final class Await {

  /** Something to poll; may throw (a refused connection is "not yet"). */
  @FunctionalInterface
  public interface Probe<T> {
    T get() throws Exception;
  }

  private static final Duration POLL = Duration.ofMillis(50);

  private Await() {}

  /**
   * Polls {@code probe} until {@code done} accepts its value and returns that value; fails naming
   * {@code what} and the last value (or exception) seen after {@code timeout}.
   */
  public static <T> T until(String what, Duration timeout, Probe<T> probe, Predicate<T> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Object last = "nothing yet";
    while (true) {
      try {
        T value = probe.get();
        if (done.test(value)) {
          return value;
        }
        last = value;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      } catch (Exception e) {
        last = e;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " did not happen within " + timeout + "; last: " + last);
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
    }
  }

  /** Polls {@code condition} until it is true; fails naming {@code what} after {@code timeout}. */
  public static void until(String what, Duration timeout, Probe<Boolean> condition) {
    until(what, timeout, condition, Boolean.TRUE::equals);
  }
}
