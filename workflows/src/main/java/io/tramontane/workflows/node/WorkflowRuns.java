package io.tramontane.workflows.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tramontane.core.InvalidRequestException;
import io.tramontane.core.NotFoundException;
import io.tramontane.workflows.run.WorkflowRunEntity;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The read side of workflow runs, from the journal (JDBC read journal) rather than the entities: a
 * run's events as user-facing JSON — recorded, then live until the run ends — and the runs of a
 * workflow. Everything is scoped by tenant: a run's journal id starts with {@code
 * WorkflowRun|<tenant>/<workflow>/}, and nothing here reads an id outside the caller's prefix.
 */
public final class WorkflowRuns {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Pattern KEY = Pattern.compile("(.*)#(\\d+)(/due)?");

  /** Listing answers at most this many runs per page. */
  public static final int MAX_LIMIT = 500;

  private final Workflows workflows;
  private final ClassicActorSystemProvider system;

  public WorkflowRuns(Workflows workflows, ClassicActorSystemProvider system) {
    this.workflows = workflows;
    this.system = system;
  }

  /**
   * One event of a run, as the user sees it: {@code seq} (the journal sequence number, for
   * resuming), {@code type} ({@code started}, {@code effect}, {@code event}, {@code completed},
   * {@code failed}, {@code cancelled}), {@code at} when the journal knows it, and per type: {@code
   * input} and {@code definitionHash}; {@code key}, {@code task}, {@code occurrence} and {@code
   * outcome}; the delivered {@code event}; {@code output}; the RFC 7807 {@code error}; {@code by}.
   */
  public record RunEvent(long seq, String type, boolean last, ObjectNode json) {}

  /** A run in a listing: its name, status, when it started and ended (null when unknown). */
  public record RunSummary(
      String run,
      WorkflowRunEntity.Status status,
      Instant startedAt,
      Instant endedAt,
      int effects) {}

  /** One page of a listing; {@code next} is the cursor for the following page, or null. */
  public record Page(List<RunSummary> runs, String next) {}

  private JdbcReadJournal journal() {
    return PersistenceQuery.get(system.classicSystem())
        .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
  }

  static String persistenceId(String tenant, String workflow, String run) {
    return PersistenceId.of(
            WorkflowRunEntity.ENTITY_KEY.name(), Workflows.runId(tenant, workflow, run))
        .id();
  }

