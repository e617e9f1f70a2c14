package io.tramontane.retrieval.ingest;

import io.tramontane.core.Dispatchers;
import io.tramontane.core.persistence.Database;
import io.tramontane.retrieval.index.CollectionIndex;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one collection's local index up to date with the log: reads the collection's tag from the
 * offset the writer has applied, in batches, and hands each batch to the {@link CollectionWriter}
 * (one at a time: the writer's answer is the back-pressure). The offset is stored in the index's
 * own commits, not in a separate table, so index and offset can never disagree. Restarts with
 * backoff when the journal is unreachable.
 */
public final class CollectionProjection implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CollectionProjection.class);
  private static final AtomicInteger GENERATION = new AtomicInteger();

  private final ActorSystem<?> system;
  private final JdbcReadJournal journal;
  private final String collection;
  private final CollectionIndex index;
  private final ActorRef<CollectionWriter.Command> writer;
  private final UniqueKillSwitch killSwitch;
  private final IndexReconciliation reconciliation;
  private final Cancellable reconciling;
  private volatile boolean closed;
  private final Duration askTimeout = Duration.ofMinutes(2);

  private CollectionProjection(
      ActorSystem<?> system,
      JdbcReadJournal journal,
      String collection,
      CollectionIndex index,
      ActorRef<CollectionWriter.Command> writer,
      int batchSize,
      Duration batchWindow,
      Database database,
      Duration reconcileInterval) {
    this.system = system;
    this.journal = journal;
    this.collection = collection;
    this.index = index;
    this.writer = writer;
    RestartSettings restart =
        RestartSettings.create(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2);
    Source<Long, NotUsed> applied =
        RestartSource.onFailuresWithBackoff(restart, () -> fromApplied(batchSize, batchWindow));
    this.killSwitch =
        applied.viaMat(KillSwitches.single(), Keep.right()).to(Sink.ignore()).run(system);
    this.reconciliation = new IndexReconciliation(system, database, collection, index, writer);
    Duration first =
        reconcileInterval.compareTo(FIRST_RECONCILIATION) < 0
            ? reconcileInterval
            : FIRST_RECONCILIATION;
    this.reconciling =
        system
            .scheduler()
            .scheduleWithFixedDelay(
                first, reconcileInterval, this::reconcileQuietly, Dispatchers.blockingIo(system));
  }

  /** The first reconciliation after start: soon, once the node has settled. */
  private static final Duration FIRST_RECONCILIATION = Duration.ofSeconds(5);

  private void reconcileQuietly() {
    if (closed) {
      return;
    }
    try {
      reconciliation.run();
    } catch (RuntimeException e) {
      if (!closed) {
        LOG.warn(
            "Collection {}: comparing the index with the log failed; next try in the next"
                + " interval: {}",
            collection,
            e.toString());
      }
    }
  }

  /** Opens the collection's index for writing and starts applying the log to it. */
  public static CollectionProjection start(
      ActorSystem<?> system,
      JdbcReadJournal journal,
      String collection,
      CollectionIndex index,
      int commitEvery,
      Duration commitInterval,
      int batchSize,
      Duration batchWindow,
      Database database,
      Duration reconcileInterval) {
    ActorRef<CollectionWriter.Command> writer =
        system.systemActorOf(
            CollectionWriter.create(index, commitEvery, commitInterval),
            "index-writer-" + collection + "-" + GENERATION.incrementAndGet(),
            Dispatchers.blockingIoSelector());
    return new CollectionProjection(
        system,
        journal,
        collection,
        index,
        writer,
        batchSize,
        batchWindow,
        database,
        reconcileInterval);
  }

  private Source<Long, NotUsed> fromApplied(int batchSize, Duration batchWindow) {
    return Source.completionStage(progress())
        .flatMapConcat(
            p ->
                journal
                    .eventsByTag(DocumentEntity.tag(collection), Offset.sequence(p.applied()))
                    .groupedWithin(batchSize, batchWindow)
                    .mapAsync(
                        1,
                        batch ->
                            AskPattern.<CollectionWriter.Command, Long>ask(
                                writer,
                                replyTo -> new CollectionWriter.Apply(batch, replyTo),
                                askTimeout,
                                system.scheduler())))
        .mapError(
            Throwable.class,
            e -> {
              LOG.warn(
                  "Index projection of collection {} failed; restarting with backoff: {}",
                  collection,
                  e.toString());
              return e;
            });
  }

  public String collection() {
    return collection;
  }

  /** The index, for searching (its writes belong to the writer). */
  public CollectionIndex index() {
    return index;
  }

  public CompletionStage<CollectionWriter.Progress> progress() {
    return AskPattern.ask(
        writer, CollectionWriter.GetProgress::new, askTimeout, system.scheduler());
  }

  /** The reconciliations of the index with the log (see {@link IndexReconciliation}). */
  public IndexReconciliation reconciliation() {
    return reconciliation;
  }

  public CompletionStage<CollectionWriter.Progress> commit() {
    return AskPattern.ask(writer, CollectionWriter.Commit::new, askTimeout, system.scheduler());
  }

  /**
   * Completes once every event in the log when called has been applied and committed, or fails
   * after {@code timeout}. Once the projection has read up to the end of the log, the index is
   * reconciled with it, so an event that committed late (after later ones were read) is applied
   * too.
   */
  public CompletionStage<CollectionWriter.Progress> awaitCaughtUp(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    return CompletableFuture.supplyAsync(
        () -> {
          while (true) {
            CollectionWriter.Progress p = progress().toCompletableFuture().join();
            boolean behind =
                !journal
                    .currentEventsByTag(
                        DocumentEntity.tag(collection), Offset.sequence(p.applied()))
                    .take(1)
                    .runWith(Sink.seq(), system)
                    .toCompletableFuture()
                    .join()
                    .isEmpty();
            if (!behind) {
              reconciliation.run();
              return commit().toCompletableFuture().join();
            }
            if (System.nanoTime() > deadline) {
              throw new IllegalStateException(
                  "the index of collection "
                      + collection
                      + " did not catch up with the log within "
                      + timeout.toSeconds()
                      + " s (applied up to offset "
                      + p.applied()
                      + ")");
            }
            try {
              Thread.sleep(100);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IllegalStateException("interrupted", e);
            }
          }
        },
        Dispatchers.blockingIo(system));
  }

  /** Stops reading the log, commits and closes the index. */
  @Override
  public void close() {
    closed = true;
    reconciling.cancel();
    reconciliation.stop();
    killSwitch.shutdown();
    AskPattern.<CollectionWriter.Command, Done>ask(
            writer, CollectionWriter.Stop::new, askTimeout, system.scheduler())
        .toCompletableFuture()
        .join();
  }
}
