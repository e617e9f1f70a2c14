package io.tramontane.workflows.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.StatusReply;

/**
 * The virtual thread one incarnation of a run executes on: it interprets the pinned definition,
 * replaying the recorded outcomes and asking the entity to record each new one ({@link
 * WorkflowRunEntity.Record}) before it moves on, and tells the entity when it ends ({@link
 * WorkflowRunEntity.Finished}). A listen waits on the run's {@link Inbox} and tells the entity what
 * it waits for ({@link WorkflowRunEntity.Listening}), so platform events can be routed to it.
 */
final class RunThread {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RECORD_TIMEOUT = Duration.ofSeconds(30);

  private final String runId;
  private final WorkflowRunEntity.Runtime runtime;
  private final int incarnation;
  private final ActorRef<WorkflowRunEntity.Command> self;
  private final ActorSystem<?> system;
  private final Inbox inbox = new Inbox();
  private final Map<String, String> known;
  private Thread thread;

  RunThread(
      String runId,
      WorkflowRunEntity.Runtime runtime,
      WorkflowRunEntity.State state,
      int incarnation,
      ActorRef<WorkflowRunEntity.Command> self,
      ActorSystem<?> system) {
    this.runId = runId;
    this.runtime = runtime;
    this.incarnation = incarnation;
    this.self = self;
    this.system = system;
    this.known = new ConcurrentHashMap<>(state.effects());
    for (String e : state.inbox()) {
      try {
        inbox.add(JSON.readTree(e));
      } catch (IOException ignored) {
        // persisted events are JSON (checked on delivery)
      }
    }
  }

  /** The events delivered to this incarnation. */
  Inbox inbox() {
    return inbox;
  }

  /** Starts interpreting {@code state}'s definition; returns this. */
  RunThread start(WorkflowRunEntity.State state) {
    Replay replay =
        new Replay(new Journal(), new Live(runtime.live().apply(runId)), runtime.clock(), runId);
    thread =
        Thread.ofVirtual()
            .name("workflow-run-" + runId)
            .start(
                () -> {
                  String output = null;
                  String error = null;
                  try {
                    JsonNode definition = JSON.readTree(state.definition());
                    JsonNode input = JSON.readTree(state.input());
                    output = Interpreter.run(definition, input, replay).output().toString();
                    if (output.length() > MAX_OUTPUT_CHARS) {
                      output = null;
                      error = tooLarge().toJson().toString();
                    }
                  } catch (WorkflowError e) {
                    error = e.toJson().toString();
                  } catch (OutOfMemoryError | StackOverflowError e) {
                    // a value grew past what the node holds (e.g. a string doubled in a loop):
                    // the run fails, the node goes on
                    error =
                        WorkflowError.runtime(
                                500,
                                "Run failed",
                                "the run's data outgrew the node's memory ("
                                    + e.getClass().getSimpleName()
                                    + "); keep values small",
                                "/")
                            .toJson()
                            .toString();
                  } catch (RuntimeException | IOException e) {
                    if (Thread.currentThread().isInterrupted()) {
                      return; // stopped or cancelled: a later incarnation continues
                    }
                    error =
                        WorkflowError.runtime(
                                500, "Run failed", String.valueOf(e.getMessage()), "/")
                            .toJson()
                            .toString();
                  }
                  self.tell(new WorkflowRunEntity.Finished(incarnation, output, error));
                });
    return this;
  }

  /** A run's output is journaled: at most this many characters (4 Mi). */
  static final int MAX_OUTPUT_CHARS = 4 << 20;

  private static WorkflowError tooLarge() {
    return WorkflowError.runtime(
        413,
        "Output too large",
        "the run's output is over "
            + MAX_OUTPUT_CHARS
            + " characters; keep large data outside"
            + " the run (a document, a collection) and pass references",
        "/");
  }

  /** Stops the thread (the run was cancelled, or the entity stopped). */
  void interrupt() {
    if (thread != null) {
      thread.interrupt();
    }
  }

  /** The recorded outcomes, and recording a new one through the entity. */
  private final class Journal implements Replay.Journal {
    @Override
    public Optional<JsonNode> recorded(String key) {
      String v = known.get(key);
      try {
        if (v != null) {
          inbox.taken(JSON.readTree(v));
        }
        return v == null ? Optional.empty() : Optional.of(JSON.readTree(v));
      } catch (IOException e) {
        throw new IllegalStateException("corrupt recorded outcome " + key, e);
      }
    }

    @Override
    public void record(String key, JsonNode outcome) {
      String text = outcome.toString();
      AskPattern.<WorkflowRunEntity.Command, StatusReply<Done>>ask(
              self,
              r -> new WorkflowRunEntity.Record(key, text, r),
              RECORD_TIMEOUT,
              system.scheduler())
          .toCompletableFuture()
          .join()
          .getValue();
      known.put(key, text);
    }
  }

  /** The node's live effects, with listens served from the run's inbox. */
  private final class Live implements Replay.Live {
    private final Replay.Live base;

    Live(Replay.Live base) {
      this.base = base;
    }

    @Override
    public JsonNode call(String key, String function, JsonNode with) {
      return base.call(key, function, with);
    }

    @Override
    public JsonNode call(String key, String function, JsonNode with, Instant deadline) {
      return base.call(key, function, with, deadline);
    }

    @Override
    public void emit(String key, JsonNode event) {
      base.emit(key, event);
    }

    @Override
    public JsonNode listen(
        String key, JsonNode to, Instant deadline, UnaryOperator<JsonNode> view) {
      self.tell(new WorkflowRunEntity.Listening(incarnation, key, to.toString()));
      try {
        return inbox.await(to, deadline, runtime.clock(), view);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("stopped while listening", e);
      } finally {
        self.tell(new WorkflowRunEntity.Listening(incarnation, key, null));
      }
    }

    @Override
    public void sleepUntil(Instant instant) {
      base.sleepUntil(instant);
    }
  }
}
