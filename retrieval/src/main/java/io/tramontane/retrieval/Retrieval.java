package io.tramontane.retrieval;

import com.typesafe.config.Config;
import io.tramontane.core.Dispatchers;
import io.tramontane.core.InvalidRequestException;
import io.tramontane.core.persistence.Database;
import io.tramontane.core.system.TramontaneSystem;
import io.tramontane.inference.InferenceRuntime;
import io.tramontane.inference.Priority;
import io.tramontane.retrieval.index.Caller;
import io.tramontane.retrieval.index.CollectionIndex;
import io.tramontane.retrieval.index.Hit;
import io.tramontane.retrieval.index.IndexContentRetriever;
import io.tramontane.retrieval.index.SearchMode;
import io.tramontane.retrieval.ingest.CollectionProjection;
import io.tramontane.retrieval.ingest.CollectionWriter;
import io.tramontane.retrieval.ingest.DocumentEntity;
import io.tramontane.retrieval.ingest.IndexReconciliation;
import io.tramontane.retrieval.ingest.Ingestion;
import io.tramontane.retrieval.parse.DocumentParser;
import io.tramontane.retrieval.parse.ParserSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retrieval on one node: the ingestion API, the document log's sharded entities, one index
 * projection per collection (opened when a collection is first used, and at start for every index
 * on disk), and permission-filtered search.
 */
