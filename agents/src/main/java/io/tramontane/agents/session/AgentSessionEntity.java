package io.tramontane.agents.session;

import dev.langchain4j.model.chat.response.ChatResponse;
import io.tramontane.agents.definition.AgentDefinition;
import io.tramontane.agents.session.SessionEvents.Event;
import io.tramontane.agents.session.SessionEvents.MessageReceived;
import io.tramontane.agents.session.SessionEvents.ToolCallRequested;
import io.tramontane.agents.tool.ToolResult;
import io.tramontane.core.CborSerializable;
import io.tramontane.core.ConflictException;
import io.tramontane.core.InvalidRequestException;
import io.tramontane.core.NotFoundException;
import io.tramontane.core.persistence.JournaledEntity;
import io.tramontane.core.system.ResumableSharding;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One conversation between a user and an agent (key {@code tenant/agent/session}). Every model
 * answer and every tool call is a persisted step; side effects run only after the step that asks
 * for them is persisted, on the runtime's executor, and report back as messages.
 *
 * <p>Crash safety: a tool call is persisted as {@link ToolCallRequested} with a platform key
 * ({@code <session>/<turn>/<n>}) before it runs. On recovery a requested call without an outcome is
 * issued again with the same key (tools deduplicate on it) — never an orphan, never a blind second
 * execution. Policy is code: a tool outside the definition's allowlist, or with arguments that fail
 * its schema, is denied and audited without running; tools under approval wait for a person;
 * budgets are checked before every model and tool call.
 */