  private static void checkName(String what, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidRequestException(
          what + " '" + name + "' is not valid: 1-128 letters, digits, '.', '_', ':' or '-'.");
    }
  }

  /**
   * The run's events after sequence number {@code after}: what is recorded, then — when {@code
   * follow} and the run is still running — each event as it is persisted, until the run completes,
   * fails or is cancelled; then the stream ends. Empty when the run does not exist.
   */
  public CompletionStage<Optional<Source<RunEvent, NotUsed>>> events(
      String tenant, String workflow, String run, long after, boolean follow) {
    try {
      checkName("workflow name", workflow);
    } catch (InvalidRequestException e) {
      return CompletableFuture.failedFuture(e);
    }
    return workflows
        .get(tenant, workflow, run)
        .thenApply(
            state -> {
              if (state.status() == WorkflowRunEntity.Status.NEW) {
                return Optional.empty();
              }
              String id = persistenceId(tenant, workflow, run);
              long from = Math.max(0, after) + 1;
              boolean live = follow && state.status() == WorkflowRunEntity.Status.RUNNING;
              Source<EventEnvelope, NotUsed> envelopes =
                  live
                      ? journal().eventsByPersistenceId(id, from, Long.MAX_VALUE)
                      : journal().currentEventsByPersistenceId(id, from, Long.MAX_VALUE);
              Source<RunEvent, NotUsed> events =
                  envelopes
                      .filter(e -> e.event() instanceof WorkflowRunEntity.Event)
                      .map(
                          e ->
                              view(
                                  e.sequenceNr(),
                                  e.timestamp(),
                                  (WorkflowRunEntity.Event) e.event()));
              return Optional.of(live ? events.takeWhile(e -> !e.last(), true) : events);
            });
  }

  /**
   * The runs of {@code workflow} in the tenant, by run name, {@code limit} at most, after the run
   * named {@code after} (the previous page's cursor, or null). Fails with {@link NotFoundException}
   * when the workflow is neither deployed in the tenant nor has any run there.
   *
   * <p>Cost: the journal has no index of runs, so this scans every persistence id of the journal
   * (all entities, all tenants; {@code SELECT DISTINCT persistence_id}) and keeps the caller's
   * prefix; then it reads the events of each listed run to tell its status. Fine for thousands of
   * runs; a projection keyed by workflow is the step beyond.
   */
  public CompletionStage<Page> list(String tenant, String workflow, int limit, String after) {
    try {
      checkName("workflow name", workflow);
      if (after != null) {
        checkName("run name", after);
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new InvalidRequestException(
            "limit must be between 1 and " + MAX_LIMIT + ", not " + limit + ".");
      }
    } catch (InvalidRequestException e) {
      return CompletableFuture.failedFuture(e);
    }
    String prefix = persistenceId(tenant, workflow, "");
    return journal()
        .currentPersistenceIds()
        .map(id -> runName(prefix, id))
        .filter(Optional::isPresent)
        .map(Optional::get)
        .filter(name -> after == null || name.compareTo(after) > 0)
        .runWith(Sink.seq(), system)
        .thenCompose(
            names -> {
              List<String> page = names.stream().sorted().limit(limit).toList();
              String next = names.size() > page.size() ? page.getLast() : null;
              if (names.isEmpty()
                  && after == null
                  && workflows.definition(tenant, workflow).isEmpty()) {
                // Neither deployed nor ever run in this tenant: a typo, or another tenant's name.
                // Both answer alike, so nothing tells whether another tenant uses the name.
                return CompletableFuture.failedFuture(
                    new NotFoundException(
                        "No workflow '" + workflow + "' is deployed, and it has no runs."));
              }
              return Source.from(page)
                  .mapAsync(4, name -> summary(prefix + name, name))
                  .runWith(Sink.seq(), system)
                  .thenApply(runs -> new Page(List.copyOf(runs), next));
            });
  }

  /**
   * The run name of a journal id under {@code prefix}, or empty: the rest must be a run name, which
   * has no '/', so an id of another tenant whose name merely starts with this one's never matches.
   */
  static Optional<String> runName(String prefix, String persistenceId) {
    if (!persistenceId.startsWith(prefix)) {
      return Optional.empty();
    }
    String rest = persistenceId.substring(prefix.length());
    return NAME.matcher(rest).matches() ? Optional.of(rest) : Optional.empty();
  }

  private CompletionStage<RunSummary> summary(String persistenceId, String name) {
    return journal()
        .currentEventsByPersistenceId(persistenceId, 0, Long.MAX_VALUE)
        .runFold(
            new RunSummary(name, WorkflowRunEntity.Status.NEW, null, null, 0),
            (s, e) -> fold(s, e.event(), e.timestamp()),
            system);
  }

  static RunSummary fold(RunSummary s, Object event, long timestamp) {
    Instant at = timestamp > 0 ? Instant.ofEpochMilli(timestamp) : null;
    return switch (event) {
      case WorkflowRunEntity.RunStarted e ->
          new RunSummary(s.run(), WorkflowRunEntity.Status.RUNNING, e.at(), null, 0);
      case WorkflowRunEntity.EffectRecorded e ->
          new RunSummary(s.run(), s.status(), s.startedAt(), s.endedAt(), s.effects() + 1);
      case WorkflowRunEntity.RunCompleted e ->
          new RunSummary(
              s.run(), WorkflowRunEntity.Status.COMPLETED, s.startedAt(), at, s.effects());
      case WorkflowRunEntity.RunFailed e ->
          new RunSummary(s.run(), WorkflowRunEntity.Status.FAILED, s.startedAt(), at, s.effects());
      case WorkflowRunEntity.RunCancelled e ->
          new RunSummary(
              s.run(), WorkflowRunEntity.Status.CANCELLED, s.startedAt(), at, s.effects());
      default -> s;
    };
  }

  /** The user-facing view of one persisted event. */
  static RunEvent view(long seq, long timestamp, WorkflowRunEntity.Event event) {
    ObjectNode m = JSON.createObjectNode();
    m.put("seq", seq);
    String type =
        switch (event) {
          case WorkflowRunEntity.RunStarted e -> "started";
          case WorkflowRunEntity.EffectRecorded e -> "effect";
          case WorkflowRunEntity.EventReceived e -> "event";
          case WorkflowRunEntity.RunCompleted e -> "completed";
          case WorkflowRunEntity.RunFailed e -> "failed";
          case WorkflowRunEntity.RunCancelled e -> "cancelled";
          // Events added later show under their class name until they get a view here.
          default -> event.getClass().getSimpleName();
        };
    m.put("type", type);
    if (timestamp > 0) {
      m.put("at", Instant.ofEpochMilli(timestamp).toString());
    }
    boolean last = false;
    switch (event) {
      case WorkflowRunEntity.RunStarted e -> {
        m.put("at", e.at().toString());
        m.put("definitionHash", e.definitionVersion());
        m.set("input", parse(e.input()));
      }
      case WorkflowRunEntity.EffectRecorded e -> {
        m.put("key", e.key());
        Matcher k = KEY.matcher(e.key());
        if (k.matches()) {
          m.put("task", k.group(1));
          m.put("occurrence", Integer.parseInt(k.group(2)));
          if (k.group(3) != null) {
            m.put("timer", "due");
          }
        } else {
          m.put("task", e.key());
        }
        m.set("outcome", parse(e.outcome()));
      }
      case WorkflowRunEntity.EventReceived e -> m.set("event", parse(e.event()));
      case WorkflowRunEntity.RunCompleted e -> {
        m.set("output", parse(e.output()));
        last = true;
      }
      case WorkflowRunEntity.RunFailed e -> {
        m.set("error", parse(e.error()));
        last = true;
      }
      case WorkflowRunEntity.RunCancelled e -> {
        m.put("by", e.by());
        last = true;
      }
      default -> {}
    }
    return new RunEvent(seq, type, last, m);
  }

  private static JsonNode parse(String json) {
    if (json == null) {
      return JSON.nullNode();
    }
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      return JSON.getNodeFactory().textNode(json);
    }
  }

  /** The lowercase status name the edges show. */
  public static String label(WorkflowRunEntity.Status status) {
    return status.name().toLowerCase(Locale.ROOT);
  }
}
