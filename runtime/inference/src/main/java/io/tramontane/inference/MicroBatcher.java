package io.tramontane.inference;

import io.tramontane.core.InvalidRequestException;
import io.tramontane.core.UnavailableException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects concurrent requests for one model into batches of up to {@code max-batch}, waiting at
 * most {@code max-delay} after the first, runs each batch once on a dedicated thread (never the
 * actor system's default dispatcher) and completes every caller's future with its own result.
 *
 * <p>Two bounded lanes: a batch is filled from the interactive lane before the bulk lane. Admission
 * is all-or-nothing per request; a full lane refuses with a retriable {@link UnavailableException}
 * carrying Retry-After. Within a batch, inputs are sorted by length and cut into sub-batches where
 * the length jumps, so short texts are not padded to the longest.
 */
final class MicroBatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MicroBatcher.class);

  /** A sub-batch is cut when the next input is more than this many times longer than its first. */
  private static final int LENGTH_SPREAD = 2;

  /** Sub-batches smaller than this are not cut further (a model run has a fixed cost). */
  private static final int MIN_SUB_BATCH = 4;

  private final HostedModel model;
  private final InferenceSettings.Batcher settings;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition work = lock.newCondition();
  private final ArrayDeque<Job> interactive = new ArrayDeque<>();
  private final ArrayDeque<Job> bulk = new ArrayDeque<>();
  private final Thread worker;
  private final ExecutorService fanOut = Executors.newVirtualThreadPerTaskExecutor();
  private volatile boolean closed;

  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong realTokens = new AtomicLong();
  private final AtomicLong paddedTokens = new AtomicLong();
  private final Histogram batchSizes = new Histogram(1, 2, 4, 8, 16, 32, 64, 128);
  private final Histogram latency =
      new Histogram(
          500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000,
          2_000_000, 5_000_000);

  private record Job(Encoded input, CompletableFuture<Object> result, long enqueued) {}

  MicroBatcher(HostedModel model, InferenceSettings.Batcher settings) {
    this.model = model;
    this.settings = settings;
    this.worker =
        Thread.ofPlatform()
            .name("tramontane-inference-" + model.spec().name())
            .daemon(true)
            .unstarted(this::loop);
    worker.start();
  }

  /** Queues one input; the future completes with the head's result. */
  CompletableFuture<Object> submit(Encoded input, Priority priority) {
    return submitAll(List.of(input), priority).getFirst();
  }

  /**
   * Queues inputs as one request: all are admitted or none. The futures are in input order. Inputs
   * of a bulk request should arrive sorted by length so consecutive batches need little padding.
   */
  List<CompletableFuture<Object>> submitAll(List<Encoded> inputs, Priority priority) {
    int capacity = settings.capacity(priority);
    String lane = priority.name().toLowerCase();
    if (inputs.size() > capacity) {
      throw new InvalidRequestException(
          "A request of "
              + inputs.size()
              + " texts is larger than model '"
              + model.spec().name()
              + "''s "
              + lane
              + " queue ("
              + capacity
              + "); send at most "
              + capacity
              + " texts per request or raise tramontane.inference.batcher."
              + lane
              + "-queue-capacity.");
    }
    ArrayDeque<Job> queue = priority == Priority.INTERACTIVE ? interactive : bulk;
    List<CompletableFuture<Object>> futures = new ArrayList<>(inputs.size());
    lock.lock();
    try {
      if (closed) {
        throw new UnavailableException(
            "The inference runtime is shutting down; retry on another node or after restart.",
            settings.retryAfter());
      }
      if (queue.size() + inputs.size() > capacity) {
        rejected.addAndGet(inputs.size());
        throw new UnavailableException(
            "Model '"
                + model.spec().name()
                + "' is overloaded: its "
                + lane
                + " queue holds "
                + queue.size()
                + " of "
                + capacity
                + " texts; retry after "
                + settings.retryAfter().toMillis()
                + " ms.",
            settings.retryAfter());
      }
      long now = System.nanoTime();
      for (Encoded input : inputs) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        queue.addLast(new Job(input, f, now));
        futures.add(f);
      }
      work.signal();
    } finally {
      lock.unlock();
    }
    return futures;
  }

  private void loop() {
    try {
      List<Job> batch;
      while ((batch = nextBatch()) != null) {
        execute(batch);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      failQueued();
    }
  }

  private Job poll() {
    Job j = interactive.pollFirst();
    return j != null ? j : bulk.pollFirst();
  }

  private List<Job> nextBatch() throws InterruptedException {
    lock.lock();
    try {
      while (!closed && interactive.isEmpty() && bulk.isEmpty()) {
        work.await();
      }
      if (closed) {
        return null;
      }
      List<Job> batch = new ArrayList<>(settings.maxBatch());
      Job first = poll();
      batch.add(first);
      long deadline = first.enqueued() + settings.maxDelay().toNanos();
      while (batch.size() < settings.maxBatch()) {
        Job next = poll();
        if (next != null) {
          batch.add(next);
          continue;
        }
        long wait = deadline - System.nanoTime();
        if (wait <= 0 || closed) {
          break;
        }
        work.awaitNanos(wait);
      }
      return batch;
    } finally {
      lock.unlock();
    }
  }

  private void execute(List<Job> batch) {
    batch.sort(Comparator.comparingInt(j -> j.input().length()));
    int start = 0;
    for (int i = 1; i <= batch.size(); i++) {
      boolean cut =
          i == batch.size()
              || (i - start >= MIN_SUB_BATCH
                  && batch.get(i).input().length()
                      > LENGTH_SPREAD * batch.get(start).input().length());
      if (cut) {
        runOnce(batch.subList(start, i));
        start = i;
      }
    }
  }

  private void runOnce(List<Job> jobs) {
    List<Encoded> inputs = new ArrayList<>(jobs.size());
    int longest = 0;
    long real = 0;
    for (Job j : jobs) {
      inputs.add(j.input());
      longest = Math.max(longest, j.input().length());
      real += j.input().length();
    }
    List<Object> results;
    try {
      results = model.run(inputs);
    } catch (Exception | OutOfMemoryError e) {
      failed.addAndGet(jobs.size());
      log.error(
          "Model '{}' failed on a batch of {} texts (longest {} tokens)",
          model.spec().name(),
          jobs.size(),
          longest,
          e);
      InferenceFailedException error =
          new InferenceFailedException(
              "Model '"
                  + model.spec().name()
                  + "' failed on a batch of "
                  + jobs.size()
                  + " texts: "
                  + ExecutionProvider.firstLine(e.getMessage()),
              e);
      for (Job j : jobs) {
        fanOut.execute(() -> j.result().completeExceptionally(error));
      }
      return;
    }
    batches.incrementAndGet();
    batchSizes.record(jobs.size());
    realTokens.addAndGet(real);
    paddedTokens.addAndGet((long) longest * jobs.size());
    long now = System.nanoTime();
    for (int i = 0; i < jobs.size(); i++) {
      Job j = jobs.get(i);
      Object value = results.get(i);
      latency.record((now - j.enqueued()) / 1_000);
      completed.incrementAndGet();
      fanOut.execute(() -> j.result().complete(value));
    }
  }

  private void failQueued() {
    List<Job> left = new ArrayList<>();
    lock.lock();
    try {
      left.addAll(interactive);
      left.addAll(bulk);
      interactive.clear();
      bulk.clear();
    } finally {
      lock.unlock();
    }
    UnavailableException stopped =
        new UnavailableException(
            "The inference runtime stopped before this text was processed; retry.",
            settings.retryAfter());
    for (Job j : left) {
      j.result().completeExceptionally(stopped);
    }
  }

  InferenceMetrics metrics() {
    int queuedInteractive;
    int queuedBulk;
    lock.lock();
    try {
      queuedInteractive = interactive.size();
      queuedBulk = bulk.size();
    } finally {
      lock.unlock();
    }
    return new InferenceMetrics(
        model.spec().name(),
        model.device(),
        queuedInteractive,
        queuedBulk,
        completed.get(),
        rejected.get(),
        failed.get(),
        batches.get(),
        realTokens.get(),
        paddedTokens.get(),
        batchSizes.snapshot(),
        latency.snapshot());
  }

  /** Stops taking work, finishes the batch in flight, fails what is still queued. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      work.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      worker.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failQueued();
    fanOut.shutdown();
  }
}
