package io.tramontane.retrieval.ingest;

import io.tramontane.retrieval.index.Chunk;
import io.tramontane.retrieval.index.CollectionIndex;
import io.tramontane.retrieval.index.LogPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Sequence;

/**
 * The one writer of a collection's Lucene index on this node. It applies the collection's log
 * events in order (batches from {@link CollectionProjection}), refreshes searchers once per batch,
 * and commits every {@code commitEvery} events or {@code commitInterval}: each commit carries the
 * log offset it includes and the latest checkpoint of every ingesting source, so after a crash the
 * index resumes exactly where its last commit ends, and a source's checkpoint never runs ahead of
 * the documents it covers (RELIABILITY F6). Re-applying an event is harmless (upserts by id).
 *
 * <p>Runs on the blocking-I/O dispatcher: Lucene writes block.
 */
public final class CollectionWriter extends AbstractBehavior<CollectionWriter.Command> {

  /** Commit user-data key holding the last log offset the commit includes. */
  public static final String OFFSET_KEY = "tramontane.offset";

  /** Commit user-data key prefix for source checkpoints. */
  public static final String CHECKPOINT_PREFIX = "checkpoint.";

  /** Messages (local only: never serialized). */
  public sealed interface Command {}

  /** Apply a batch of log events; answers the offset applied so far. */
  public record Apply(List<EventEnvelope> batch, ActorRef<Long> replyTo) implements Command {}

  /** Commit now if anything is uncommitted. */
  public record Commit(ActorRef<Progress> replyTo) implements Command {}

  /** Where the writer stands. */
  public record GetProgress(ActorRef<Progress> replyTo) implements Command {}

  /**
   * A reconciliation starts: answers the offset applied so far (the reconciliation compares the
   * index with the log up to it) and starts remembering the deletes applied from now on.
   */
  public record BeginReconciliation(ActorRef<Long> replyTo) implements Command {}

  /**
   * Apply events the projection skipped (found by a reconciliation), each only if the index does
   * not already hold that document at a later offset; answers the persistence ids of the documents
   * it changed.
   */
  public record Repair(List<LoggedEvent> events, ActorRef<List<String>> replyTo)
      implements Command {}

  /**
   * Remove documents the index holds although the log has no event for them up to {@code upTo}
   * (found by a reconciliation), each only if the index still holds it at an offset up to {@code
   * upTo}; answers the persistence ids removed.
   */
  public record RemoveUnlogged(
      List<String> persistenceIds, long upTo, ActorRef<List<String>> replyTo) implements Command {}

  /** Commit, close the index and stop. */
  public record Stop(ActorRef<Done> replyTo) implements Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  /** Applied and committed log offsets. */
  public record Progress(long applied, long committed) {}

  private final CollectionIndex index;
  private final int commitEvery;
  private final Map<String, String> checkpoints = new LinkedHashMap<>();

  /** Persistence id → offset of the deletes applied since the current reconciliation began. */
  private final Map<String, Long> recentDeletes = new HashMap<>();

  private long applied;
  private long committed;
  private int uncommitted;
  private boolean closed;

  private CollectionWriter(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      CollectionIndex index,
      int commitEvery,
      Duration commitInterval) {
    super(ctx);
    this.index = index;
    this.commitEvery = commitEvery;
    Map<String, String> last = index.committedUserData();
    this.committed = Long.parseLong(last.getOrDefault(OFFSET_KEY, "0"));
    this.applied = committed;
    last.forEach(
        (k, v) -> {
          if (k.startsWith(CHECKPOINT_PREFIX)) {
            checkpoints.put(k.substring(CHECKPOINT_PREFIX.length()), v);
          }
        });
    timers.startTimerWithFixedDelay(Tick.INSTANCE, commitInterval);
  }

