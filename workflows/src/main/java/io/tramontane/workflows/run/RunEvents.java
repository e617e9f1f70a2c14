package io.tramontane.workflows.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tramontane.core.InvalidRequestException;
import io.tramontane.workflows.run.WorkflowRunEntity.Event;
import io.tramontane.workflows.run.WorkflowRunEntity.State;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * The events a running run receives: delivered to it ({@link WorkflowRunEntity.Deliver}), or
 * platform events ({@link WorkflowRunEntity.Notify}) kept only while one of its listens waits for
 * them. Holds what the listens wait for (by effect key) and the run's subscription to platform
 * events (while it runs). Each event is persisted once ({@link WorkflowRunEntity.EventReceived}),
 * by id, then handed to the run thread's inbox.
 */
final class RunEvents {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String runId;
  private final EffectFactories<Event, State> effect;
  private final Supplier<Inbox> inbox;
  private final ActorRef<Topic.Command<WorkflowRunEntity.Notify>> events;
  private final ActorRef<WorkflowRunEntity.Notify> self;
  private final Map<String, JsonNode> waiting = new HashMap<>();
  private boolean subscribed;

  /** {@code events} may be null: the run then receives only events delivered to it. */
  RunEvents(
      String runId,
      EffectFactories<Event, State> effect,
      Supplier<Inbox> inbox,
      ActorRef<Topic.Command<WorkflowRunEntity.Notify>> events,
      ActorRef<WorkflowRunEntity.Notify> self) {
    this.runId = runId;
    this.effect = effect;
    this.inbox = inbox;
    this.events = events;
    this.self = self;
  }

  /** A run starts or resumes: no listen waits yet; platform events are wanted. */
  void open() {
    waiting.clear();
    subscribe(true);
  }

  /** The run ended or was cancelled. */
  void close() {
    waiting.clear();
    subscribe(false);
  }

  /** A listen of the current incarnation waits for an event, or no longer. */
  ReplyEffect<Event, State> listening(WorkflowRunEntity.Listening l, int incarnation) {
    if (l.incarnation() == incarnation) {
      waiting.remove(l.key());
      if (l.to() != null) {
        try {
          waiting.put(l.key(), JSON.readTree(l.to()));
        } catch (IOException e) {
          // not JSON (never sent): no platform event is routed to this listen
        }
      }
    }
    return effect.noReply();
  }

  /** An event delivered to the run: a JSON object with an id and a type (CloudEvents). */
  ReplyEffect<Event, State> deliver(State s, WorkflowRunEntity.Deliver cmd) {
    JsonNode event;
    try {
      event = JSON.readTree(cmd.event());
    } catch (IOException e) {
      return effect.reply(
          cmd.replyTo(), StatusReply.error(new InvalidRequestException("the event is not JSON")));
    }
    if (!event.isObject() || !event.hasNonNull("id") || !event.hasNonNull("type")) {
      return effect.reply(
          cmd.replyTo(),
          StatusReply.error(
              new InvalidRequestException("an event is a JSON object with 'id' and 'type'")));
    }
    if (received(s, event.get("id").asText())) {
      return effect.reply(cmd.replyTo(), StatusReply.ack()); // the same event again
    }
    return receive(event).thenReply(cmd.replyTo(), st -> StatusReply.ack());
  }

  /** A platform event of a tenant: kept if a listen of this run (of that tenant) could take it. */
  ReplyEffect<Event, State> notify(State s, WorkflowRunEntity.Notify n) {
    if (waiting.isEmpty() || !runId.startsWith(n.tenant() + "/")) {
      return effect.noReply();
    }
    JsonNode event;
    try {
      event = JSON.readTree(n.event());
    } catch (IOException e) {
      return effect.noReply();
    }
    if (waiting.values().stream().noneMatch(to -> Inbox.interested(to, event))
        || received(s, event.path("id").asText())) {
      return effect.noReply();
    }
    return receive(event).thenNoReply();
  }

  private EffectBuilder<Event, State> receive(JsonNode event) {
    return effect
        .persist(new WorkflowRunEntity.EventReceived(event.toString()))
        .thenRun(st -> inbox.get().add(event));
  }

  /** Whether an event with this id was delivered already. */
  private static boolean received(State s, String eventId) {
    String needle = "\"id\":" + JSON.valueToTree(eventId);
    return s.inbox().stream().anyMatch(e -> e.contains(needle));
  }

  private void subscribe(boolean on) {
    if (events != null && subscribed != on) {
      subscribed = on;
      events.tell(on ? Topic.subscribe(self) : Topic.unsubscribe(self));
    }
  }
}
