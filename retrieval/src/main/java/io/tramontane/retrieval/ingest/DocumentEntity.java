package io.tramontane.retrieval.ingest;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.tramontane.core.CborSerializable;
import io.tramontane.core.Sha256;
import io.tramontane.core.persistence.JournaledEntity;
import io.tramontane.core.persistence.PersistenceSettings;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * One document of one collection, as the durable log knows it. Each version's chunks — text,
 * vector, permissions, citation metadata — are recorded in a {@link DocumentIndexed} event, so a
 * collection's Lucene index is a projection of these events: rebuildable without parsing or
 * embedding again, and kept by every node of a cluster from the same log. Recording the same
 * content twice changes nothing (idempotent ingestion).
 */
public final class DocumentEntity
    extends JournaledEntity<DocumentEntity.Command, DocumentEntity.Event, DocumentEntity.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Document");

  /** The tag every event of a collection carries; the collection's index reads it in order. */
  public static String tag(String collection) {
    return "docs:" + collection;
  }

  /**
   * The entity id of a document: tenant and collection in clear, the source id hashed (source ids
   * are paths or URLs of any length; the state keeps the id itself).
   */
  public static String entityId(String tenant, String collection, String sourceId) {
    byte[] digest = Sha256.digest(sourceId);
    return tenant
        + "/"
        + collection
        + "/"
        + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
  }

  /** Commands. */
  public sealed interface Command extends CborSerializable {}

  /** Is this content (hash of bytes, permissions and metadata) already recorded? */
  public record Check(String contentHash, ActorRef<StatusReply<Known>> replyTo)
      implements Command {}

  /** Record a new version: indexed chunks or a failure. A repeat of the current one is a no-op. */
  public record Record(Event event, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  /** Remove the document; answers whether there was anything to remove. */
  public record Delete(
      String tenant,
      String collection,
      String documentId,
      SourceCheckpoint checkpoint,
      ActorRef<StatusReply<Boolean>> replyTo)
      implements Command {}

  /** Reply to {@link Check}. */
  public record Known(boolean sameContent, Status status, String reason)
      implements CborSerializable {}

  /** Where a document stands. */
  public enum Status {
    UNKNOWN,
    INDEXED,
    FAILED,
    DELETED
  }

  /** Events. Typed by name, so a {@link Record} carrying one crosses nodes intact. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = DocumentIndexed.class, name = "indexed"),
    @JsonSubTypes.Type(value = DocumentFailed.class, name = "failed"),
    @JsonSubTypes.Type(value = DocumentDeleted.class, name = "deleted")
  })
  public sealed interface Event extends CborSerializable {
    String tenant();

    String collection();

    String documentId();

    SourceCheckpoint checkpoint();
  }

  /** One chunk as recorded: enough to index it again without the source. */
  public record StoredChunk(int ordinal, String text, String section, int page, float[] vector)
      implements CborSerializable {}

  /** A version of the document was parsed, chunked and embedded. */
  public record DocumentIndexed(
      String tenant,
      String collection,
      String documentId,
      String contentHash,
      String title,
      String sourceUri,
      String contentType,
      Instant modified,
      Set<String> acl,
      boolean publicToTenant,
      boolean truncated,
      List<StoredChunk> chunks,
      SourceCheckpoint checkpoint)
      implements Event {

    public DocumentIndexed {
      // Sorted, so the recorded event and its replay serialize identically.
      acl =
          acl == null
              ? Set.of()
              : java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(acl));
      chunks = List.copyOf(chunks);
    }
  }

  /** A version of the document could not be indexed. */
  public record DocumentFailed(
      String tenant,
      String collection,
      String documentId,
      String contentHash,
      String reason,
      SourceCheckpoint checkpoint)
      implements Event {}

  /** The document was removed at its source. */
  public record DocumentDeleted(
      String tenant, String collection, String documentId, SourceCheckpoint checkpoint)
      implements Event {}

  /** State: the current version's status and content hash. */
  public record State(Status status, String contentHash, String reason)
      implements CborSerializable {
    static final State EMPTY = new State(Status.UNKNOWN, "", null);

    State apply(Event event) {
      return switch (event) {
        case DocumentIndexed e -> new State(Status.INDEXED, e.contentHash(), null);
        case DocumentFailed e -> new State(Status.FAILED, e.contentHash(), e.reason());
        case DocumentDeleted e -> new State(Status.DELETED, "", null);
      };
    }
  }

  private DocumentEntity(String entityId, PersistenceSettings persistence) {
    super(
        ENTITY_KEY,
        entityId,
        persistence,
        State.EMPTY,
        State::apply,
        Journal.tagged(e -> Set.of(tag(e.collection()))));
  }

  public static Behavior<Command> create(String entityId, PersistenceSettings persistence) {
    return new DocumentEntity(entityId, persistence);
  }

  public static void init(ActorSystem<?> system, PersistenceSettings persistence) {
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), persistence)));
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Check.class, this::onCheck)
        .onCommand(Record.class, this::onRecord)
        .onCommand(Delete.class, this::onDelete)
        .build();
  }

  private ReplyEffect<Event, State> onCheck(State state, Check cmd) {
    boolean same =
        (state.status() == Status.INDEXED || state.status() == Status.FAILED)
            && state.contentHash().equals(cmd.contentHash());
    return Effect()
        .reply(cmd.replyTo(), StatusReply.success(new Known(same, state.status(), state.reason())));
  }

  private ReplyEffect<Event, State> onRecord(State state, Record cmd) {
    Event event = cmd.event();
    String hash =
        switch (event) {
          case DocumentIndexed i -> i.contentHash();
          case DocumentFailed f -> f.contentHash();
          case DocumentDeleted d -> null;
        };
    if (hash == null) {
      return Effect().reply(cmd.replyTo(), StatusReply.error("use Delete to remove a document"));
    }
    Status next = event instanceof DocumentIndexed ? Status.INDEXED : Status.FAILED;
    if (state.status() == next && state.contentHash().equals(hash)) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(Done.getInstance()));
    }
    return Effect()
        .persist(event)
        .thenReply(cmd.replyTo(), s -> StatusReply.success(Done.getInstance()));
  }

  private ReplyEffect<Event, State> onDelete(State state, Delete cmd) {
    if (state.status() != Status.INDEXED && state.status() != Status.FAILED) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(false));
    }
    return Effect()
        .persist(
            new DocumentDeleted(cmd.tenant(), cmd.collection(), cmd.documentId(), cmd.checkpoint()))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(true));
  }
}
