package io.tramontane.retrieval.ingest;

import io.tramontane.core.InvalidRequestException;
import io.tramontane.core.Sha256;
import io.tramontane.core.UnavailableException;
import io.tramontane.inference.InferenceRuntime;
import io.tramontane.inference.Priority;
import io.tramontane.inference.TextEmbedding;
import io.tramontane.retrieval.RetrievalSettings;
import io.tramontane.retrieval.chunk.Chunker;
import io.tramontane.retrieval.chunk.Piece;
import io.tramontane.retrieval.parse.DocumentParser;
import io.tramontane.retrieval.parse.ParseResult;
import io.tramontane.retrieval.parse.ParsedDocument;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingestion API for connectors and edges: {@link #ingest} parses (in isolated workers), chunks
 * with the embedding model's tokenizer, embeds on the bulk lane and records the document's chunks
 * in its {@link DocumentEntity}; the collection's index applies them from the log. Idempotent: the
 * same bytes and permissions again are answered {@code Unchanged} without parsing or embedding.
 * Back-pressure: at most {@code parallelism + max-queued} documents are accepted at once; beyond
 * that a call fails fast with a retriable {@link UnavailableException}.
 */
public final class Ingestion implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Ingestion.class);

  /** Tenant and collection names: letters, digits, dot, dash, underscore; 1-64 characters. */
  public static final Pattern NAME = SourceDocument.NAME;

  private static final Duration ASK_TIMEOUT = Duration.ofSeconds(30);

  private final ClusterSharding sharding;
  private final DocumentParser parser;
  private final InferenceRuntime inference;
  private final RetrievalSettings settings;
  private final long maxInputBytes;
  private final Consumer<String> collectionTouched;
  private final Semaphore slots;
  private final ExecutorService workers;
  private final Chunker chunker;

  public Ingestion(
      ActorSystem<?> system,
      DocumentParser parser,
      long maxInputBytes,
      InferenceRuntime inference,
      RetrievalSettings settings,
      Consumer<String> collectionTouched) {
    this.sharding = ClusterSharding.get(system);
    this.parser = parser;
    this.inference = inference;
    this.settings = settings;
    this.maxInputBytes = maxInputBytes;
    this.collectionTouched = collectionTouched;
    this.slots = new Semaphore(settings.ingestParallelism() + settings.maxQueued());
    AtomicInteger n = new AtomicInteger();
    this.workers =
        Executors.newFixedThreadPool(
            settings.ingestParallelism(),
            r -> {
              Thread t = new Thread(r, "tramontane-ingest-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    String model = settings.embeddingModel();
    this.chunker = chunker(inference, model, settings.overlapTokens());
  }

  /**
   * The chunker ingestion uses: the model's own tokenizer measures each paragraph once (see {@link
   * Chunker#counting}).
   */
  public static Chunker chunker(InferenceRuntime inference, String model, int overlapTokens) {
    int max = inference.model(model).maxTokens();
    return Chunker.counting(
        text -> {
          InferenceRuntime.TokenCount c = inference.countTokens(model, text);
          return c.truncated() ? max + 1 : c.tokens();
        },
        max,
        overlapTokens);
  }

  /** Validates a tenant or collection name; the message says what is allowed. */
  public static void checkName(String what, String value) {
    SourceDocument.checkName(what, value);
  }

  private void validate(SourceDocument doc) {
    checkName("tenant", doc.tenant());
    checkName("collection", doc.collection());
    checkId(doc.sourceId());
    if (doc.content().length > maxInputBytes) {
      throw new InvalidRequestException(
          "document '"
              + doc.sourceId()
              + "' is "
              + doc.content().length
              + " bytes, over the limit of "
              + maxInputBytes
              + " (tramontane.retrieval.parser.max-input-bytes).");
    }
    for (String p : doc.acl()) {
      if (p.isBlank() || p.length() > 256 || p.chars().anyMatch(Character::isISOControl)) {
        throw new InvalidRequestException(
            "ACL principal '" + p + "' is not valid: 1-256 printable characters.");
      }
    }
  }

  private void checkId(String id) {
    if (id == null
        || id.isBlank()
        || id.length() > settings.maxIdChars()
        || id.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidRequestException(
          "document id is not valid: 1-"
              + settings.maxIdChars()
              + " printable characters (tramontane.retrieval.ingest.max-id-chars).");
    }
  }

  /**
   * Ingests one document. Completes with what became of it; fails with {@link
   * InvalidRequestException} for bad input and {@link UnavailableException} (retriable) when
   * ingestion is at capacity.
   */
  public CompletionStage<IngestResult> ingest(SourceDocument doc) {
    try {
      validate(doc);
    } catch (InvalidRequestException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (!slots.tryAcquire()) {
      return CompletableFuture.failedFuture(
          new UnavailableException(
              "ingestion is at capacity ("
                  + (settings.ingestParallelism() + settings.maxQueued())
                  + " documents in progress); retry shortly",
              Duration.ofSeconds(1)));
    }
    collectionTouched.accept(doc.collection());
    CompletableFuture<IngestResult> result;
    try {
      result = CompletableFuture.supplyAsync(() -> process(doc), workers);
    } catch (RuntimeException e) {
      slots.release();
      return CompletableFuture.failedFuture(e);
    }
    return result.whenComplete((r, e) -> slots.release());
  }

  /** Removes a document; completes with whether it was known. Idempotent. */
  public CompletionStage<Boolean> delete(
      String tenant, String collection, String sourceId, SourceCheckpoint checkpoint) {
    try {
      checkName("tenant", tenant);
      checkName("collection", collection);
      checkId(sourceId);
    } catch (InvalidRequestException e) {
      return CompletableFuture.failedFuture(e);
    }
    // Only a delete that removed something touches the collection: deleting from a collection
    // that does not exist must not create it (for every tenant).
    return entity(tenant, collection, sourceId)
        .<Boolean>askWithStatus(
            replyTo -> new DocumentEntity.Delete(tenant, collection, sourceId, checkpoint, replyTo),
            ASK_TIMEOUT)
        .thenApply(
            deleted -> {
              if (deleted) {
                collectionTouched.accept(collection);
              }
              return deleted;
            });
  }

  private EntityRef<DocumentEntity.Command> entity(
      String tenant, String collection, String sourceId) {
    return sharding.entityRefFor(
        DocumentEntity.ENTITY_KEY, DocumentEntity.entityId(tenant, collection, sourceId));
  }

  private IngestResult process(SourceDocument doc) {
    String id = doc.sourceId();
    EntityRef<DocumentEntity.Command> entity = entity(doc.tenant(), doc.collection(), id);
    String hash = contentHash(doc);
    DocumentEntity.Known known =
        entity
            .<DocumentEntity.Known>askWithStatus(
                replyTo -> new DocumentEntity.Check(hash, replyTo), ASK_TIMEOUT)
            .toCompletableFuture()
            .join();
    if (known.sameContent()) {
      return known.status() == DocumentEntity.Status.FAILED
          ? new IngestResult.Failed(id, known.reason() + " (unchanged since the last attempt)")
          : new IngestResult.Unchanged(id);
    }
    ParseResult parsed = parser.parse(doc.content(), doc.fileName(), doc.contentType());
    DocumentEntity.Event event;
    IngestResult result;
    switch (parsed) {
      case ParseResult.Failed f -> {
        event =
            new DocumentEntity.DocumentFailed(
                doc.tenant(), doc.collection(), id, hash, f.reason(), doc.checkpoint());
        result = new IngestResult.Failed(id, f.reason());
      }
      case ParseResult.Parsed p -> {
        ParsedDocument d = p.document();
        List<Piece> pieces = chunker.chunk(d.blocks());
        List<String> warnings = new ArrayList<>(d.warnings());
        boolean truncated = d.truncated();
        if (pieces.size() > settings.maxChunksPerDocument()) {
          pieces = pieces.subList(0, settings.maxChunksPerDocument());
          truncated = true;
          warnings.add(
              "only the first "
                  + settings.maxChunksPerDocument()
                  + " chunks are indexed (tramontane.retrieval.ingest.max-chunks-per-document)");
        }
        if (pieces.isEmpty()) {
          String reason = "the document has no text to index (a scanned image, or empty)";
          event =
              new DocumentEntity.DocumentFailed(
                  doc.tenant(), doc.collection(), id, hash, reason, doc.checkpoint());
          result = new IngestResult.Failed(id, reason);
        } else {
          List<TextEmbedding> vectors = embed(pieces.stream().map(Piece::text).toList());
          List<DocumentEntity.StoredChunk> chunks = new ArrayList<>(pieces.size());
          for (int i = 0; i < pieces.size(); i++) {
            Piece piece = pieces.get(i);
            chunks.add(
                new DocumentEntity.StoredChunk(
                    piece.ordinal(),
                    piece.text(),
                    piece.section(),
                    piece.page(),
                    vectors.get(i).vector()));
          }
          event =
              new DocumentEntity.DocumentIndexed(
                  doc.tenant(),
                  doc.collection(),
                  id,
                  hash,
                  title(doc, d),
                  doc.sourceUri(),
                  d.contentType(),
                  doc.modified() != null ? doc.modified() : d.modified(),
                  doc.acl(),
                  doc.publicToTenant(),
                  truncated,
                  chunks,
                  doc.checkpoint());
          result = new IngestResult.Indexed(id, chunks.size(), truncated, List.copyOf(warnings));
        }
      }
    }
    DocumentEntity.Event toRecord = event;
    entity
        .<Done>askWithStatus(replyTo -> new DocumentEntity.Record(toRecord, replyTo), ASK_TIMEOUT)
        .toCompletableFuture()
        .join();
    if (result instanceof IngestResult.Failed f) {
      LOG.info("Document {} in {} not indexed: {}", id, doc.collection(), f.reason());
    }
    return result;
  }

  /**
   * Embeds on the bulk lane. A full lane is the inference runtime's back-pressure: wait as it asks
   * and try again, for up to a minute, rather than failing the document.
   */
  private List<TextEmbedding> embed(List<String> texts) {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (true) {
      try {
        return inference
            .embedAll(settings.embeddingModel(), texts, Priority.BULK)
            .toCompletableFuture()
            .join();
      } catch (java.util.concurrent.CompletionException e) {
        if (!(e.getCause() instanceof UnavailableException busy) || System.nanoTime() > deadline) {
          throw e;
        }
        try {
          Thread.sleep(Math.max(50, busy.retryAfter().toMillis()));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private static String title(SourceDocument doc, ParsedDocument d) {
    String t = doc.metadata().get("title");
    if (t != null && !t.isBlank()) {
      return t;
    }
    if (d.title() != null && !d.title().isBlank()) {
      return d.title();
    }
    return doc.fileName() == null ? doc.sourceId() : doc.fileName();
  }

  /**
   * What makes a version: the bytes, who may see them, and the metadata shown in citations. A
   * permission change alone is a new version (the index must forget the old ACL).
   */
  static String contentHash(SourceDocument doc) {
    MessageDigest md = Sha256.newDigest();
    md.update(doc.content());
    StringBuilder meta = new StringBuilder();
    meta.append('\u0000').append(doc.publicToTenant());
    for (String p : new TreeSet<>(doc.acl())) {
      meta.append('\u0000').append("acl:").append(p);
    }
    meta.append('\u0000').append(doc.sourceUri());
    meta.append('\u0000').append(doc.fileName());
    new TreeMap<>(doc.metadata())
        .forEach((k, v) -> meta.append('\u0000').append(k).append('=').append(v));
    md.update(meta.toString().getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(md.digest());
  }

  @Override
  public void close() {
    workers.shutdownNow();
  }
}
