package io.tramontane.inference;

import java.util.concurrent.atomic.AtomicLongArray;

/** A fixed-bucket histogram, lock-free to record; {@link #snapshot()} copies it. */
final class Histogram {

  private final long[] upperBounds;
  private final AtomicLongArray counts;

  Histogram(long... upperBounds) {
    this.upperBounds = upperBounds.clone();
    this.counts = new AtomicLongArray(upperBounds.length + 1);
  }

  void record(long value) {
    int i = 0;
    while (i < upperBounds.length && value > upperBounds[i]) {
      i++;
    }
    counts.incrementAndGet(i);
  }

  InferenceMetrics.Buckets snapshot() {
    long[] c = new long[counts.length()];
    for (int i = 0; i < c.length; i++) {
      c[i] = counts.get(i);
    }
    return new InferenceMetrics.Buckets(upperBounds.clone(), c);
  }
}
