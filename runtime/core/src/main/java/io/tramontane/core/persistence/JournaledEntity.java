package io.tramontane.core.persistence;

import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * An event-sourced entity whose state starts empty and folds each event with one function ({@code
 * State::apply}), persisted under {@code <entity type>|<entity id>} and restarted with backoff when
 * the journal refuses a write ({@link PersistenceSettings}). Its {@link Journal} says which tags
 * the events carry and when snapshots are taken; subclasses write only their commands and signals.
 *
 * @param <C> commands
 * @param <E> events
 * @param <S> state
 */
public abstract class JournaledEntity<C, E, S>
    extends EventSourcedBehaviorWithEnforcedReplies<C, E, S> {

  /**
   * How an entity's journal is kept.
   *
   * @param tags the tags an event is written with (read by projections and feeds)
   * @param retention when snapshots are taken and whether older events are deleted
   */
  public record Journal<E>(Function<? super E, Set<String>> tags, RetentionCriteria retention) {

    /** No tags, no snapshots: the whole journal is replayed. */
    public static <E> Journal<E> plain() {
      return new Journal<>(e -> Set.of(), RetentionCriteria.disabled());
    }

    /**
     * For an entity that lives for ever and writes a few events per activity (a schedule's ticks, a
     * connector's passes): a snapshot every 100 events, two kept, the events they cover deleted, so
     * recovery stays short and the journal bounded.
     */
    public static <E> Journal<E> bounded() {
      return new Journal<>(
          e -> Set.of(), RetentionCriteria.snapshotEvery(100, 2).withDeleteEventsOnSnapshot());
    }

    /** Every event tagged {@code tag}. */
    public static <E> Journal<E> tagged(String tag) {
      return tagged(e -> Set.of(tag));
    }

    /** Each event tagged as {@code tags} says. */
    public static <E> Journal<E> tagged(Function<? super E, Set<String>> tags) {
      return new Journal<>(tags, RetentionCriteria.disabled());
    }
  }

  private final S emptyState;
  private final BiFunction<S, E, S> apply;
  private final Journal<E> journal;

  /**
   * @param type the entity type (the persistence id's prefix)
   * @param entityId the entity id
   * @param emptyState the state before the first event
   * @param apply the state after one more event
   */
  protected JournaledEntity(
      EntityTypeKey<?> type,
      String entityId,
      PersistenceSettings persistence,
      S emptyState,
      BiFunction<S, E, S> apply,
      Journal<E> journal) {
    super(PersistenceId.of(type.name(), entityId), persistence.onPersistFailure());
    this.emptyState = emptyState;
    this.apply = apply;
    this.journal = journal;
  }

  protected JournaledEntity(
      EntityTypeKey<?> type,
      String entityId,
      PersistenceSettings persistence,
      S emptyState,
      BiFunction<S, E, S> apply) {
    this(type, entityId, persistence, emptyState, apply, Journal.plain());
  }

  @Override
  public final S emptyState() {
    return emptyState;
  }

  @Override
  public final EventHandler<S, E> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(apply);
  }

  @Override
  public final Set<String> tagsFor(E event) {
    return journal.tags().apply(event);
  }

  @Override
  public final RetentionCriteria retentionCriteria() {
    return journal.retention();
  }

  @Override
  public final SignalHandler<S> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::recovered)
        .onSignal(PreRestart.instance(), this::restarting)
        .onSignal(PostStop.instance(), this::stopped)
        .build();
  }

  /** The journal is replayed into {@code state} (at every start); nothing by default. */
  protected void recovered(S state) {}

  /** The entity restarts after a failure (e.g. a refused write); nothing by default. */
  protected void restarting(S state) {}

  /** The entity stopped (passivated, or its node leaves); nothing by default. */
  protected void stopped(S state) {}
}
