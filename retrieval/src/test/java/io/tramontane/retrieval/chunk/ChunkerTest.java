package io.tramontane.retrieval.chunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.tramontane.inference.InferenceRuntime;
import io.tramontane.retrieval.ingest.Ingestion;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Chunking counted with MiniLM's own tokenizer, at a 64-token limit to exercise the cuts; every
 * chunk is checked against the exact count of its whole text.
 */
class ChunkerTest {

  private static InferenceRuntime inference;
  private static Chunker chunker;

  @BeforeAll
  static void start() {
    inference =
        InferenceRuntime.start(
            ConfigFactory.parseString("tramontane.inference.models.minilm.max-sequence-length = 64")
                .withFallback(ConfigFactory.defaultReference())
                .resolve());
    // The production chunker: each part counted once, counts added.
    chunker = Ingestion.chunker(inference, "minilm", 24);
  }

  @AfterAll
  static void stop() {
    inference.close();
  }

  private static boolean fits(String text) {
    return !inference.countTokens("minilm", text).truncated();
  }

  @Test
  void everyChunkFitsAndNothingIsLost() {
    List<Block> blocks = new ArrayList<>();
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      String p = "Paragraph " + i + " says the cargo for Genoa leaves on Tuesday at dawn.";
      blocks.add(new Block(p, List.of("Shipping", "Schedules"), 1 + i / 4));
      all.append(p);
    }
    String huge =
        "This single paragraph is far too long for one chunk of sixty-four tokens. ".repeat(8);
    blocks.add(new Block(huge, List.of("Shipping", "Schedules"), 4));
    List<Piece> pieces = chunker.chunk(blocks);
    assertTrue(pieces.size() > 3, pieces.size() + " pieces");
    for (Piece p : pieces) {
      assertTrue(fits(p.text()), "piece " + p.ordinal() + " does not fit: " + p.text());
      assertEquals("Shipping > Schedules", p.section());
    }
    for (int i = 0; i < 12; i++) {
      String marker = "Paragraph " + i + " says";
      assertTrue(pieces.stream().anyMatch(p -> p.text().contains(marker)), marker);
    }
    String joined = String.join(" ", pieces.stream().map(Piece::text).toList());
    for (String word : huge.split("\\s+")) {
      assertTrue(joined.contains(word), word);
    }
    assertEquals(1, pieces.getFirst().page());
    assertEquals(List.of(0, 1, 2), pieces.stream().limit(3).map(Piece::ordinal).toList());
  }

  @Test
  void shortParagraphsStayTogetherAndHeadingsStartNewChunks() {
    List<Piece> pieces =
        chunker.chunk(
            List.of(
                new Block("Invoices are paid in 30 days.", List.of("Finance"), 0),
                new Block("Late invoices are escalated.", List.of("Finance"), 0),
                new Block("Leave is booked in the HR portal.", List.of("People"), 0)));
    assertEquals(2, pieces.size());
    assertTrue(
        pieces.get(0).text().contains("30 days") && pieces.get(0).text().contains("escalated"));
    assertEquals("Finance", pieces.get(0).section());
    assertEquals("People", pieces.get(1).section());
    assertFalse(pieces.get(1).text().contains("invoices"), "no overlap across a heading change");
  }

  @Test
  void aShortLastParagraphIsRepeatedAsOverlap() {
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      blocks.add(
          new Block("Clause " + i + " covers the delivery terms of the contract.", List.of(), 0));
    }
    List<Piece> pieces = chunker.chunk(blocks);
    assertTrue(pieces.size() >= 2, pieces.toString());
    String lastOfFirst = pieces.get(0).text().substring(pieces.get(0).text().lastIndexOf("Clause"));
    assertTrue(pieces.get(1).text().startsWith(lastOfFirst), pieces.get(1).text());
  }
}