public final class AgentSessionEntity
    extends JournaledEntity<AgentSessionEntity.Command, Event, SessionState> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "AgentSession");

  public static final int MAX_MESSAGE_CHARS = 32_000;

  /** How a refusal of a reused idempotency key begins (the edge answers it with 422). */
  public static final String KEY_REUSED = "the Idempotency-Key";

  /** An idle session stays in memory this long after its last turn, then passivates. */
  static final Duration IDLE_PASSIVATION = Duration.ofMinutes(2);

  private static final Logger LOG = LoggerFactory.getLogger(AgentSessionEntity.class);

  /** Commands. */
  public sealed interface Command extends CborSerializable {}

  /**
   * A user's message; starts a turn when the session is idle. With an {@code idempotencyKey} the
   * session already knows, it starts nothing and answers with that key's turn (an error when the
   * key came with another message: {@code requestHash} differs).
   */
  public record SendMessage(
      String tenant,
      String text,
      Set<String> principals,
      String idempotencyKey,
      String requestHash,
      ActorRef<StatusReply<TurnStarted>> replyTo)
      implements Command {

    public SendMessage(
        String tenant,
        String text,
        Set<String> principals,
        ActorRef<StatusReply<TurnStarted>> replyTo) {
      this(tenant, text, principals, null, null, replyTo);
    }
  }

  /** A person approves or denies a call waiting for approval. */
  public record Decide(
      String key, boolean approve, String by, String reason, ActorRef<StatusReply<Done>> replyTo)
      implements Command {}

  /**
   * Stop the current turn; calls not yet run are closed as abandoned, a call in flight as {@link
   * SessionEvents.ToolCallOutcomeUnknown}.
   */
  public record Cancel(String by, ActorRef<StatusReply<Cancelled>> replyTo) implements Command {}

  /**
   * Reply to {@link Cancel}: the turn, and the calls that were issued and may have been applied.
   */
  public record Cancelled(int turn, List<SessionEvents.ToolCallOutcomeUnknown> outcomeUnknown)
      implements CborSerializable {
    public Cancelled {
      outcomeUnknown = outcomeUnknown == null ? List.of() : List.copyOf(outcomeUnknown);
    }
  }

  /** Read the session. */
  public record Get(ActorRef<StatusReply<SessionState>> replyTo) implements Command {}

  /**
   * Answers with the state once {@code turn} has an answer or waits for an approval (at once if it
   * already does). Waiters are not persisted: after a restart, ask again.
   */
  public record AwaitTurn(int turn, ActorRef<StatusReply<SessionState>> replyTo)
      implements Command {}

  /**
   * Reply to {@link SendMessage}: the turn the message started, or ({@code repeated}) the turn its
   * idempotency key started earlier.
   */
  public record TurnStarted(int turn, boolean repeated) implements CborSerializable {
    public TurnStarted(int turn) {
      this(turn, false);
    }
  }

  /** Internal: ask the shard to stop (and forget) this idle session. */
  record Passivate(int turn) implements Command {}

  /** Internal: take the next step of {@code turn}. */
  record Proceed(int turn) implements Command {}

  /** Internal: the model call of {@code turn}/{@code step} ended. */
  record ModelReplied(int turn, int step, ChatResponseHolder response, ModelFailure failure)
      implements Command {}

  /** Internal: a tool call ended. */
  record ToolFinished(int turn, String key, ToolResult result, String failure) implements Command {}

  /** Internal: the turn's time is up while the call {@code key} runs. */
  record ToolDeadline(int turn, String key) implements Command {}

  /** Holds a LangChain4j response locally (internal messages never leave the node). */
  record ChatResponseHolder(ChatResponse response) {}

  private final String entityId;
  private final SessionScope scope;
  private final TurnWaiters waiters;
  private final TurnCalls calls;
  private final ModelStep model;
  private final ToolStep tools;

  private AgentSessionEntity(
      ActorContext<Command> context,
      String entityId,
      SessionRuntime rt,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    super(ENTITY_KEY, entityId, rt.persistence(), SessionState.EMPTY, SessionState::apply);
    this.entityId = entityId;
    String[] parts = entityId.split("/", 3);
    this.scope =
        new SessionScope(
            entityId,
            parts.length == 3 ? parts[0] : "",
            parts.length == 3 ? parts[1] : "",
            rt,
            context,
            Effect());
    this.waiters = new TurnWaiters(scope, shard);
    this.calls = new TurnCalls(scope, waiters);
    this.model = new ModelStep(scope, calls, waiters);
    this.tools = new ToolStep(scope, calls);
  }

  /** A session outside sharding (tests). */
  public static Behavior<Command> create(String entityId, SessionRuntime runtime) {
    return Behaviors.setup(ctx -> new AgentSessionEntity(ctx, entityId, runtime, null));
  }

  private static Behavior<Command> create(
      String entityId, SessionRuntime runtime, ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(ctx -> new AgentSessionEntity(ctx, entityId, runtime, shard));
  }

  public static String entityId(String tenant, String agent, String session) {
    return tenant + "/" + agent + "/" + session;
  }

  /**
   * Registers the sessions with sharding. Sessions are <em>remembered</em> (in the journal) while a
   * turn runs, so after a crash or restart the shard starts them again and they resume their turn
   * without anyone asking; a settled session passivates and is forgotten until its next message.
   */
  public static void init(ActorSystem<?> system, SessionRuntime runtime) {
    ResumableSharding.init(
        system, ENTITY_KEY, ctx -> create(ctx.getEntityId(), runtime, ctx.getShard()));
  }

  @Override
  protected void recovered(SessionState state) {
    if (state.phase() != SessionState.Phase.IDLE) {
      state.nextExecutable().ifPresent(p -> calls.issued(p.key()));
      LOG.info("Session {} resumes turn {} in phase {}", entityId, state.turn(), state.phase());
      scope.proceed(state.turn());
    }
  }

  /**
   * Handlers per phase: idle (a message starts a turn), thinking (the model's reply), a turn under
   * way (busy; cancel; the next step); then those of every phase.
   */
  @Override
  public CommandHandlerWithReply<Command, Event, SessionState> commandHandler() {
    var handlers = newCommandHandlerWithReplyBuilder();
    handlers
        .forState(s -> s.phase() == SessionState.Phase.IDLE)
        .onCommand(SendMessage.class, this::onSend)
        .onCommand(
            Cancel.class,
            (s, c) ->
                Effect()
                    .reply(
                        c.replyTo(),
                        StatusReply.error(new ConflictException("no turn is running"))))
        .onCommand(Proceed.class, (s, c) -> Effect().noReply());
    handlers
        .forState(s -> s.phase() == SessionState.Phase.THINKING)
        .onCommand(ModelReplied.class, model::replied);
    handlers
        .forState(s -> s.phase() != SessionState.Phase.IDLE)
        .onCommand(SendMessage.class, this::onSendBusy)
        .onCommand(Cancel.class, calls::cancel)
        .onCommand(Proceed.class, this::onProceed);
    handlers
        .forAnyState()
        .onCommand(Decide.class, tools::decide)
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.success(s)))
        .onCommand(AwaitTurn.class, waiters::await)
        .onCommand(Passivate.class, waiters::passivate)
        .onCommand(ModelReplied.class, (s, r) -> Effect().noReply()) // the turn moved on
        .onCommand(ToolFinished.class, tools::finished)
        .onCommand(ToolDeadline.class, tools::deadline);
    return handlers.build();
  }

  // --- user commands -------------------------------------------------------------------------

  /** Why a user's text cannot be a message, if it cannot. */
  public static Optional<String> checkMessage(String text) {
    return MessageText.problem(text);
  }

  /** The turn an idempotency key this session knows started (or why the key cannot be reused). */
  private Optional<ReplyEffect<Event, SessionState>> repeated(SessionState s, SendMessage cmd) {
    if (cmd.idempotencyKey() != null) {
      SessionState.KeyedTurn known = s.idempotencyKeys().get(cmd.idempotencyKey());
      if (known != null && (s.tenant() == null || s.tenant().equals(cmd.tenant()))) {
        if (!known.requestHash().equals(cmd.requestHash())) {
          return Optional.of(
              Effect()
                  .reply(
                      cmd.replyTo(),
                      StatusReply.error(
                          new IdempotencyKeyReusedException(
                              KEY_REUSED
                                  + " '"
                                  + cmd.idempotencyKey()
                                  + "' already started turn "
                                  + known.turn()
                                  + " of this session with another message; send a new key for a"
                                  + " new message"))));
        }
        return Optional.of(
            Effect()
                .reply(cmd.replyTo(), StatusReply.success(new TurnStarted(known.turn(), true))));
      }
    }
    return Optional.empty();
  }

  private ReplyEffect<Event, SessionState> onSend(SessionState s, SendMessage cmd) {
    Optional<ReplyEffect<Event, SessionState>> repeated = repeated(s, cmd);
    if (repeated.isPresent()) {
      return repeated.get();
    }
    Optional<String> invalid = checkMessage(cmd.text());
    if (invalid.isPresent()) {
      return Effect()
          .reply(cmd.replyTo(), StatusReply.error(new InvalidRequestException(invalid.get())));
    }
    Optional<AgentDefinition> def = scope.definition(s);
    if (def.isEmpty()) {
      return Effect()
          .reply(
              cmd.replyTo(),
              StatusReply.error(
                  new NotFoundException("there is no agent named '" + scope.agent() + "'")));
    }
    if (s.tenant() != null && !s.tenant().equals(cmd.tenant())) {
      return Effect()
          .reply(cmd.replyTo(), StatusReply.error(new NotFoundException("no such session")));
    }
    int turn = s.turn() + 1;
    MessageReceived e =
        new MessageReceived(
            turn,
            cmd.tenant(),
            scope.agent(),
            def.get().version(),
            cmd.text(),
            cmd.principals(),
            scope.runtime().clock().instant(),
            cmd.idempotencyKey(),
            cmd.idempotencyKey() == null ? null : cmd.requestHash());
    return Effect()
        .persist(e)
        .thenRun(st -> scope.proceed(turn))
        .thenReply(cmd.replyTo(), st -> StatusReply.success(new TurnStarted(turn)));
  }

  private ReplyEffect<Event, SessionState> onSendBusy(SessionState s, SendMessage cmd) {
    return repeated(s, cmd)
        .orElseGet(
            () ->
                Effect()
                    .reply(
                        cmd.replyTo(),
                        StatusReply.error(
                            new ConflictException(
                                "the agent is still working on turn "
                                    + s.turn()
                                    + " ("
                                    + s.phase().name().toLowerCase(java.util.Locale.ROOT)
                                    + "); wait for its answer or cancel the turn"))));
  }

  // --- the loop ------------------------------------------------------------------------------

  private ReplyEffect<Event, SessionState> onProceed(SessionState s, Proceed cmd) {
    if (cmd.turn() != s.turn() || calls.inFlight() != null || calls.stopping()) {
      return Effect().noReply();
    }
    Optional<AgentDefinition> found = scope.definition(s);
    if (found.isEmpty()) {
      return calls.end(s, "The agent '" + scope.agent() + "' is no longer defined on this node.");
    }
    AgentDefinition def = found.get();
    Duration elapsed = Duration.between(s.turnStartedAt(), scope.runtime().clock().instant());
    if (elapsed.compareTo(def.limits().timeout()) >= 0) {
      return calls.overBudget(s, "timeout", "the turn ran for " + TurnCalls.span(elapsed));
    }
    Duration remaining = def.limits().timeout().minus(elapsed);
    return switch (s.phase()) {
      case THINKING -> model.think(s, def, remaining);
      case ACTING -> tools.act(s, def, remaining);
      case AWAITING_APPROVAL, IDLE -> Effect().noReply();
    };
  }
}
