package io.tramontane.server.cli;

import io.tramontane.core.InvalidRequestException;
import io.tramontane.core.UnavailableException;
import io.tramontane.retrieval.Retrieval;
import io.tramontane.retrieval.ingest.IngestResult;
import io.tramontane.retrieval.ingest.Ingestion;
import io.tramontane.retrieval.ingest.SourceDocument;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tramontane ingest <path…> --collection c}: parses, chunks, embeds and indexes files and
 * directories (recursively, hidden files skipped), then waits until the index has committed them.
 * Exit code 0 when every file was indexed or unchanged, 3 when some failed (each listed with its
 * reason).
 */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Index files into a collection: PDF, Office, OpenDocument, HTML, text, Markdown, e-mail.",
      "A file already indexed with the same bytes and permissions is skipped (unchanged).",
      "Exit code 3 when some files failed; each is listed with the reason."
    })
final class IngestCommand implements Callable<Integer> {

  static final int SOME_FAILED = 3;

  @Mixin ConfigOptions options;

  @Parameters(paramLabel = "PATH", arity = "1..*", description = "Files or directories.")
  List<Path> paths;

  @Option(
      names = "--collection",
      required = true,
      description = "Collection to index into (letters, digits, . - _).")
  String collection;

  @Option(
      names = "--acl",
      paramLabel = "PRINCIPAL",
      split = ",",
      description = "Who may see the documents: users or groups (repeatable, or comma-separated).")
  List<String> acl = new ArrayList<>();

  @Option(names = "--public", description = "Everyone in the tenant may see the documents.")
  boolean open;

  @Option(
      names = "--tenant",
      description = "Tenant owning the documents (default: ${DEFAULT-VALUE}).")
  String tenant = "default";

  private record Source(Path file, String id) {}

