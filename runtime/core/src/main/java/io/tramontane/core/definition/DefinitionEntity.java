package io.tramontane.core.definition;

import io.tramontane.core.CborSerializable;
import io.tramontane.core.persistence.JournaledEntity;
import io.tramontane.core.persistence.PersistenceSettings;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;

/**
 * One definition of one tenant (key {@code <tenant>/<name>}), durable and shared by every node:
 * which version is deployed (none after a removal), and every version ever deployed, by content
 * hash, so a session or run pinned to an old version can read it after a replacement or a removal.
 * Holds source text; each module parses it. The entity type names the kind (agents, workflows).
 */
final class DefinitionEntity
    extends JournaledEntity<
        DefinitionEntity.Command, DefinitionEntity.Event, DefinitionEntity.State> {

  sealed interface Command extends CborSerializable {}

  /** Make this version the deployed one (nothing is persisted when it already is). */
  record Deploy(String hash, String source, String text, ActorRef<StatusReply<Done>> replyTo)
      implements Command {}

  /** Undeploy: no version is deployed afterwards; the versions stay readable. */
  record Remove(ActorRef<StatusReply<Boolean>> replyTo) implements Command {}

  sealed interface Event extends CborSerializable {}

  /** A version was deployed. */
  record DefinitionDeployed(String hash, String source, String text, Instant at) implements Event {}

  /** The definition was removed (deleted by its tenant). */
  record DefinitionRemoved(Instant at) implements Event {}

  /** One stored version: where it came from and its text. */
  record Version(String source, String text) implements CborSerializable {}

  /** The deployed version's hash (null when none is) and every version by hash. */
  record State(String current, Map<String, Version> versions) implements CborSerializable {

    static final State EMPTY = new State(null, Map.of());

    State apply(Event event) {
      return switch (event) {
        case DefinitionDeployed d -> {
          Map<String, Version> v = new LinkedHashMap<>(versions);
          v.put(d.hash(), new Version(d.source(), d.text()));
          yield new State(d.hash(), Map.copyOf(v));
        }
        case DefinitionRemoved r -> new State(null, versions);
      };
    }
  }

  private DefinitionEntity(
      EntityTypeKey<Command> type, String entityId, PersistenceSettings persistence) {
    super(type, entityId, persistence, State.EMPTY, State::apply);
  }

  static Behavior<Command> create(
      EntityTypeKey<Command> type, String entityId, PersistenceSettings persistence) {
    return new DefinitionEntity(type, entityId, persistence);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(
            Deploy.class,
            (s, d) ->
                d.hash().equals(s.current())
                    ? Effect().reply(d.replyTo(), StatusReply.ack())
                    : Effect()
                        .persist(
                            new DefinitionDeployed(d.hash(), d.source(), d.text(), Instant.now()))
                        .thenReply(d.replyTo(), st -> StatusReply.ack()))
        .onCommand(
            Remove.class,
            (s, r) ->
                s.current() == null
                    ? Effect().reply(r.replyTo(), StatusReply.success(false))
                    : Effect()
                        .persist(new DefinitionRemoved(Instant.now()))
                        .thenReply(r.replyTo(), st -> StatusReply.success(true)))
        .build();
  }
}
