package io.tramontane.retrieval;

import io.tramontane.retrieval.ingest.DocumentEntity;
import io.tramontane.retrieval.ingest.Ingestion;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the durable document log holds a collection (in a cluster, one first written through
 * another node). A negative answer is remembered for a moment, so an unknown name asked again is
 * cheap. Thread-safe.
 */
final class LoggedCollections {

  private static final Logger LOG = LoggerFactory.getLogger(LoggedCollections.class);
  private static final long ABSENT_NANOS = 2_000_000_000L;
  private static final int MAX_REMEMBERED = 10_000;

  private final JdbcReadJournal journal;
  private final ActorSystem<?> system;
  private final Map<String, Long> absentUntil = new ConcurrentHashMap<>();

  LoggedCollections(JdbcReadJournal journal, ActorSystem<?> system) {
    this.journal = journal;
    this.system = system;
  }

  /**
   * True when the log holds a document event of {@code tenant} in {@code collection}: an upload
   * acknowledged through any node, whether or not an index has applied it yet. Reads the
   * collection's events until the first of the tenant's; false if unsure.
   */
  boolean holds(String tenant, String collection) {
    String prefix = "Document|" + tenant + "/" + collection + "/";
    try {
      return journal
          .currentEventsByTag(DocumentEntity.tag(collection), Offset.sequence(0))
          .filter(e -> e.persistenceId().startsWith(prefix))
          .take(1)
          .runWith(Sink.headOption(), system)
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS)
          .isPresent();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("Collection {}: cannot ask the log what it holds: {}", collection, e.toString());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** True when some document event of {@code collection} is in the log; false if unsure. */
  boolean contains(String collection) {
    try {
      Ingestion.checkName("collection", collection);
    } catch (RuntimeException e) {
      return false;
    }
    Long until = absentUntil.get(collection);
    if (until != null && until > System.nanoTime()) {
      return false;
    }
    try {
      boolean found =
          journal
              .currentEventsByTag(DocumentEntity.tag(collection), Offset.sequence(0))
              .take(1)
              .runWith(Sink.headOption(), system)
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS)
              .isPresent();
      if (!found) {
        if (absentUntil.size() > MAX_REMEMBERED) {
          absentUntil.clear();
        }
        absentUntil.put(collection, System.nanoTime() + ABSENT_NANOS);
      }
      return found;
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("Collection {}: cannot ask the log whether it exists: {}", collection, e.toString());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
