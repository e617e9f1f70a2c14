package io.tramontane.retrieval.ingest;

import io.tramontane.core.persistence.Database;
import io.tramontane.retrieval.index.CollectionIndex;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares a collection's index with the document log and re-applies what the index missed. The
 * projection reads the log in offset order, but an event can commit after events with higher
 * offsets were read (a long transaction under load); once the read journal's gap detection gives up
 * on it, the projection never sees it. Every document in the index records the offset of the event
 * it was built from, so one query — the latest event of every document of the collection up to the
 * offset the writer has applied — tells which documents the index lacks or holds in an older
 * version (or still holds although deleted). Those events are read back (in small batches, only
 * they) and handed to the collection's one writer, which applies each only if nothing newer reached
 * the index meanwhile. Runs on the blocking-I/O dispatcher; one run at a time per collection.
 */
public final class IndexReconciliation {

  private static final Logger LOG = LoggerFactory.getLogger(IndexReconciliation.class);

  /** Documents looked up in the index at once. */
  private static final int LOOKUP_BATCH = 1000;

  /** Events read back and re-applied at once (events carry every chunk's vector). */
  private static final int REPAIR_BATCH = 64;

  private static final String LATEST_PER_DOCUMENT =
      "SELECT j.\"persistence_id\", j.\"ordering\", j.\"event_ser_manifest\""
          + " FROM \"event_journal\" j JOIN ("
          + " SELECT MAX(t.\"event_id\") AS latest FROM \"event_tag\" t"
          + " JOIN \"event_journal\" e ON e.\"ordering\" = t.\"event_id\""
          + " WHERE t.\"tag\" = ? AND t.\"event_id\" <= ? GROUP BY e.\"persistence_id\""
          + ") m ON j.\"ordering\" = m.latest";

  private static final Duration ASK_TIMEOUT = Duration.ofMinutes(2);

  /**
   * What the reconciliations since this node started found and repaired, for one tenant: documents
   * of the log the index lacked or held in an older version ({@code missing}), documents the index
   * held although the log deleted them or has no event for them ({@code extra}), and how many were
   * repaired; {@code lastRun…} are the last run's findings.
   */
  public record Drift(
      long missingFound, long extraFound, long repaired, long lastRunMissing, long lastRunExtra) {
    static final Drift NONE = new Drift(0, 0, 0, 0, 0);
  }

  /**
   * A tenant's view of the reconciliations of this collection on this node: when the last one ran
   * (null before the first), up to which log offset it checked, and the tenant's drift.
   */
  public record Report(Instant lastRun, long checkedUpTo, Drift drift) {}

  private final ActorSystem<?> system;
  private final Database database;
  private final String collection;
  private final CollectionIndex index;
  private final ActorRef<CollectionWriter.Command> writer;
  private final Serialization serialization;
  private final Map<String, Drift> drift = new ConcurrentHashMap<>();
  private volatile Instant lastRun;
  private boolean stopped;
  private volatile long checkedUpTo;

  IndexReconciliation(
      ActorSystem<?> system,
      Database database,
      String collection,
      CollectionIndex index,
      ActorRef<CollectionWriter.Command> writer) {
    this.system = system;
    this.database = database;
    this.collection = collection;
    this.index = index;
    this.writer = writer;
    this.serialization = SerializationExtension.get(system.classicSystem());
  }

  /**
   * No run after this one; waits for a run in progress to finish (so the writer is not stopped
   * under it).
   */
  synchronized void stop() {
    stopped = true;
  }

  /**
   * Has the writer apply one repair and counts the documents it changed (their persistence ids) per
   * tenant into {@code repaired}.
   */
  private void repair(
      Function<ActorRef<List<String>>, CollectionWriter.Command> command,
      Map<String, Integer> repaired) {
    List<String> changed =
        AskPattern.ask(writer, command, ASK_TIMEOUT, system.scheduler())
            .toCompletableFuture()
            .join();
    for (String persistenceId : changed) {
      repaired.merge(tenantOf(persistenceId), 1, Integer::sum);
    }
  }

  /** The last runs as {@code tenant} may see them (other tenants' documents are not counted). */
  public Report report(String tenant) {
    return new Report(lastRun, checkedUpTo, drift.getOrDefault(tenant, Drift.NONE));
  }

