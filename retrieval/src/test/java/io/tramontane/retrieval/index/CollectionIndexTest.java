package io.tramontane.retrieval.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.tramontane.inference.InferenceRuntime;
import io.tramontane.inference.Priority;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real Lucene index with real MiniLM vectors: permissions inside every query mode. */
class CollectionIndexTest {

  private static InferenceRuntime inference;

  @BeforeAll
  static void start() {
    inference = InferenceRuntime.start(ConfigFactory.defaultReference().resolve());
  }

  @AfterAll
  static void stop() {
    inference.close();
  }

  private static float[] embed(String text) {
    return inference
        .embed("minilm", text, Priority.INTERACTIVE)
        .toCompletableFuture()
        .join()
        .vector();
  }

  private static Chunk chunk(String doc, int ordinal, String text, Set<String> acl, boolean pub) {
    return new Chunk(
        doc,
        ordinal,
        "file:///" + doc,
        "Title of " + doc,
        "",
        0,
        text,
        embed(text),
        acl,
        pub,
        "hash-" + doc,
        Instant.parse("2026-11-01T00:00:00Z"));
  }

  private static final Caller ALICE = new Caller("acme", Set.of("alice", "finance"));
  private static final Caller BOB = new Caller("acme", Set.of("bob"));
  private static final Caller NOBODY = new Caller("acme", Set.of());
  private static final Caller GLOBEX = new Caller("globex", Set.of("alice", "finance"));

  private static List<String> docs(List<Hit> hits) {
    return hits.stream().map(Hit::documentId).toList();
  }

  private static List<Hit> search(CollectionIndex index, Caller c, SearchMode m, String q) {
    return index.search(c, m, q, embed(q), 10);
  }

  private static CollectionIndex seeded(Path dir) {
    CollectionIndex index = CollectionIndex.open("handbook", dir);
    index.upsert(
        "acme",
        List.of(
            chunk(
                "salaries",
                0,
                "Salary bands for 2027 and the payroll calendar.",
                Set.of("finance"),
                false),
            chunk(
                "salaries",
                1,
                "Bonuses are paid in March after the annual review.",
                Set.of("finance"),
                false)));
    index.upsert(
        "acme",
        List.of(
            chunk("holidays", 0, "Employees book annual leave in the HR portal.", Set.of(), true)));
    index.upsert(
        "acme",
        List.of(
            chunk(
                "bob-notes", 0, "Bob's notes on the Genoa cargo schedule.", Set.of("bob"), false)));
    // Another tenant, same principals, canary text.
    index.upsert(
        "globex",
        List.of(
            chunk(
                "canary",
                0,
                "CANARY-7731 salary bands payroll calendar bonuses.",
                Set.of("finance"),
                true)));
    return index;
  }

  @Test
  void aclAndTenantFiltersHoldInEveryMode(@TempDir Path dir) {
    try (CollectionIndex index = seeded(dir)) {
      for (SearchMode mode : SearchMode.values()) {
        List<String> alice = docs(search(index, ALICE, mode, "salary bands payroll"));
        assertTrue(alice.contains("salaries"), mode + " " + alice);
        assertFalse(alice.contains("bob-notes"), mode + " " + alice);
        assertFalse(alice.contains("canary"), mode + ": another tenant's document " + alice);

        List<String> bob = docs(search(index, BOB, mode, "salary bands payroll"));
        assertFalse(bob.contains("salaries"), mode + ": bob is not in finance " + bob);
        List<String> bobOwn = docs(search(index, BOB, mode, "Genoa cargo schedule"));
        assertTrue(bobOwn.contains("bob-notes"), mode + " " + bobOwn);

        List<String> nobody = docs(search(index, NOBODY, mode, "annual leave salary cargo"));
        assertTrue(nobody.contains("holidays"), mode + " " + nobody);
        assertTrue(nobody.stream().allMatch("holidays"::equals), mode + " " + nobody);

        List<String> globex = docs(search(index, GLOBEX, mode, "CANARY-7731 salary"));
        assertEquals(List.of("canary"), globex.stream().distinct().toList(), mode + "");
      }
    }
  }