public final class Retrieval implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Retrieval.class);

  private final ActorSystem<?> system;
  private final InferenceRuntime inference;
  private final RetrievalSettings settings;
  private final DocumentParser parser;
  private final ParserSettings parserSettings;
  private final Ingestion ingestion;
  private final JdbcReadJournal journal;
  private final Database database;
  private final Executor blocking;
  private final Map<String, CollectionProjection> collections = new ConcurrentHashMap<>();
  private final LoggedCollections loggedCollections;

  private Retrieval(TramontaneSystem node, InferenceRuntime inference, Config config) {
    this.system = node.system();
    this.inference = inference;
    this.settings = RetrievalSettings.fromConfig(config);
    if (!inference.modelNames().contains(settings.embeddingModel())) {
      throw new io.tramontane.core.ConfigurationException(
          "tramontane.retrieval.embedding-model names '"
              + settings.embeddingModel()
              + "', which is not a model of the inference runtime (known: "
              + new TreeSet<>(inference.modelNames())
              + ").");
    }
    this.parserSettings = ParserSettings.fromConfig(config);
    this.parser = DocumentParser.start(parserSettings);
    this.journal =
        PersistenceQuery.get(system.classicSystem())
            .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    this.loggedCollections = new LoggedCollections(journal, system);
    this.database = node.database();
    this.blocking = Dispatchers.blockingIo(system);
    DocumentEntity.init(system, node.persistence());
    this.ingestion =
        new Ingestion(
            system, parser, parserSettings.maxInputBytes(), inference, settings, this::projection);
  }

  /**
   * Starts retrieval on {@code node}: registers the document entities and resumes the projection of
   * every collection that has an index under {@code tramontane.retrieval.index-dir}.
   */
  public static Retrieval start(TramontaneSystem node, InferenceRuntime inference, Config config) {
    Retrieval r = new Retrieval(node, inference, config);
    for (String c : r.collectionsOnDisk()) {
      r.projection(c);
    }
    return r;
  }

  public RetrievalSettings settings() {
    return settings;
  }

  /**
   * The largest document accepted, in bytes ({@code tramontane.retrieval.parser.max-input-bytes}).
   */
  public long maxDocumentBytes() {
    return parserSettings.maxInputBytes();
  }

  public Ingestion ingestion() {
    return ingestion;
  }

  private List<String> collectionsOnDisk() {
    if (!Files.isDirectory(settings.indexDir())) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(settings.indexDir())) {
      return dirs.filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .filter(n -> Ingestion.NAME.matcher(n).matches())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + settings.indexDir(), e);
    }
  }

  /** Collections this node knows: indexed here or used since start. */
  public List<String> collections() {
    TreeSet<String> all = new TreeSet<>(collections.keySet());
    all.addAll(collectionsOnDisk());
    return List.copyOf(all);
  }

  /**
   * The collections of {@link #collections()} that hold something of {@code tenant} (a document or
   * a recorded failure): a listing never names a collection only other tenants use.
   */
  public List<String> collections(String tenant) {
    return collections().stream()
        .filter(c -> projection(c).index().holdsAnythingOf(tenant))
        .toList();
  }

  /**
   * Whether the collection exists: indexed here, or recorded in the durable log by any node (in a
   * cluster, a collection first written through another node). A collection found only in the log
   * gets its index on this node now, built from the log (no parsing, no embedding).
   */
  public boolean exists(String collection) {
    if (collections.containsKey(collection)
        || Files.isDirectory(settings.indexDir().resolve(collection))) {
      return true;
    }
    if (!loggedCollections.contains(collection)) {
      return false;
    }
    LOG.info(
        "Collection {}: found in the log (written through another node); indexing here",
        collection);
    projection(collection);
    return true;
  }

  private CollectionProjection projection(String collection) {
    Ingestion.checkName("collection", collection);
    return collections.computeIfAbsent(
        collection,
        c -> {
          Path dir = settings.indexDir().resolve(c);
          CollectionIndex index = CollectionIndex.open(c, dir);
          LOG.info(
              "Collection {}: index {} resumes from log offset {}",
              c,
              dir,
              CollectionWriter.committedOffset(index));
          return CollectionProjection.start(
              system,
              journal,
              c,
              index,
              settings.commitEvery(),
              settings.commitInterval(),
              settings.batchSize(),
              settings.batchWindow(),
              database,
              settings.reconcileInterval());
        });
  }

  /**
   * Searches {@code collection} as {@code caller}; only what the caller may see can match. The
   * query is embedded on the interactive lane for kNN and hybrid.
   */
  public CompletionStage<List<Hit>> search(
      String collection, Caller caller, SearchMode mode, String query, int k) {
    try {
      Ingestion.checkName("collection", collection);
      if (query == null || query.isBlank()) {
        throw new InvalidRequestException("the query is empty.");
      }
      if (query.length() > settings.maxQueryChars()) {
        throw new InvalidRequestException(
            "the query is "
                + query.length()
                + " characters, over the limit of "
                + settings.maxQueryChars()
                + " (tramontane.retrieval.search.max-query-chars).");
      }
      if (k < 1 || k > settings.maxK()) {
        throw new InvalidRequestException(
            "k must be between 1 and " + settings.maxK() + ", was " + k + ".");
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return holding(collection, caller.tenant())
        .thenCompose(
            index -> {
              CompletionStage<float[]> vector =
                  mode == SearchMode.BM25
                      ? CompletableFuture.completedFuture(null)
                      : inference
                          .embed(settings.embeddingModel(), query, Priority.INTERACTIVE)
                          .thenApply(e -> e.vector());
              return vector.thenApplyAsync(v -> index.search(caller, mode, query, v, k), blocking);
            });
  }

  /**
   * The collection's index if {@code tenant} has a document or failure in it (the index says, else
   * the log: an upload acknowledged just before counts); else {@link UnknownCollectionException},
   * as for a name nobody uses, so a tenant never learns other tenants' collections.
   */
  private CompletionStage<CollectionIndex> holding(String collection, String tenant) {
    if (!exists(collection)) {
      return CompletableFuture.failedFuture(new UnknownCollectionException(collection));
    }
    CollectionIndex index = projection(collection).index();
    if (index.holdsAnythingOf(tenant)) {
      return CompletableFuture.completedFuture(index);
    }
    return CompletableFuture.supplyAsync(
        () -> {
          if (!loggedCollections.holds(tenant, collection)) {
            throw new UnknownCollectionException(collection);
          }
          return index;
        },
        blocking);
  }

  /** A LangChain4j content retriever over {@code collection}, bound to {@code caller}. */
  public IndexContentRetriever contentRetriever(
      String collection, Caller caller, SearchMode mode, int k) {
    if (!exists(collection)) {
      throw new UnknownCollectionException(collection);
    }
    return new IndexContentRetriever(
        projection(collection).index(),
        inference.embeddingModel(settings.embeddingModel(), Priority.INTERACTIVE),
        caller,
        mode,
        k);
  }

  /** What a tenant has in a collection. */
  public record CollectionStats(
      String collection,
      int documents,
      int chunks,
      int failedCount,
      List<CollectionIndex.Failure> failed,
      long appliedOffset,
      long committedOffset,
      IndexReconciliation.Report reconciliation) {}

  public CompletionStage<CollectionStats> stats(String collection, String tenant) {
    try {
      Ingestion.checkName("collection", collection);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return holding(collection, tenant)
        .thenCompose(
            index -> {
              CollectionProjection p = projection(collection);
              return p.progress()
                  .thenApplyAsync(
                      progress ->
                          new CollectionStats(
                              collection,
                              index.documentCount(tenant),
                              index.chunkCount(tenant),
                              index.failureCount(tenant),
                              index.failures(tenant, 100),
                              progress.applied(),
                              progress.committed(),
                              p.reconciliation().report(tenant)),
                      blocking);
            });
  }

  /**
   * The source ids of {@code tenant}'s documents in {@code collection} that start with {@code
   * prefix} ("" for all), sorted: documents indexed and documents recorded as failed, never other
   * tenants' or other collections'. Consistent with the durable log: the answer comes once this
   * node's index has applied everything logged when it was asked — every ingest and delete
   * acknowledged before the call, through any node of the cluster, is reflected. A node that never
   * indexed the collection builds its index from the log first (no parsing, no embedding). A
   * collection nobody has written to answers the empty set. Fails like {@link #awaitIndexed} when
   * the index does not catch up within {@code index.catch-up-timeout}.
   */
  public CompletionStage<SortedSet<String>> documentIds(
      String collection, String tenant, String prefix) {
    try {
      Ingestion.checkName("collection", collection);
      Ingestion.checkName("tenant", tenant);
      if (prefix == null) {
        throw new InvalidRequestException("the prefix is missing; use \"\" for every document.");
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (!exists(collection)) {
      return CompletableFuture.completedFuture(Collections.emptySortedSet());
    }
    CollectionProjection p = projection(collection);
    return p.awaitCaughtUp(settings.catchUpTimeout())
        .thenApplyAsync(progress -> p.index().documentIds(tenant, prefix), blocking);
  }

  /** Completes when the collection's index has applied and committed everything logged so far. */
  public CompletionStage<CollectionWriter.Progress> awaitIndexed(String collection) {
    return projection(collection).awaitCaughtUp(settings.catchUpTimeout());
  }

  /** The checkpoint of {@code source} in the collection's last index commit. */
  public Optional<String> checkpoint(String collection, String source) {
    return Optional.ofNullable(
        projection(collection)
            .index()
            .committedUserData()
            .get(CollectionWriter.CHECKPOINT_PREFIX + source));
  }

  /**
   * Throws the collection's index away and rebuilds it from the document log (no parsing, no
   * embedding). Searches see the collection empty while it rebuilds.
   */
  public CompletionStage<CollectionWriter.Progress> reindex(String collection) {
    Ingestion.checkName("collection", collection);
    return CompletableFuture.supplyAsync(
            () -> {
              synchronized (this) {
                CollectionProjection old = collections.remove(collection);
                if (old != null) {
                  old.close();
                }
                deleteRecursively(settings.indexDir().resolve(collection));
                return projection(collection);
              }
            },
            blocking)
        .thenCompose(p -> p.awaitCaughtUp(settings.catchUpTimeout()));
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the old index " + dir, e);
    }
  }

  /** Stops the projections (committing each index) and the parser workers. */
  @Override
  public void close() {
    ingestion.close();
    for (CollectionProjection p : collections.values()) {
      try {
        p.close();
      } catch (RuntimeException e) {
        LOG.warn("Closing the index of {} failed: {}", p.collection(), e.toString());
      }
    }
    collections.clear();
    parser.close();
  }
}
