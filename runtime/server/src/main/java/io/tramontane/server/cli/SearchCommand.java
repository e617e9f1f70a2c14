package io.tramontane.server.cli;

import com.typesafe.config.Config;
import io.tramontane.core.InvalidRequestException;
import io.tramontane.inference.InferenceRuntime;
import io.tramontane.inference.Priority;
import io.tramontane.retrieval.RetrievalSettings;
import io.tramontane.retrieval.UnknownCollectionException;
import io.tramontane.retrieval.index.Caller;
import io.tramontane.retrieval.index.CollectionIndex;
import io.tramontane.retrieval.index.Hit;
import io.tramontane.retrieval.index.SearchMode;
import io.tramontane.retrieval.ingest.Ingestion;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tramontane search "…" --collection c --as alice}: searches the last committed state of a
 * collection's index, as a caller holding the given principals, and prints citations with
 * highlighted snippets. Reads the index without its write lock, so it works while a server runs.
 */
@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    description = {
      "Search a collection as a user and print each hit's title, source, section and snippet.",
      "Only documents public to the tenant or listing one of the --as principals can match."
    })
final class SearchCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;

  @Parameters(index = "0", paramLabel = "QUERY", description = "What to look for.")
  String query;

  @Option(names = "--collection", required = true, description = "Collection to search.")
  String collection;

  @Option(
      names = "--as",
      paramLabel = "PRINCIPAL",
      split = ",",
      description = "User or group to search as (repeatable). None: public documents only.")
  List<String> principals = List.of();

  @Option(names = "--tenant", description = "Tenant to search in (default: ${DEFAULT-VALUE}).")
  String tenant = "default";

  @Option(names = "--mode", description = "bm25, knn or hybrid (default: ${DEFAULT-VALUE}).")
  String mode = "hybrid";

  @Option(names = "-k", description = "Number of results (default: ${DEFAULT-VALUE}).")
  int k = 5;

  @Override
  public Integer call() {
    Main.quietLogs();
    PrintWriter out = options.out();
    Ingestion.checkName("collection", collection);
    Ingestion.checkName("tenant", tenant);
    SearchMode searchMode =
        switch (mode.toLowerCase(java.util.Locale.ROOT)) {
          case "bm25" -> SearchMode.BM25;
          case "knn" -> SearchMode.KNN;
          case "hybrid" -> SearchMode.HYBRID;
          default ->
              throw new InvalidRequestException(
                  "--mode must be bm25, knn or hybrid, was '" + mode + "'.");
        };
    Config config = options.load(Map.of());
    RetrievalSettings settings = RetrievalSettings.fromConfig(config);
    if (query.isBlank() || query.length() > settings.maxQueryChars()) {
      throw new InvalidRequestException(
          "the query must be 1-" + settings.maxQueryChars() + " characters.");
    }
    if (k < 1 || k > settings.maxK()) {
      throw new InvalidRequestException("-k must be between 1 and " + settings.maxK() + ".");
    }
    Path dir = settings.indexDir().resolve(collection);
    if (!Files.isDirectory(dir)) {
      throw new UnknownCollectionException(collection);
    }
    RetrievalNode.starting(
        options.err(),
        "search",
        config,
        searchMode == SearchMode.BM25 ? "reading the index" : "loading the embedding model");
    Caller caller = new Caller(tenant, new LinkedHashSet<>(principals));
    List<Hit> hits;
    try (CollectionIndex index = CollectionIndex.openReadOnly(collection, dir)) {
      float[] vector = null;
      if (searchMode != SearchMode.BM25) {
        try (InferenceRuntime inference = InferenceRuntime.start(config)) {
          vector =
              inference
                  .embed(settings.embeddingModel(), query, Priority.INTERACTIVE)
                  .toCompletableFuture()
                  .join()
                  .vector();
        }
      }
      hits = index.search(caller, searchMode, query, vector, k);
    }
    if (hits.isEmpty()) {
      out.println(
          "No results in '"
              + collection
              + "' for "
              + (principals.isEmpty() ? "public documents" : "principals " + principals)
              + " of tenant "
              + tenant
              + ".");
      return 0;
    }
    for (Hit h : hits) {
      StringBuilder where = new StringBuilder(h.documentId());
      if (!h.section().isEmpty()) {
        where.append(" § ").append(h.section());
      }
      if (h.page() > 0) {
        where.append(", page ").append(h.page());
      }
      out.printf("%d. %s  [%s]%n", h.rank(), h.title(), where);
      out.println("   " + h.snippet());
    }
    out.flush();
    return 0;
  }
}
