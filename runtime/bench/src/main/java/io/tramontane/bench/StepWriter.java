package io.tramontane.bench;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The one write every journal load makes: ask an {@link AgentStepEntity} to record a step with
 * {@code tool} and {@code output}, or how many steps it has, within {@code askTimeout}.
 */
record StepWriter(ClusterSharding sharding, String tool, String output, Duration askTimeout) {

  EntityRef<AgentStepEntity.Command> entity(String id) {
    return sharding.entityRefFor(AgentStepEntity.ENTITY_KEY, id);
  }

  CompletionStage<AgentStepEntity.StepAccepted> record(EntityRef<AgentStepEntity.Command> ref) {
    return ref.askWithStatus(
        replyTo -> new AgentStepEntity.RecordStep(tool, output, replyTo), askTimeout);
  }

  CompletionStage<AgentStepEntity.StepCount> count(EntityRef<AgentStepEntity.Command> ref) {
    return ref.ask(AgentStepEntity.CountSteps::new, askTimeout);
  }
}
