package io.tramontane.agents.session;

import io.tramontane.agents.session.AgentSessionEntity.AwaitTurn;
import io.tramontane.agents.session.AgentSessionEntity.Command;
import io.tramontane.agents.session.AgentSessionEntity.Passivate;
import io.tramontane.agents.session.SessionEvents.Event;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * Who waits for a turn to settle ({@link AgentSessionEntity.AwaitTurn}; not persisted: after a
 * restart, ask again), and the idle session's passivation: once idle for {@link
 * AgentSessionEntity#IDLE_PASSIVATION} with no one waiting, its shard stops and forgets it.
 */
final class TurnWaiters {

  private final SessionScope scope;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final List<AwaitTurn> waiters = new ArrayList<>();

  /** {@code shard} null: outside sharding (tests), the session never passivates. */
  TurnWaiters(SessionScope scope, ActorRef<ClusterSharding.ShardCommand> shard) {
    this.scope = scope;
    this.shard = shard;
  }

  ReplyEffect<Event, SessionState> await(SessionState s, AwaitTurn cmd) {
    if (settled(s, cmd.turn())) {
      return scope.effect().reply(cmd.replyTo(), StatusReply.success(s));
    }
    waiters.add(cmd);
    return scope.effect().noReply();
  }

  ReplyEffect<Event, SessionState> passivate(SessionState s, Passivate cmd) {
    if (s.turn() == cmd.turn()
        && s.phase() == SessionState.Phase.IDLE
        && waiters.isEmpty()
        && shard != null) {
      shard.tell(new ClusterSharding.Passivate<>(scope.context().getSelf()));
    }
    return scope.effect().noReply();
  }

  /** The turn has its answer (or was cancelled), or waits for a person. */
  static boolean settled(SessionState s, int turn) {
    if (turn < s.turn()) {
      return true;
    }
    return turn == s.turn()
        && (s.phase() == SessionState.Phase.IDLE
            || s.phase() == SessionState.Phase.AWAITING_APPROVAL);
  }

  /** The session changed: answer those whose turn settled; an idle session passivates later. */
  void answer(SessionState s) {
    ActorContext<Command> context = scope.context();
    if (s.phase() == SessionState.Phase.IDLE && shard != null) {
      // Nothing left to resume: once idle for a while, stop (and stop being remembered) until
      // the next message.
      context.scheduleOnce(
          AgentSessionEntity.IDLE_PASSIVATION, context.getSelf(), new Passivate(s.turn()));
    }
    waiters.removeIf(
        w -> {
          if (settled(s, w.turn())) {
            w.replyTo().tell(StatusReply.success(s));
            return true;
          }
          return false;
        });
  }
}