  /** The writer of {@code index}; it closes the index when it stops. */
  public static Behavior<Command> create(
      CollectionIndex index, int commitEvery, Duration commitInterval) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> new CollectionWriter(ctx, timers, index, commitEvery, commitInterval)));
  }

  /** The offset recorded in the index's last commit (0 for a new index). */
  public static long committedOffset(CollectionIndex index) {
    return Long.parseLong(index.committedUserData().getOrDefault(OFFSET_KEY, "0"));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Apply.class, this::onApply)
        .onMessage(Commit.class, this::onCommit)
        .onMessage(GetProgress.class, this::onProgress)
        .onMessage(BeginReconciliation.class, this::onBeginReconciliation)
        .onMessage(Repair.class, this::onRepair)
        .onMessage(RemoveUnlogged.class, this::onRemoveUnlogged)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessage(Stop.class, this::onStopRequested)
        .onSignal(PostStop.class, this::onStop)
        .build();
  }

  private Behavior<Command> onApply(Apply apply) {
    for (EventEnvelope envelope : apply.batch()) {
      long offset = ((Sequence) envelope.offset()).value();
      if (offset <= applied) {
        continue;
      }
      if (envelope.event() instanceof DocumentEntity.Event event) {
        applyEvent(event, new LogPosition(envelope.persistenceId(), offset));
        if (event.checkpoint() != null) {
          checkpoints.put(event.checkpoint().source(), event.checkpoint().value());
        }
      }
      applied = offset;
      uncommitted++;
    }
    index.refresh();
    if (uncommitted >= commitEvery) {
      commit();
    }
    apply.replyTo().tell(applied);
    return this;
  }

  private Behavior<Command> onBeginReconciliation(BeginReconciliation cmd) {
    recentDeletes.clear();
    cmd.replyTo().tell(applied);
    return this;
  }

  private Behavior<Command> onRepair(Repair repair) {
    List<String> ids = repair.events().stream().map(LoggedEvent::persistenceId).toList();
    long[] held = index.logOffsets(ids);
    List<String> changed = new ArrayList<>();
    for (int i = 0; i < held.length; i++) {
      LoggedEvent e = repair.events().get(i);
      if (held[i] >= e.offset()) {
        continue; // the index already holds this version or a later one
      }
      boolean absent = held[i] < 0;
      if (e.event() instanceof DocumentEntity.DocumentDeleted) {
        if (absent) {
          continue;
        }
      } else if (absent && recentDeletes.getOrDefault(e.persistenceId(), -1L) > e.offset()) {
        continue; // deleted by a later event since the reconciliation began
      }
      applyEvent(e.event(), new LogPosition(e.persistenceId(), e.offset()));
      uncommitted++;
      changed.add(e.persistenceId());
    }
    if (!changed.isEmpty()) {
      index.refresh();
    }
    repair.replyTo().tell(changed);
    return this;
  }

  private Behavior<Command> onRemoveUnlogged(RemoveUnlogged cmd) {
    long[] held = index.logOffsets(cmd.persistenceIds());
    List<String> removed = new ArrayList<>();
    for (int i = 0; i < held.length; i++) {
      if (held[i] >= 0 && held[i] <= cmd.upTo()) {
        index.removeLogged(cmd.persistenceIds().get(i));
        uncommitted++;
        removed.add(cmd.persistenceIds().get(i));
      }
    }
    if (!removed.isEmpty()) {
      index.refresh();
    }
    cmd.replyTo().tell(removed);
    return this;
  }

  private void applyEvent(DocumentEntity.Event event, LogPosition at) {
    switch (event) {
      case DocumentEntity.DocumentIndexed e -> {
        List<Chunk> chunks = new ArrayList<>(e.chunks().size());
        for (DocumentEntity.StoredChunk c : e.chunks()) {
          chunks.add(
              new Chunk(
                  e.documentId(),
                  c.ordinal(),
                  e.sourceUri(),
                  e.title(),
                  c.section(),
                  c.page(),
                  c.text(),
                  c.vector(),
                  e.acl(),
                  e.publicToTenant(),
                  e.contentHash(),
                  e.modified()));
        }
        if (chunks.isEmpty()) {
          index.recordFailure(
              e.tenant(), e.documentId(), e.contentHash(), "the document has no text to index", at);
        } else {
          index.replace(e.tenant(), chunks, at);
        }
      }
      case DocumentEntity.DocumentFailed e ->
          index.recordFailure(e.tenant(), e.documentId(), e.contentHash(), e.reason(), at);
      case DocumentEntity.DocumentDeleted e -> {
        index.remove(e.tenant(), e.documentId());
        recentDeletes.put(at.persistenceId(), at.offset());
      }
    }
  }

  private void commit() {
    if (applied == committed && uncommitted == 0) {
      return;
    }
    Map<String, String> userData = new LinkedHashMap<>();
    userData.put(OFFSET_KEY, Long.toString(applied));
    checkpoints.forEach((k, v) -> userData.put(CHECKPOINT_PREFIX + k, v));
    index.commit(userData);
    committed = applied;
    uncommitted = 0;
  }

  private Behavior<Command> onCommit(Commit cmd) {
    commit();
    cmd.replyTo().tell(new Progress(applied, committed));
    return this;
  }

  private Behavior<Command> onProgress(GetProgress cmd) {
    cmd.replyTo().tell(new Progress(applied, committed));
    return this;
  }

  private Behavior<Command> onTick() {
    commit();
    return this;
  }

  private Behavior<Command> onStopRequested(Stop stop) {
    closeIndex();
    stop.replyTo().tell(Done.getInstance());
    return Behaviors.stopped();
  }

  private Behavior<Command> onStop(PostStop signal) {
    closeIndex();
    return this;
  }

  private void closeIndex() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      commit();
    } finally {
      index.close();
    }
  }
}
