package io.tramontane.agents;

import io.tramontane.agents.definition.AgentCatalog;
import io.tramontane.agents.session.AgentSessionEntity;
import io.tramontane.agents.session.AgentSessionEntity.TurnStarted;
import io.tramontane.agents.session.SessionState;
import io.tramontane.core.InvalidRequestException;
import io.tramontane.core.NotFoundException;
import io.tramontane.core.Sha256;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;

/**
 * The sharded sessions of one node's agents: a session by tenant, agent and id (checked), the
 * messages and decisions sent to it, and the waits for a turn's answer.
 */
final class AgentSessions {

  private static final Pattern SESSION = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Duration ASK = Duration.ofSeconds(30);

  private final ActorSystem<?> system;
  private final AgentCatalog catalog;
  private final ExecutorService executor;
  private final Duration answerTimeout;

  AgentSessions(
      ActorSystem<?> system,
      AgentCatalog catalog,
      ExecutorService executor,
      Duration answerTimeout) {
    this.system = system;
    this.catalog = catalog;
    this.executor = executor;
    this.answerTimeout = answerTimeout;
  }

  static NotFoundException noSuchAgent(String agent) {
    return new NotFoundException(
        "No agent '" + agent + "' in this tenant; GET /agents lists the tenant's agents.");
  }

  private EntityRef<AgentSessionEntity.Command> session(String tenant, String agent, String id) {
    if (!SESSION.matcher(id).matches()) {
      throw new InvalidRequestException(
          "session id '" + id + "' is not valid: 1-128 letters, digits, '.', '_', ':' or '-'.");
    }
    if (!catalog.known(tenant, agent)) {
      throw noSuchAgent(agent);
    }
    return ClusterSharding.get(system)
        .entityRefFor(
            AgentSessionEntity.ENTITY_KEY, AgentSessionEntity.entityId(tenant, agent, id));
  }

  CompletionStage<TurnStarted> send(
      String tenant, String agent, String sessionId, String text, Set<String> principals) {
    return send(tenant, agent, sessionId, text, principals, null);
  }

  CompletionStage<TurnStarted> send(
      String tenant, String agent, String id, String text, Set<String> principals, String key) {
    try {
      AgentSessionEntity.checkMessage(text)
          .ifPresent(
              problem -> {
                throw new InvalidRequestException(problem);
              });
      String hash = key == null ? null : requestHash(text, principals);
      EntityRef<AgentSessionEntity.Command> session = session(tenant, agent, id);
      CompletionStage<Boolean> open =
          catalog.current(tenant, agent).isPresent()
              ? CompletableFuture.completedFuture(true)
              : session
                  .<SessionState>askWithStatus(AgentSessionEntity.Get::new, ASK)
                  .thenApply(s -> s.turn() > 0);
      return open.thenCompose(
          ok -> {
            if (!ok) {
              throw noSuchAgent(agent);
            }
            return session.<TurnStarted>askWithStatus(
                r -> new AgentSessionEntity.SendMessage(tenant, text, principals, key, hash, r),
                ASK);
          });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** SHA-256 over the text and the sorted principals: what a repeated message must match. */
  static String requestHash(String text, Set<String> principals) {
    java.security.MessageDigest sha = Sha256.newDigest();
    sha.update(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    for (String p : new java.util.TreeSet<>(principals == null ? Set.of() : principals)) {
      sha.update((byte) 0);
      sha.update(p.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    return java.util.HexFormat.of().formatHex(sha.digest());
  }

  /** Asks the session a question (get, decide, cancel); a bad id or agent fails the stage. */
  <T> CompletionStage<T> ask(
      String tenant,
      String agent,
      String sessionId,
      Function<ActorRef<StatusReply<T>>, AgentSessionEntity.Command> question) {
    try {
      return session(tenant, agent, sessionId).askWithStatus(question::apply, ASK);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The journal id of a session, after checking the ids and that the agent exists. */
  String persistenceId(String tenant, String agent, String sessionId) {
    session(tenant, agent, sessionId);
    return PersistenceId.of(
            AgentSessionEntity.ENTITY_KEY.name(),
            AgentSessionEntity.entityId(tenant, agent, sessionId))
        .id();
  }

  CompletionStage<Agents.Answer> ask(
      String tenant, String agent, String sessionId, String text, Set<String> principals) {
    return send(tenant, agent, sessionId, text, principals)
        .thenCompose(started -> awaitAnswer(tenant, agent, sessionId, started.turn()));
  }

  CompletionStage<Agents.Answer> awaitAnswer(
      String tenant, String agent, String sessionId, int turn) {
    long deadline = System.nanoTime() + answerTimeout.toNanos();
    return CompletableFuture.supplyAsync(
        () -> {
          while (true) {
            SessionState s;
            try {
              s =
                  session(tenant, agent, sessionId)
                      .<SessionState>askWithStatus(
                          r -> new AgentSessionEntity.AwaitTurn(turn, r), ASK)
                      .toCompletableFuture()
                      .join();
            } catch (java.util.concurrent.CompletionException e) {
              if (!(e.getCause() instanceof java.util.concurrent.TimeoutException)
                  || System.nanoTime() > deadline) {
                throw e;
              }
              continue;
            }
            return Answers.of(s, turn);
          }
        },
        executor);
  }

  CompletionStage<Agents.Answer> awaitAnswer(
      String tenant, String agent, String sessionId, int turn, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    return CompletableFuture.supplyAsync(
        () -> {
          while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
              return Answers.working(turn);
            }
            try {
              SessionState s =
                  session(tenant, agent, sessionId)
                      .<SessionState>askWithStatus(
                          r -> new AgentSessionEntity.AwaitTurn(turn, r),
                          Duration.ofNanos(Math.min(left, ASK.toNanos())))
                      .toCompletableFuture()
                      .join();
              return Answers.of(s, turn);
            } catch (java.util.concurrent.CompletionException e) {
              if (!(e.getCause() instanceof java.util.concurrent.TimeoutException)) {
                throw e;
              }
            }
          }
        },
        executor);
  }
}