  /**
   * Compares the index with the log up to the offset applied now and repairs what differs; answers
   * how many documents were repaired. Blocks (database, index, writer): call on a blocking thread.
   */
  public synchronized int run() {
    if (stopped) {
      return 0;
    }
    long upTo =
        AskPattern.<CollectionWriter.Command, Long>ask(
                writer, CollectionWriter.BeginReconciliation::new, ASK_TIMEOUT, system.scheduler())
            .toCompletableFuture()
            .join();
    Map<String, Integer> missing = new HashMap<>();
    Map<String, Integer> extra = new HashMap<>();
    Map<String, Integer> repaired = new HashMap<>();
    List<Long> toRepair = new ArrayList<>();
    List<String> unlogged = new ArrayList<>();
    long documents = 0;
    try (Connection c = database.connection()) {
      c.setAutoCommit(false); // PostgreSQL streams with a cursor only inside a transaction
      c.setReadOnly(true);
      try {
        documents = findDrift(c, upTo, missing, extra, toRepair, unlogged);
        for (int from = 0; from < toRepair.size(); from += REPAIR_BATCH) {
          List<LoggedEvent> events =
              read(c, toRepair.subList(from, Math.min(toRepair.size(), from + REPAIR_BATCH)));
          repair(replyTo -> new CollectionWriter.Repair(events, replyTo), repaired);
        }
        for (int from = 0; from < unlogged.size(); from += LOOKUP_BATCH) {
          List<String> batch =
              unlogged.subList(from, Math.min(unlogged.size(), from + LOOKUP_BATCH));
          repair(
              replyTo -> new CollectionWriter.RemoveUnlogged(List.copyOf(batch), upTo, replyTo),
              repaired);
        }
      } finally {
        c.rollback();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot compare the index of collection " + collection + " with the log: " + e, e);
    }
    Set<String> tenants = new HashSet<>(drift.keySet());
    tenants.addAll(missing.keySet());
    tenants.addAll(extra.keySet());
    tenants.addAll(repaired.keySet());
    for (String tenant : tenants) {
      int lacking = missing.getOrDefault(tenant, 0);
      int surplus = extra.getOrDefault(tenant, 0);
      int fixed = repaired.getOrDefault(tenant, 0);
      Drift before = drift.getOrDefault(tenant, Drift.NONE);
      drift.put(
          tenant,
          new Drift(
              before.missingFound() + lacking,
              before.extraFound() + surplus,
              before.repaired() + fixed,
              lacking,
              surplus));
    }
    lastRun = Instant.now();
    checkedUpTo = upTo;
    int total = repaired.values().stream().mapToInt(Integer::intValue).sum();
    if (!toRepair.isEmpty() || !unlogged.isEmpty()) {
      LOG.warn(
          "Collection {}: the index differed from the log up to offset {} ({} documents): {}"
              + " missing or outdated (e.g. an event committed after later ones were read), {} held"
              + " although deleted or absent from the log; repaired {}",
          collection,
          upTo,
          documents,
          missing.values().stream().mapToInt(Integer::intValue).sum(),
          extra.values().stream().mapToInt(Integer::intValue).sum(),
          total);
    } else {
      LOG.debug(
          "Collection {}: index matches the log up to offset {} ({} documents)",
          collection,
          upTo,
          documents);
    }
    return total;
  }

  /**
   * Streams the latest event of every document up to {@code upTo} and compares it with what the
   * index holds: fills {@code missing} and {@code extra} (per tenant), {@code toRepair} (offsets to
   * re-apply) and {@code unlogged} (persistence ids the index holds but the log does not).
   */
  private long findDrift(
      Connection c,
      long upTo,
      Map<String, Integer> missing,
      Map<String, Integer> extra,
      List<Long> toRepair,
      List<String> unlogged)
      throws SQLException {
    long documents = 0;
    Map<String, Long> indexed = index.loggedDocuments();
    try (PreparedStatement s = c.prepareStatement(LATEST_PER_DOCUMENT)) {
      s.setFetchSize(LOOKUP_BATCH);
      s.setString(1, DocumentEntity.tag(collection));
      s.setLong(2, upTo);
      try (ResultSet rs = s.executeQuery()) {
        List<String> ids = new ArrayList<>(LOOKUP_BATCH);
        List<Long> offsets = new ArrayList<>(LOOKUP_BATCH);
        List<Boolean> deletes = new ArrayList<>(LOOKUP_BATCH);
        boolean more = true;
        while (more) {
          more = rs.next();
          if (more) {
            ids.add(rs.getString(1));
            offsets.add(rs.getLong(2));
            deletes.add(rs.getString(3).endsWith("DocumentDeleted"));
            indexed.remove(rs.getString(1));
            documents++;
          }
          if (ids.size() == LOOKUP_BATCH || (!more && !ids.isEmpty())) {
            long[] held = index.logOffsets(ids);
            for (int i = 0; i < ids.size(); i++) {
              long logged = offsets.get(i);
              if (held[i] >= logged) {
                continue; // this version or a later one
              }
              if (deletes.get(i)) {
                if (held[i] >= 0) {
                  extra.merge(tenantOf(ids.get(i)), 1, Integer::sum);
                  toRepair.add(logged);
                }
              } else {
                missing.merge(tenantOf(ids.get(i)), 1, Integer::sum);
                toRepair.add(logged);
              }
            }
            ids.clear();
            offsets.clear();
            deletes.clear();
          }
        }
      }
    }
    // Left: what the index holds under persistence ids with no event in the log up to upTo.
    indexed.forEach(
        (persistenceId, offset) -> {
          if (offset <= upTo) {
            extra.merge(tenantOf(persistenceId), 1, Integer::sum);
            unlogged.add(persistenceId);
          }
        });
    return documents;
  }

  /** Reads back the events at {@code offsets}. */
  private List<LoggedEvent> read(Connection c, List<Long> offsets) throws SQLException {
    String sql =
        "SELECT \"ordering\", \"persistence_id\", \"event_ser_id\", \"event_ser_manifest\","
            + " \"event_payload\" FROM \"event_journal\" WHERE \"ordering\" IN ("
            + String.join(",", Collections.nCopies(offsets.size(), "?"))
            + ") ORDER BY \"ordering\"";
    List<LoggedEvent> out = new ArrayList<>(offsets.size());
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < offsets.size(); i++) {
        s.setLong(i + 1, offsets.get(i));
      }
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          Object event =
              serialization.deserialize(rs.getBytes(5), rs.getInt(3), rs.getString(4)).get();
          if (event instanceof DocumentEntity.Event e) {
            out.add(new LoggedEvent(rs.getLong(1), rs.getString(2), e));
          }
        }
      }
    }
    return out;
  }

  /** The tenant in a document's persistence id ({@code Document|tenant/collection/hash}). */
  static String tenantOf(String persistenceId) {
    int start = persistenceId.indexOf('|') + 1;
    int end = persistenceId.indexOf('/', start);
    return end < 0 ? "" : persistenceId.substring(start, end);
  }
}
