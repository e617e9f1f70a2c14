package io.tramontane.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.tramontane.core.InvalidRequestException;
import io.tramontane.core.TramontaneConfig;
import io.tramontane.core.UnavailableException;
import io.tramontane.core.system.TramontaneSystem;
import io.tramontane.inference.InferenceRuntime;
import io.tramontane.retrieval.index.Caller;
import io.tramontane.retrieval.index.Hit;
import io.tramontane.retrieval.index.SearchMode;
import io.tramontane.retrieval.ingest.IngestResult;
import io.tramontane.retrieval.ingest.SourceCheckpoint;
import io.tramontane.retrieval.ingest.SourceDocument;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole ingestion path on a real node (H2 journal, sharded document entities, the shipped
 * embedding model, Lucene on disk): ingest, search in every mode with permissions, skip-unchanged,
 * replace, delete, failures, checkpoints in the index commit, rebuild from the log, restart.
 */
class RetrievalIT {

  private static InferenceRuntime inference;

  @BeforeAll
  static void startModel() {
    inference = InferenceRuntime.start(TramontaneConfig.load(Map.of()));
  }

  @AfterAll
  static void stopModel() {
    inference.close();
  }

  private static Config config(Path dataDir, Map<String, Object> extra) {
    Map<String, Object> o = new java.util.HashMap<>(extra);
    o.put("tramontane.data-dir", dataDir.toString());
    o.put("tramontane.cluster.port", 0);
    o.put("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
    return TramontaneConfig.load(o);
  }

  /** A node with retrieval; closing it stops both. */
  private record Node(TramontaneSystem system, Retrieval retrieval) implements AutoCloseable {
    static Node start(Config config) {
      TramontaneSystem system = TramontaneSystem.start(config);
      return new Node(system, Retrieval.start(system, inference, config));
    }

    @Override
    public void close() {
      retrieval.close();
      system.close();
    }
  }

  private static SourceDocument doc(
      String tenant, String id, Set<String> acl, boolean open, String text) {
    return SourceDocument.of(
        tenant, "kb", id, acl, open, id, text.getBytes(StandardCharsets.UTF_8));
  }

  private static <T> T await(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  private static List<String> ids(List<Hit> hits) {
    return hits.stream().map(Hit::documentId).toList();
  }

  private static final String INVOICE =
      "# Accounts payable\n\nSupplier invoices are paid within thirty days of receipt. Disputed"
          + " invoices are escalated to the finance controller before payment.";
  private static final String VACATION =
      "# Leave\n\nEmployees accrue twenty-five days of paid holiday each year. Unused leave may"
          + " be carried over until March.";
  private static final String SALARIES =
      "# Compensation\n\nThe salary bands for 2027 raise the engineering midpoint by four per"
          + " cent. Board approval is pending.";

  @Test
  void ingestSearchWithPermissionsUpdateDeleteRebuildAndRestart(@TempDir Path data) {
    Config config = config(data, Map.of());
    Caller alice = new Caller("acme", Set.of("alice"));
    Caller bob = new Caller("acme", Set.of("bob"));
    try (Node node = Node.start(config)) {
      var in = node.retrieval().ingestion();
      assertInstanceOf(
          IngestResult.Indexed.class,
          await(in.ingest(doc("acme", "invoices.md", Set.of(), true, INVOICE))));
      assertInstanceOf(
          IngestResult.Indexed.class,
          await(in.ingest(doc("acme", "leave.md", Set.of(), true, VACATION))));
      SourceDocument salaries =
          new SourceDocument(
              "acme",
              "kb",
              "salaries.md",
              Set.of("alice"),
              false,
              "file:///hr/salaries.md",
              "salaries.md",
              "text/markdown",
              SALARIES.getBytes(StandardCharsets.UTF_8),
              null,
              new SourceCheckpoint("fs:hr", "cursor-42"),
              Map.of());
      assertInstanceOf(IngestResult.Indexed.class, await(in.ingest(salaries)));
      // Another tenant's identical words must never surface for acme.
      await(in.ingest(doc("globex", "canary.md", Set.of(), true, "CANARY-7731 " + INVOICE)));
      await(node.retrieval().awaitIndexed("kb"));

      for (SearchMode mode : SearchMode.values()) {
        List<Hit> hits =
            await(node.retrieval().search("kb", alice, mode, "when are supplier invoices paid", 3));
        assertEquals("invoices.md", hits.getFirst().documentId(), mode + " known item first");
        assertFalse(ids(hits).contains("canary.md"), mode + " crossed tenants");
        List<Hit> bobs =
            await(node.retrieval().search("kb", bob, mode, "salary bands engineering midpoint", 5));
        assertFalse(ids(bobs).contains("salaries.md"), mode + ": bob sees alice's document");
        List<Hit> alices =
            await(
                node.retrieval().search("kb", alice, mode, "salary bands engineering midpoint", 5));
        assertEquals("salaries.md", alices.getFirst().documentId(), mode + ": alice's own");
      }
      Hit top =
          await(node.retrieval().search("kb", alice, SearchMode.BM25, "supplier invoices", 1))
              .getFirst();
      assertTrue(top.snippet().contains("**Supplier**"), top.snippet());
      assertEquals("Accounts payable", top.section());
      assertEquals(
          Map.of("fs:hr", "cursor-42").get("fs:hr"),
          node.retrieval().checkpoint("kb", "fs:hr").orElseThrow());

      // Same bytes again: nothing is parsed or embedded; a permission change is a new version.
      assertInstanceOf(IngestResult.Unchanged.class, await(in.ingest(salaries)));
      assertInstanceOf(
          IngestResult.Indexed.class,
          await(in.ingest(doc("acme", "salaries.md", Set.of("bob"), false, SALARIES))));
      // A new version replaces every old chunk; delete removes the document.
      await(
          in.ingest(
              doc(
                  "acme",
                  "leave.md",
                  Set.of(),
                  true,
                  "# Leave\n\nHoliday requests go through the staff portal.")));
      assertTrue(await(in.delete("acme", "kb", "invoices.md", null)));
      assertFalse(await(in.delete("acme", "kb", "invoices.md", null)), "delete is idempotent");
      await(node.retrieval().awaitIndexed("kb"));
      assertFalse(
          ids(await(node.retrieval().search("kb", alice, SearchMode.HYBRID, "salary bands", 5)))
              .contains("salaries.md"),
          "alice lost access");
      assertTrue(
          ids(await(node.retrieval().search("kb", bob, SearchMode.HYBRID, "salary bands", 5)))
              .contains("salaries.md"),
          "bob gained access");
      assertFalse(
          ids(await(node.retrieval().search("kb", alice, SearchMode.BM25, "supplier invoices", 5)))
              .contains("invoices.md"));
      List<Hit> leave =
          await(node.retrieval().search("kb", alice, SearchMode.BM25, "paid holiday accrue", 5));
      assertTrue(
          leave.stream().noneMatch(h -> h.text().contains("twenty-five")), "old chunk survived");

      var stats = await(node.retrieval().stats("kb", "acme"));
      assertEquals(2, stats.documents());
    }

    // Restart: the index is on disk, and rebuilding it from the log gives the same answers.
    try (Node node = Node.start(config)) {
      List<Hit> before =
          await(node.retrieval().search("kb", bob, SearchMode.HYBRID, "salary bands", 5));
      assertEquals("salaries.md", before.getFirst().documentId());
      await(node.retrieval().reindex("kb"));
      List<Hit> after =
          await(node.retrieval().search("kb", bob, SearchMode.HYBRID, "salary bands", 5));
      assertEquals(ids(before), ids(after));
      assertEquals(2, await(node.retrieval().stats("kb", "acme")).documents());
      assertEquals(1, await(node.retrieval().stats("kb", "globex")).documents());
    }
  }

  /**
   * A node without the collection's index (a new node of a cluster, or a lost disk) finds the
   * collection in the shared log and builds its index from it, without parsing or embedding.
   */
  @Test
  void aNodeWithoutTheIndexBuildsItFromTheLogOnFirstUse(@TempDir Path data) throws Exception {
    Config config = config(data, Map.of());
    Caller anyone = new Caller("acme", Set.of());
    try (Node node = Node.start(config)) {
      await(
          node.retrieval().ingestion().ingest(doc("acme", "invoices.md", Set.of(), true, INVOICE)));
      await(node.retrieval().awaitIndexed("kb"));
      assertFalse(node.retrieval().exists("nothing-here"), "an unknown collection stays unknown");
    }
    Path index = node(config).resolve("kb");
    try (var files = java.nio.file.Files.walk(index)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    assertFalse(java.nio.file.Files.exists(index));
    try (Node node = Node.start(config)) {
      assertTrue(node.retrieval().exists("kb"), "found in the log");
      await(node.retrieval().awaitIndexed("kb"));
      List<Hit> hits =
          await(node.retrieval().search("kb", anyone, SearchMode.BM25, "supplier invoices", 5));
      assertEquals(List.of("invoices.md"), ids(hits));
    }
  }

  /**
   * {@code documentIds} answers what the log holds for one tenant and collection — right after the
   * ingests and deletes were acknowledged, and on a node that has no index of its own yet (a
   * connector's sync moved to another node of the cluster).
   */
  @Test
  void documentIdsAreTheLoggedDocumentsOfOneTenantAndCollectionOnAnyNode(@TempDir Path data)
      throws Exception {
    Config config = config(data, Map.of());
    Set<String> expected = Set.of("drive-a/1", "drive-a/2");
    try (Node node = Node.start(config)) {
      var in = node.retrieval().ingestion();
      assertEquals(
          Set.of(),
          await(node.retrieval().documentIds("kb", "acme", "")),
          "a collection nobody wrote to has no documents");
      await(in.ingest(doc("acme", "drive-a/1", Set.of(), true, INVOICE)));
      await(in.ingest(doc("acme", "drive-a/2", Set.of(), true, VACATION)));
      await(in.ingest(doc("acme", "drive-a/3", Set.of(), true, SALARIES)));
      await(in.ingest(doc("acme", "drive-b/1", Set.of(), true, SALARIES)));
      await(in.ingest(doc("globex", "drive-a/9", Set.of(), true, INVOICE)));
      await(
          in.ingest(
              SourceDocument.of(
                  "acme",
                  "other",
                  "drive-a/8",
                  Set.of(),
                  true,
                  null,
                  INVOICE.getBytes(StandardCharsets.UTF_8))));
      assertTrue(await(in.delete("acme", "kb", "drive-a/3", null)));

      // No awaitIndexed: the answer waits for the index itself.
      assertEquals(expected, await(node.retrieval().documentIds("kb", "acme", "drive-a/")));
      assertEquals(
          Set.of("drive-a/1", "drive-a/2", "drive-b/1"),
          await(node.retrieval().documentIds("kb", "acme", "")));
      assertEquals(Set.of("drive-a/9"), await(node.retrieval().documentIds("kb", "globex", "")));
      assertEquals(Set.of("drive-a/8"), await(node.retrieval().documentIds("other", "acme", "")));
      CompletionException bad =
          assertThrows(
              CompletionException.class,
              () -> await(node.retrieval().documentIds("kb", "no tenant!", "")));
      assertInstanceOf(InvalidRequestException.class, bad.getCause());
    }
    Path index = node(config).resolve("kb");
    try (var files = java.nio.file.Files.walk(index)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    try (Node node = Node.start(config)) {
      assertEquals(
          expected,
          await(node.retrieval().documentIds("kb", "acme", "drive-a/")),
          "a node without the index answers from the log");
    }
  }

  private static Path node(Config config) {
    return Path.of(
        config.getString("tramontane.retrieval.index-dir").isBlank()
            ? config.getString("tramontane.data-dir") + "/index"
            : config.getString("tramontane.retrieval.index-dir"));
  }

  @Test
  void aFailedDocumentIsRecordedWithItsReasonAndTheNextOneIndexes(@TempDir Path data) {
    try (Node node = Node.start(config(data, Map.of()))) {
      var in = node.retrieval().ingestion();
      byte[] garbage = new byte[2048];
      new java.util.Random(7).nextBytes(garbage);
      garbage[0] = 0;
      var failed =
          await(
              in.ingest(
                  SourceDocument.of("acme", "kb", "broken.bin", Set.of(), true, null, garbage)));
      IngestResult.Failed f = assertInstanceOf(IngestResult.Failed.class, failed);
      assertFalse(f.reason().isBlank());
      assertInstanceOf(
          IngestResult.Indexed.class,
          await(in.ingest(doc("acme", "ok.md", Set.of(), true, INVOICE))));
      // Asking again with the same bytes answers from the log, without parsing again.
      var again =
          await(
              in.ingest(
                  SourceDocument.of("acme", "kb", "broken.bin", Set.of(), true, null, garbage)));
      assertTrue(assertInstanceOf(IngestResult.Failed.class, again).reason().contains("unchanged"));
      await(node.retrieval().awaitIndexed("kb"));
      var stats = await(node.retrieval().stats("kb", "acme"));
      assertEquals(1, stats.documents());
      assertEquals(1, stats.failedCount());
      assertEquals("broken.bin", stats.failed().getFirst().documentId());
      assertEquals(f.reason(), stats.failed().getFirst().reason());
    }
  }

  @Test
  void beyondCapacityIngestionRefusesWithARetriableError(@TempDir Path data) {
    Config config =
        config(
            data,
            Map.of(
                "tramontane.retrieval.ingest.parallelism", 1,
                "tramontane.retrieval.ingest.max-queued", 1));
    try (Node node = Node.start(config)) {
      var in = node.retrieval().ingestion();
      List<CompletableFuture<IngestResult>> calls = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        calls.add(
            in.ingest(doc("acme", "doc-" + i + ".md", Set.of(), true, INVOICE + " " + i))
                .toCompletableFuture());
      }
      int refused = 0;
      int indexed = 0;
      for (var call : calls) {
        try {
          assertInstanceOf(IngestResult.Indexed.class, call.join());
          indexed++;
        } catch (CompletionException e) {
          UnavailableException u = assertInstanceOf(UnavailableException.class, e.getCause());
          assertTrue(u.retriable());
          refused++;
        }
      }
      assertEquals(10, indexed + refused);
      assertTrue(refused >= 8, "at most 2 in flight, refused " + refused);
      assertTrue(indexed >= 1);
    }
  }
}
