package io.tramontane.server.cli;

import io.tramontane.retrieval.ingest.Ingestion;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tramontane reindex --collection c}: rebuilds a collection's index from the log. */
@Command(
    name = "reindex",
    mixinStandardHelpOptions = true,
    description = {
      "Rebuild a collection's local index from the document log (no parsing, no embedding).",
      "Use after index corruption, a lost disk, or a Lucene upgrade."
    })
final class ReindexCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;

  @Option(names = "--collection", required = true, description = "Collection to rebuild.")
  String collection;

  @Override
  public Integer call() {
    Main.quietLogs();
    PrintWriter out = options.out();
    Ingestion.checkName("collection", collection);
    long started = System.nanoTime();
    try (RetrievalNode node = options.startNode("reindex", Map.of())) {
      var progress = node.retrieval().reindex(collection).toCompletableFuture().join();
      out.printf(
          "Rebuilt collection '%s' from the log up to offset %d in %.1f s (%s).%n",
          collection,
          progress.committed(),
          (System.nanoTime() - started) / 1e9,
          node.retrieval().settings().indexDir().resolve(collection));
      out.flush();
      return 0;
    }
  }
}