  @Test
  void kNearestNeighboursAreTheCallersNotAPostFilteredGlobalTopK(@TempDir Path dir) {
    try (CollectionIndex index = CollectionIndex.open("c", dir)) {
      // 30 near-identical finance chunks bob may not see, one distant chunk he may.
      List<Chunk> hidden = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        hidden.add(
            chunk(
                "secret",
                i,
                "Quarterly revenue figure number " + i + ".",
                Set.of("finance"),
                false));
      }
      index.upsert("acme", hidden);
      index.upsert(
          "acme",
          List.of(chunk("visible", 0, "The canteen menu for Friday.", Set.of("bob"), false)));
      List<Hit> hits =
          index.search(BOB, SearchMode.KNN, null, embed("Quarterly revenue figure"), 5);
      assertEquals(
          List.of("visible"), docs(hits), "a post-filter on the global top 5 would be empty");
    }
  }

  @Test
  void documentIdsListOneTenantsDocumentsByPrefixIncludingFailuresButNotDeletions(
      @TempDir Path dir) {
    try (CollectionIndex index = seeded(dir)) {
      index.upsert(
          "acme",
          List.of(
              chunk("b!drive1/i1", 0, "one", Set.of(), true),
              chunk("b!drive1/i1", 1, "and a half", Set.of(), true)));
      index.upsert("acme", List.of(chunk("b!drive1/i2", 0, "two", Set.of(), true)));
      index.upsert("acme", List.of(chunk("b!drive10/i3", 0, "three", Set.of(), true)));
      index.recordFailure("acme", "b!drive1/broken", "hash-broken", "cannot be parsed");
      // A tenant whose name starts with the other's, with the same document ids.
      index.upsert("acme-eu", List.of(chunk("b!drive1/eu", 0, "eu", Set.of(), true)));
      index.upsert("globex", List.of(chunk("b!drive1/i1", 0, "other tenant", Set.of(), true)));
      index.refresh();

      assertEquals(
          List.of("b!drive1/broken", "b!drive1/i1", "b!drive1/i2"),
          List.copyOf(index.documentIds("acme", "b!drive1/")),
          "one id per document, failures listed, another drive's prefix and tenants left out");
      assertEquals(
          List.of(
              "b!drive1/broken",
              "b!drive1/i1",
              "b!drive1/i2",
              "b!drive10/i3",
              "bob-notes",
              "holidays",
              "salaries"),
          List.copyOf(index.documentIds("acme", "")));
      assertEquals(List.of("b!drive1/eu"), List.copyOf(index.documentIds("acme-eu", "")));
      assertEquals(List.of("b!drive1/i1", "canary"), List.copyOf(index.documentIds("globex", "")));
      assertEquals(List.of(), List.copyOf(index.documentIds("initech", "")));

      index.delete("acme", "b!drive1/i1");
      index.remove("acme", "b!drive1/broken");
      index.refresh();
      assertEquals(List.of("b!drive1/i2"), List.copyOf(index.documentIds("acme", "b!drive1/")));
      assertEquals(
          List.of("b!drive1/i1", "canary"),
          List.copyOf(index.documentIds("globex", "")),
          "a deletion is per tenant");
    }
  }

  @Test
  void upsertReplacesAllChunksDeleteRemovesThemAndHashesAreKept(@TempDir Path dir) {
    try (CollectionIndex index = seeded(dir)) {
      assertEquals(Optional.of("hash-salaries"), index.contentHash("acme", "salaries"));
      index.upsert(
          "acme",
          List.of(
              chunk(
                  "salaries", 0, "Pension contributions rise in 2027.", Set.of("finance"), false)));
      List<Hit> old = index.search(ALICE, SearchMode.BM25, "bonuses March review", null, 10);
      assertFalse(docs(old).contains("salaries"), "the old chunk 1 is gone: " + old);
      assertEquals(1, index.search(ALICE, SearchMode.BM25, "pension", null, 10).size());
      index.delete("acme", "salaries");
      assertTrue(index.search(ALICE, SearchMode.BM25, "pension", null, 10).isEmpty());
      assertEquals(Optional.empty(), index.contentHash("acme", "salaries"));
      assertEquals(
          Optional.empty(), index.contentHash("globex", "holidays"), "hashes are per tenant");
    }
  }

  @Test
  void aDamagedIndexIsSetAsideAndStartsEmptyToBeRebuiltFromTheLog(@TempDir Path tmp)
      throws Exception {
    Path root = tmp.resolve("index");
    Path dir = root.resolve("kb");
    try (CollectionIndex index = seeded(dir)) {
      index.commit(Map.of("source.x", "42"));
    }
    // Lose the committed segment's files (stored fields, or the compound file holding them), as a
    // bad disk or a hand would: the commit point now names files that are gone.
    try (var files = java.nio.file.Files.list(dir)) {
      List<Path> lost =
          files
              .filter(f -> f.toString().endsWith(".fdt") || f.toString().endsWith(".cfs"))
              .toList();
      assertFalse(lost.isEmpty(), "the segment has files to lose");
      for (Path f : lost) {
        java.nio.file.Files.delete(f);
      }
    }
    try (CollectionIndex reopened = CollectionIndex.open("kb", dir)) {
      assertEquals(Map.of(), reopened.committedUserData(), "a fresh index: replayed from offset 0");
      assertEquals(0, reopened.documentCount("acme"));
    }
    try (var siblings = java.nio.file.Files.list(root)) {
      assertEquals(
          List.of("kb"),
          siblings.map(p -> p.getFileName().toString()).toList(),
          "nothing beside the collection's folder looks like another collection");
    }
    Path aside = root.resolveSibling(root.getFileName() + "-damaged");
    try (var kept = java.nio.file.Files.list(aside)) {
      assertTrue(
          kept.anyMatch(p -> p.getFileName().toString().startsWith("kb-")),
          "the damaged index is kept aside");
    }
  }

  @Test
  void commitsCarryTheSourceCheckpointAndSurviveReopening(@TempDir Path dir) {
    try (CollectionIndex index = seeded(dir)) {
      assertEquals(Map.of(), index.committedUserData());
      index.commit(Map.of("source.sharepoint-hr", "deltaLink-42"));
    }
    try (CollectionIndex reopened = CollectionIndex.open("handbook", dir)) {
      assertEquals(Map.of("source.sharepoint-hr", "deltaLink-42"), reopened.committedUserData());
      Hit first =
          reopened
              .search(
                  ALICE,
                  SearchMode.HYBRID,
                  "bonus after annual review",
                  embed("bonus after annual review"),
                  3)
              .getFirst();
      assertEquals("salaries", first.documentId());
      assertEquals(1, first.ordinal());
      assertEquals(1, first.rank());
      assertEquals("file:///salaries", first.sourceUri());
    }
  }

  @Test
  void aKnownItemComesFirstInEveryMode(@TempDir Path dir) {
    try (CollectionIndex index = seeded(dir)) {
      for (SearchMode mode : SearchMode.values()) {
        Hit top = search(index, ALICE, mode, "book annual leave in the HR portal").getFirst();
        assertEquals("holidays", top.documentId(), mode.name());
      }
    }
  }

  @Test
  void theContentRetrieverSearchesAsTheCallerItWasMadeFor(@TempDir Path dir) {
    try (CollectionIndex index = seeded(dir)) {
      var port = inference.embeddingModel();
      var asAlice = new IndexContentRetriever(index, port, ALICE, SearchMode.HYBRID, 3);
      var asBob = new IndexContentRetriever(index, port, BOB, SearchMode.HYBRID, 3);
      var query = dev.langchain4j.rag.query.Query.from("When are bonuses paid?");
      var forAlice = asAlice.retrieve(query);
      assertEquals(
          "salaries", forAlice.getFirst().textSegment().metadata().getString("document_id"));
      assertEquals(
          "file:///salaries", forAlice.getFirst().textSegment().metadata().getString("source_uri"));
      assertTrue(
          asBob.retrieve(query).stream().noneMatch(c -> c.textSegment().text().contains("Bonuses")),
          "bob may not see finance chunks");
    }
  }

  @Test
  void reciprocalRankFusionRewardsAgreement() {
    var a =
        List.of(
            new org.apache.lucene.search.ScoreDoc(1, 9),
            new org.apache.lucene.search.ScoreDoc(2, 8));
    var b =
        List.of(
            new org.apache.lucene.search.ScoreDoc(2, 0.9f),
            new org.apache.lucene.search.ScoreDoc(3, 0.8f));
    var fused = IndexSearch.fuse(a, b, 3);
    assertEquals(2, fused.getFirst().doc, "in both lists beats first in one");
    assertEquals(3, fused.size());
  }

  @Test
  void theIndexAnswersTheLogPositionOfEveryDocumentItHolds(@TempDir Path dir) {
    try (CollectionIndex index = CollectionIndex.open("kb", dir)) {
      index.replace(
          "acme",
          List.of(
              chunk("a", 0, "alpha one", Set.of(), true),
              chunk("a", 1, "alpha two", Set.of(), true)),
          new LogPosition("Document|acme/kb/A", 7));
      index.recordFailure("acme", "f", "h", "broken", new LogPosition("Document|acme/kb/F", 9));
      index.replace("acme", List.of(chunk("old", 0, "legacy", Set.of(), true)));
      index.refresh();
      assertEquals(
          List.of(7L, 9L, -1L),
          java.util.Arrays.stream(
                  index.logOffsets(List.of("Document|acme/kb/A", "Document|acme/kb/F", "none")))
              .boxed()
              .toList());
      assertEquals(
          Map.of("Document|acme/kb/A", 7L, "Document|acme/kb/F", 9L), index.loggedDocuments());

      index.replace(
          "acme",
          List.of(chunk("a", 0, "alpha three", Set.of(), true)),
          new LogPosition("Document|acme/kb/A", 12));
      index.removeLogged("Document|acme/kb/F");
      index.refresh();
      assertEquals(Map.of("Document|acme/kb/A", 12L), index.loggedDocuments());
      assertEquals(0, index.failureCount("acme"));
      assertEquals(2, index.documentCount("acme"), "a and the legacy document");
    }
  }
}