  @Override
  public Integer call() {
    Main.quietLogs();
    PrintWriter out = options.out();
    PrintWriter err = options.err();
    Ingestion.checkName("collection", collection);
    Ingestion.checkName("tenant", tenant);
    if (acl.isEmpty() && !open) {
      throw new InvalidRequestException(
          "say who may see the documents: --acl <user or group> (repeatable) and/or --public.");
    }
    List<Source> sources = sources();
    if (sources.isEmpty()) {
      throw new InvalidRequestException("no files found under " + paths + ".");
    }
    long started = System.nanoTime();
    try (RetrievalNode node = options.startNode("ingest", Map.of())) {
      Retrieval retrieval = node.retrieval();
      Progress progress = new Progress(sources.size(), System.console() != null ? err : null);
      Semaphore inFlight =
          new Semaphore(
              retrieval.settings().ingestParallelism() + retrieval.settings().maxQueued());
      List<CompletableFuture<Void>> all = new ArrayList<>();
      for (Source s : sources) {
        inFlight.acquireUninterruptibly();
        all.add(
            submit(retrieval, s)
                .handle(
                    (r, e) -> {
                      inFlight.release();
                      progress.record(s, r, e);
                      return null;
                    }));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
      progress.done();
      var committed = retrieval.awaitIndexed(collection).toCompletableFuture().join();
      double seconds = (System.nanoTime() - started) / 1e9;
      out.printf(
          "Ingested %d file(s) into collection '%s' (tenant %s) in %.1f s:%n",
          sources.size(), collection, tenant, seconds);
      out.printf(
          "  indexed    %d (%d chunks%s)%n",
          progress.indexed.get(),
          progress.chunks.get(),
          progress.truncated.get() > 0 ? ", " + progress.truncated.get() + " truncated" : "");
      out.printf("  unchanged  %d%n", progress.unchanged.get());
      out.printf("  failed     %d%n", progress.failures.size());
      for (String f : progress.failures) {
        out.println("    " + f);
      }
      out.printf(
          "Index %s committed up to log offset %d.%n",
          retrieval.settings().indexDir().resolve(collection), committed.committed());
      out.flush();
      return progress.failures.isEmpty() ? 0 : SOME_FAILED;
    }
  }

  private CompletableFuture<IngestResult> submit(Retrieval retrieval, Source s) {
    byte[] bytes;
    try {
      long size = Files.size(s.file());
      if (size > retrieval.maxDocumentBytes()) {
        return CompletableFuture.completedFuture(
            new IngestResult.Failed(
                s.id(),
                "the file is "
                    + size
                    + " bytes, over the limit of "
                    + retrieval.maxDocumentBytes()
                    + " (tramontane.retrieval.parser.max-input-bytes)"));
      }
      bytes = Files.readAllBytes(s.file());
    } catch (IOException e) {
      return CompletableFuture.completedFuture(
          new IngestResult.Failed(s.id(), "cannot read the file: " + e.getMessage()));
    }
    Instant modified;
    try {
      modified = Files.getLastModifiedTime(s.file()).toInstant();
    } catch (IOException e) {
      modified = null;
    }
    SourceDocument doc =
        new SourceDocument(
            tenant,
            collection,
            s.id(),
            new LinkedHashSet<>(acl),
            open,
            s.file().toUri().toString(),
            s.file().getFileName().toString(),
            null,
            bytes,
            modified,
            null,
            Map.of());
    return ingestRetrying(retrieval, doc);
  }

  /** At capacity the ingestion API refuses; wait briefly and try again. */
  private static CompletableFuture<IngestResult> ingestRetrying(
      Retrieval retrieval, SourceDocument doc) {
    return retrieval
        .ingestion()
        .ingest(doc)
        .toCompletableFuture()
        .exceptionallyCompose(
            e -> {
              Throwable cause =
                  e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
              if (cause instanceof UnavailableException u) {
                return CompletableFuture.supplyAsync(
                        () -> null,
                        CompletableFuture.delayedExecutor(
                            u.retryAfter().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
                    .thenCompose(x -> ingestRetrying(retrieval, doc));
              }
              return CompletableFuture.failedFuture(cause);
            });
  }

  private List<Source> sources() {
    List<Source> out = new ArrayList<>();
    Set<Path> seen = new LinkedHashSet<>();
    for (Path p : paths) {
      Path root = p.toAbsolutePath().normalize();
      if (!Files.exists(root)) {
        throw new InvalidRequestException("no such file or directory: " + p);
      }
      if (Files.isRegularFile(root)) {
        if (seen.add(root)) {
          out.add(new Source(root, root.getFileName().toString()));
        }
        continue;
      }
      try (Stream<Path> walk = Files.walk(root)) {
        for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
          Path rel = root.relativize(f);
          boolean hidden = false;
          for (Path part : rel) {
            hidden |= part.toString().startsWith(".");
          }
          if (!hidden && seen.add(f)) {
            out.add(new Source(f, rel.toString().replace('\\', '/')));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + p, e);
      }
    }
    return out;
  }

  /** Counts outcomes and draws a one-line progress bar on a terminal. */
  private static final class Progress {
    final int total;
    final PrintWriter bar;
    final AtomicInteger finished = new AtomicInteger();
    final AtomicInteger indexed = new AtomicInteger();
    final AtomicInteger unchanged = new AtomicInteger();
    final AtomicInteger chunks = new AtomicInteger();
    final AtomicInteger truncated = new AtomicInteger();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

    Progress(int total, PrintWriter bar) {
      this.total = total;
      this.bar = bar;
    }

    void record(Source s, IngestResult r, Throwable e) {
      if (e != null) {
        Throwable cause =
            e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        failures.add(s.id() + ": " + cause.getMessage());
      } else {
        switch (r) {
          case IngestResult.Indexed i -> {
            indexed.incrementAndGet();
            chunks.addAndGet(i.chunks());
            if (i.truncated()) {
              truncated.incrementAndGet();
            }
          }
          case IngestResult.Unchanged u -> unchanged.incrementAndGet();
          case IngestResult.Failed f -> failures.add(f.documentId() + ": " + f.reason());
        }
      }
      int n = finished.incrementAndGet();
      if (bar != null) {
        int width = 30;
        int filled = (int) ((long) n * width / total);
        synchronized (bar) {
          bar.printf(
              "\r[%s%s] %d/%d  indexed %d  unchanged %d  failed %d",
              "#".repeat(filled),
              " ".repeat(width - filled),
              n,
              total,
              indexed.get(),
              unchanged.get(),
              failures.size());
          bar.flush();
        }
      }
    }

    void done() {
      if (bar != null) {
        bar.println();
        bar.flush();
      }
    }
  }
}
