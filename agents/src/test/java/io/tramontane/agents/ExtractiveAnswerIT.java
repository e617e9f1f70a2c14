package io.tramontane.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.tramontane.core.TramontaneConfig;
import io.tramontane.core.system.TramontaneSystem;
import io.tramontane.inference.InferenceRuntime;
import io.tramontane.retrieval.Retrieval;
import io.tramontane.retrieval.ingest.SourceDocument;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With no language model configured, the demo agent answers a question about the demo corpus with
 * cited passages — on a real node (H2 journal, sharded sessions, the shipped embedding model) — and
 * a user without access gets no passage from a restricted document.
 */
class ExtractiveAnswerIT {

  static final Path HANDBOOK = Path.of("..", "examples", "handbook");
  static final Path AGENTS = Path.of("..", "examples", "agents");

  @Test
  void theHandbookAgentAnswersWithCitationsWithoutAModel(@TempDir Path data) throws Exception {
    Map<String, Object> o = new HashMap<>();
    o.put("tramontane.data-dir", data.toString());
    o.put("tramontane.cluster.port", 0);
    o.put("tramontane.agents.dir", AGENTS.toString());
    o.put("tramontane.agents.tenant", "acme");
    o.put("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
    Config config = TramontaneConfig.load(o);
    try (InferenceRuntime inference = InferenceRuntime.start(config)) {
      TramontaneSystem node = TramontaneSystem.start(config);
      try (Retrieval retrieval = Retrieval.start(node, inference, config);
          Agents agents =
              Agents.start(
                  node,
                  (collection, tenant, principals, k) ->
                      retrieval.exists(collection)
                          ? java.util.Optional.of(
                              retrieval.contentRetriever(
                                  collection,
                                  new io.tramontane.retrieval.index.Caller(tenant, principals),
                                  io.tramontane.retrieval.index.SearchMode.HYBRID,
                                  k))
                          : java.util.Optional.empty(),
                  config)) {
        try (Stream<Path> files = Files.list(HANDBOOK)) {
          for (Path f : files.toList()) {
            retrieval
                .ingestion()
                .ingest(
                    SourceDocument.of(
                        "acme",
                        "handbook",
                        f.getFileName().toString(),
                        Set.of(),
                        true,
                        f.getFileName().toString(),
                        Files.readAllBytes(f)))
                .toCompletableFuture()
                .join();
          }
        }
        retrieval
            .ingestion()
            .ingest(
                SourceDocument.of(
                    "acme",
                    "handbook",
                    "board/holiday-bonus.txt",
                    Set.of("board"),
                    false,
                    "holiday-bonus.txt",
                    "Board only: the holiday bonus for directors is 40 extra days of holiday."
                        .getBytes()))
            .toCompletableFuture()
            .join();
        retrieval.awaitIndexed("handbook").toCompletableFuture().join();

        Agents.Answer answer =
            agents
                .ask(
                    "acme", "handbook", "s1", "How many days of holiday do I get?", Set.of("alice"))
                .toCompletableFuture()
                .join();
        assertTrue(answer.text().startsWith("No language model is configured"), answer.text());
        assertTrue(answer.text().contains("twenty-five days"), answer.text());
        assertTrue(answer.text().contains("[1]"), answer.text());
        assertEquals("leave-and-holidays.txt", answer.citations().getFirst().documentId());
        assertFalse(
            answer.citations().stream().anyMatch(c -> c.documentId().startsWith("board/")),
            "alice is not on the board");
        assertFalse(answer.text().contains("40 extra days"), answer.text());

        // The same session continues; a second turn is a new turn of the same conversation.
        Agents.Answer second =
            agents
                .ask("acme", "handbook", "s1", "What is the hotel cap in Paris?", Set.of("alice"))
                .toCompletableFuture()
                .join();
        assertEquals(2, second.turn());
        assertTrue(second.text().contains("220 EUR"), second.text());
      } finally {
        node.close();
      }
    }
  }
}
