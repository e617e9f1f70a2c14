package io.tramontane.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tramontane.server.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tramontane bench ingest | search | quality} at a tiny size: each prints every row and
 * writes JSON with every row and figure. No timing is asserted (benchmarks are commands, not
 * tests).
 */
class RetrievalBenchIT {

  private record Run(String table, JsonNode json) {}

  private static Run run(Path json, String... args) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> all = new ArrayList<>(List.of("bench"));
    all.addAll(List.of(args));
    all.addAll(List.of("--quick", "--out", json.toString()));
    int exit =
        Main.run(
            new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
    assertEquals(0, exit, err + "\n" + out);
    return new Run(out.toString(), new ObjectMapper().readTree(json.toFile()));
  }

  @Test
  void ingestMeasuresEveryPathAgainstItsBaseline(@TempDir Path dir) throws Exception {
    Run r = run(dir.resolve("ingest.json"), "ingest", "--documents", "3");
    for (IngestBench.Route route : IngestBench.Route.values()) {
      assertTrue(r.table().contains(route.label), route.label + "\n" + r.table());
    }
    assertTrue(r.table().contains("text path ÷ plain Lucene"), r.table());
    assertTrue(r.table().contains("full path ÷ embed-only"), r.table());
    assertEquals("P2", r.json().path("id").asText());
    assertTrue(r.json().path("machine").path("nproc").asInt() > 0);
    JsonNode rows = r.json().path("rows");
    assertEquals(IngestBench.Route.values().length, rows.size(), rows.toString());
    for (JsonNode row : rows) {
      assertTrue(row.path("documentsPerSecond").asDouble() > 0, row.toString());
      assertTrue(row.path("megabytesPerSecond").asDouble() > 0, row.toString());
      assertTrue(row.path("chunksPerSecond").asDouble() > 0, row.toString());
    }
    // The full path indexes exactly the chunks embed-only embedded: same parser, same chunker.
    assertEquals(rows.get(3).path("chunks").asLong(), rows.get(4).path("chunks").asLong());
    assertEquals(3, rows.get(4).path("documents").asInt());
    assertEquals(12, rows.get(0).path("documents").asInt());
    assertEquals(0, r.json().path("fullPath").path("failed").asInt());
  }

  @Test
  void searchMeasuresEveryModeAtOneAndTwoClientsAndRecall(@TempDir Path dir) throws Exception {
    String[] args = {
      "search", "--documents", "3", "--queries", "10", "--index-dir", dir.resolve("idx").toString()
    };
    Run built = run(dir.resolve("search.json"), args);
    for (int clients : new int[] {1, 2}) {
      for (SearchBench.Route route : SearchBench.Route.values()) {
        String label = clients + " · " + route.label;
        assertTrue(built.table().contains(label), label + "\n" + built.table());
      }
    }
    assertTrue(built.table().contains("recall@10"), built.table());
    JsonNode rows = built.json().path("rows");
    assertEquals(2 * SearchBench.Route.values().length, rows.size(), rows.toString());
    for (JsonNode row : rows) {
      assertTrue(row.path("qps").asDouble() > 0, row.toString());
      assertTrue(row.path("p99Millis").asDouble() >= row.path("p50Millis").asDouble());
    }
    JsonNode recall = built.json().path("recall");
    assertEquals(10, recall.path("queries").asInt());
    assertTrue(recall.path("vectors").asInt() > 0, recall.toString());
    double r10 = recall.path("recallAt10").asDouble();
    assertTrue(r10 >= 0 && r10 <= 1, recall.toString());
    assertTrue(!built.json().path("indexReused").asBoolean());

    // A second run reuses the kept index instead of embedding the documents again.
    assertTrue(Files.isDirectory(dir.resolve("idx-3")));
    Run reused = run(dir.resolve("search2.json"), args);
    assertTrue(reused.json().path("indexReused").asBoolean(), reused.table());
    assertEquals(
        recall.path("vectors").asInt(), reused.json().path("recall").path("vectors").asInt());
  }

  @Test
  void qualityReportsMrrForEveryMode(@TempDir Path dir) throws Exception {
    Run r = run(dir.resolve("quality.json"), "quality", "--queries", "12", "--seed", "7");
    for (String mode : List.of("BM25", "KNN", "HYBRID")) {
      assertTrue(r.table().contains(mode), r.table());
    }
    assertTrue(r.table().contains("seed 7"), r.table());
    assertEquals("P4", r.json().path("id").asText());
    assertEquals(12, r.json().path("queries").asInt());
    assertEquals(12, r.json().path("documents").asInt());
    JsonNode rows = r.json().path("rows");
    assertEquals(3, rows.size());
    for (JsonNode row : rows) {
      double mrr = row.path("mrrAt10").asDouble();
      assertTrue(mrr >= 0 && mrr <= 1, row.toString());
      assertTrue(row.path("recallAt10").asDouble() >= row.path("recallAt1").asDouble());
    }
  }

  @Test
  void knownItemsHoldTheirQueryOut() {
    List<RetrievalCorpus.KnownItem> items = RetrievalCorpus.knownItems(50, 11);
    assertEquals(50, items.size());
    for (RetrievalCorpus.KnownItem item : items) {
      assertTrue(!item.document().text().contains(item.query()), item.query());
      assertTrue(item.query().split("\\s+").length >= 8, item.query());
    }
    assertEquals(items, RetrievalCorpus.knownItems(50, 11), "the same seed gives the same set");
  }

  @Test
  void groupedDocumentsReachTheTargetSize() {
    List<RetrievalCorpus.Document> docs = RetrievalCorpus.grouped(20, 4_096);
    assertEquals(20, docs.size());
    for (RetrievalCorpus.Document d : docs) {
      assertTrue(d.bytes() >= 4_096, d.id() + " " + d.bytes());
      assertTrue(d.text().contains("\n\n"), "paragraphs separated by blank lines");
    }
  }
}
