package io.tramontane.bench;

import com.typesafe.config.Config;
import io.tramontane.core.UnavailableException;
import io.tramontane.core.persistence.DatabaseSettings;
import io.tramontane.core.system.TramontaneSystem;
import io.tramontane.inference.InferenceRuntime;
import io.tramontane.retrieval.Retrieval;
import io.tramontane.retrieval.chunk.Block;
import io.tramontane.retrieval.chunk.Chunker;
import io.tramontane.retrieval.chunk.Piece;
import io.tramontane.retrieval.index.Caller;
import io.tramontane.retrieval.ingest.IngestResult;
import io.tramontane.retrieval.ingest.Ingestion;
import io.tramontane.retrieval.ingest.SourceDocument;
import io.tramontane.retrieval.parse.DocumentParser;
import io.tramontane.retrieval.parse.ParseResult;
import io.tramontane.retrieval.parse.ParserSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A node with retrieval for P2–P4: a private data directory, the H2 journal, the shipped embedding
 * model, one collection of public documents of one tenant. Closing it stops everything and removes
 * the directory.
 *
 * @param keep whether closing leaves the data directory in place (a built index kept for the next
 *     run)
 */
record BenchRetrieval(
    Path dataDir,
    boolean keep,
    Config config,
    InferenceRuntime inference,
    TramontaneSystem node,
    Retrieval retrieval)
    implements AutoCloseable {

  static final String TENANT = "bench";
  static final String COLLECTION = "europarl";
  static final Caller CALLER = new Caller(TENANT, Set.of());

  /** A node in a fresh temporary directory, removed on close. */
  static BenchRetrieval start(String name) throws InterruptedException {
    return start(BenchNode.tempDataDir(name), false);
  }

  /**
   * A node on {@code dataDir}, resuming whatever journal and index it holds; {@code keep} leaves
   * the directory in place on close (a built index reused by the next run).
   */
  static BenchRetrieval start(Path dataDir, boolean keep) throws InterruptedException {
    Config config =
        BenchNode.config(
            dataDir,
            DatabaseSettings.Kind.H2,
            Map.of("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off"));
    InferenceRuntime inference = InferenceRuntime.start(config);
    TramontaneSystem node = null;
    try {
      node = TramontaneSystem.start(config);
      Optional<String> notReady = BenchNode.awaitReady(node, Duration.ofSeconds(60));
      if (notReady.isPresent()) {
        throw new IllegalStateException(notReady.get());
      }
      Retrieval retrieval = Retrieval.start(node, inference, config);
      return new BenchRetrieval(dataDir, keep, config, inference, node, retrieval);
    } catch (RuntimeException | InterruptedException e) {
      if (node != null) {
        node.close();
      }
      inference.close();
      if (!keep) {
        BenchNode.deleteTree(dataDir);
      }
      throw e;
    }
  }

  String model() {
    return retrieval.settings().embeddingModel();
  }

  /** The collection's Lucene directory (committed after {@link #ingestAll} returns). */
  Path indexDir() {
    return retrieval.settings().indexDir().resolve(COLLECTION);
  }

  /** The chunker Ingestion builds: the model's tokenizer decides what fits. */
  static Chunker chunker(InferenceRuntime inference, String model, int overlapTokens) {
    return Ingestion.chunker(inference, model, overlapTokens);
  }

  Chunker chunker() {
    return chunker(inference, model(), retrieval.settings().overlapTokens());
  }

  DocumentParser parser() {
    return DocumentParser.start(ParserSettings.fromConfig(config));
  }

  /** A document's chunk texts as ingestion cuts them (parse, then chunk). */
  static List<String> chunkTexts(
      DocumentParser parser, Chunker chunker, RetrievalCorpus.Document d) {
    List<Block> blocks = blocks(parser, d);
    return chunker.chunk(blocks).stream().map(Piece::text).toList();
  }

  /** The parsed paragraphs of a document; a parse failure stops the benchmark. */
  static List<Block> blocks(DocumentParser parser, RetrievalCorpus.Document d) {
    ParseResult r = parser.parse(d.content(), d.id(), "text/plain");
    if (r instanceof ParseResult.Parsed p) {
      return p.document().blocks();
    }
    throw new IllegalStateException("benchmark document " + d.id() + " did not parse: " + r);
  }

  /**
   * What one full-path ingest did.
   *
   * @param documents documents ingested
   * @param bytes their UTF-8 bytes
   * @param chunks chunks indexed
   * @param failed documents answered Failed (their reasons in {@code failures}, at most 5)
   * @param retries times ingestion answered "at capacity" and the document was offered again
   * @param seconds from the first ingest call to {@code awaitIndexed} completing
   */
  record IngestRun(
      int documents,
      long bytes,
      long chunks,
      int failed,
      List<String> failures,
      long retries,
      double seconds) {}

  /**
   * Ingests every document as fast as ingestion accepts them (an "at capacity" answer is retried
   * after 2 ms) and waits until the index has applied and committed them all.
   */
  IngestRun ingestAll(List<RetrievalCorpus.Document> docs, PrintWriter progress)
      throws InterruptedException {
    long start = System.nanoTime();
    List<CompletableFuture<IngestResult>> results = new ArrayList<>(docs.size());
    long retries = 0;
    long bytes = 0;
    int step = Math.max(1, docs.size() / 5);
    for (RetrievalCorpus.Document d : docs) {
      SourceDocument source =
          SourceDocument.of(TENANT, COLLECTION, d.id(), Set.of(), true, d.id(), d.content());
      while (true) {
        CompletableFuture<IngestResult> f =
            retrieval.ingestion().ingest(source).toCompletableFuture();
        if (f.state() == Future.State.FAILED && f.exceptionNow() instanceof UnavailableException) {
          retries++;
          TimeUnit.MILLISECONDS.sleep(2);
          continue;
        }
        results.add(f);
        break;
      }
      bytes += d.bytes();
      if (results.size() % step == 0) {
        progress.printf("  ingest: %d of %d documents submitted%n", results.size(), docs.size());
        progress.flush();
      }
    }
    long chunks = 0;
    int failed = 0;
    List<String> failures = new ArrayList<>();
    for (CompletableFuture<IngestResult> f : results) {
      switch (f.join()) {
        case IngestResult.Indexed i -> chunks += i.chunks();
        case IngestResult.Failed x -> {
          failed++;
          if (failures.size() < 5) {
            failures.add(x.documentId() + ": " + x.reason());
          }
        }
        case IngestResult.Unchanged u -> {}
      }
    }
    retrieval.awaitIndexed(COLLECTION).toCompletableFuture().join();
    double seconds = (System.nanoTime() - start) / 1e9;
    return new IngestRun(docs.size(), bytes, chunks, failed, failures, retries, seconds);
  }

  @Override
  public void close() {
    try {
      retrieval.close();
    } finally {
      try {
        node.close();
      } finally {
        inference.close();
        if (!keep) {
          BenchNode.deleteTree(dataDir);
        }
      }
    }
  }
}
