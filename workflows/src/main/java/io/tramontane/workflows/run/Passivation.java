package io.tramontane.workflows.run;

import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * An ended run stays in memory a while (for reads), then its shard is told to stop it: the shard no
 * longer remembers it, so it is not recovered at the next start. Outside sharding (tests, {@code
 * shard} null) nothing is stopped.
 */
final class Passivation {

  private final ActorContext<WorkflowRunEntity.Command> context;
  private final EffectFactories<WorkflowRunEntity.Event, WorkflowRunEntity.State> effect;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final Duration after;

  Passivation(
      ActorContext<WorkflowRunEntity.Command> context,
      EffectFactories<WorkflowRunEntity.Event, WorkflowRunEntity.State> effect,
      ActorRef<ClusterSharding.ShardCommand> shard,
      Duration after) {
    this.context = context;
    this.effect = effect;
    this.shard = shard;
    this.after = after;
  }

  /** The run ended: passivate it {@code after} from now. */
  void later() {
    if (shard != null) {
      context.scheduleOnce(after, context.getSelf(), new WorkflowRunEntity.Passivate());
    }
  }

  /** The time is up: stop the run if it has ended. */
  ReplyEffect<WorkflowRunEntity.Event, WorkflowRunEntity.State> now(WorkflowRunEntity.State s) {
    WorkflowRunEntity.Status status = s.status();
    if (status != WorkflowRunEntity.Status.RUNNING
        && status != WorkflowRunEntity.Status.NEW
        && shard != null) {
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    }
    return effect.noReply();
  }
}
