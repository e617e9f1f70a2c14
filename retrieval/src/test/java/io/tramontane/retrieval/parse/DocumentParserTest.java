package io.tramontane.retrieval.parse;

import static io.tramontane.retrieval.parse.TikaExtractorTest.failed;
import static io.tramontane.retrieval.parse.TikaExtractorTest.parsed;
import static io.tramontane.retrieval.parse.TikaExtractorTest.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.tramontane.core.ConfigurationException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Parsing in forked worker JVMs (RELIABILITY F7): 5 s timeout (a fresh worker on a loaded 2-core
 * machine needs more than 2 s for its first document), 64 MB worker heap.
 */
class DocumentParserTest {

  private static DocumentParser parser;

  @BeforeAll
  static void start() {
    parser =
        DocumentParser.start(
            TikaExtractorTest.DEFAULTS
                .withLimits(5_000_000, 1_000_000)
                .withIsolation(Duration.ofSeconds(5), 1, "64m"));
  }

  @AfterAll
  static void stop() {
    parser.close();
  }

  @Test
  void parsesInAWorkerWithMetadataAndPages() throws Exception {
    ParsedDocument docx = parsed(parser.parse(Fixtures.docx(), "guide.docx", null));
    assertEquals("Operator Guide", docx.title());
    assertEquals(
        List.of("Guide", "Install"), TikaExtractorTest.block(docx, "installer twice").headings());
    ParsedDocument pdf =
        parsed(parser.parse(Fixtures.pdf("P", List.of("one", "two")), "p.pdf", null));
    assertEquals(2, TikaExtractorTest.block(pdf, "two").page());
    assertEquals(pdf.created(), Instant.ofEpochMilli(1_700_000_000_000L));
  }

  @Test
  void aHangingParserIsKilledAtTheTimeoutAndTheNextDocumentParses() throws Exception {
    long start = System.nanoTime();
    String reason =
        failed(
            parser.parse(
                "TRAMONTANE-TEST-HANG forever".getBytes(StandardCharsets.US_ASCII),
                "hang.bin",
                "application/x-tramontane-test-hang"));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(reason.startsWith("parsing stopped after 5 s"), reason);
    assertTrue(reason.contains("tramontane.retrieval.parser.timeout"), reason);
    // the parse hangs forever otherwise; a generous bound, so a loaded machine still passes
    assertTrue(millis < 60_000, "took " + millis + " ms");
    assertTrue(
        text(parsed(parser.parse(Fixtures.docx(), "guide.docx", null))).contains("installer"));
  }

  @Test
  void aParserThatRunsOutOfMemoryFailsTheDocumentNotThisJvm() throws Exception {
    String reason =
        failed(
            parser.parse(
                "TRAMONTANE-TEST-OOM please".getBytes(StandardCharsets.US_ASCII), "oom.bin", null));
    assertTrue(reason.startsWith("the parser ran out of memory"), reason);
    assertTrue(reason.contains("tramontane.retrieval.parser.worker-heap"), reason);
    assertTrue(text(parsed(parser.parse(Fixtures.eml(), "r.eml", null))).contains("levante"));
  }

  @Test
  void corruptAndOversizedDocumentsFailAndTheNextParses() throws Exception {
    byte[] random = new byte[2048];
    new Random(7).nextBytes(random);
    String reason = failed(parser.parse(random, "random.docx", null));
    assertTrue(reason.startsWith("the file is not a valid Word document"), reason);
    String bomb = failed(parser.parse(Fixtures.zipBombDocx(300), "bomb.docx", null));
    assertTrue(bomb.contains("zip bomb"), bomb);
    String big = failed(parser.parse(new byte[5_000_001], "big.txt", "text/plain"));
    assertTrue(big.contains("tramontane.retrieval.parser.max-input-bytes"), big);
    assertTrue(text(parsed(parser.parse(Fixtures.odt(), "h.odt", null))).contains("Boats"));
  }

  @Test
  void callersShareAPoolOfWorkers() throws Exception {
    byte[] docx = Fixtures.docx();
    try (DocumentParser pool =
            DocumentParser.start(
                TikaExtractorTest.DEFAULTS.withIsolation(Duration.ofSeconds(30), 2, "128m"));
        ExecutorService callers =
            Executors.newFixedThreadPool(
                4, Thread.ofPlatform().name("parse-caller-", 0).factory())) {
      List<Future<ParseResult>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        results.add(callers.submit(() -> pool.parse(docx, "guide.docx", null)));
      }
      for (Future<ParseResult> r : results) {
        assertTrue(text(parsed(r.get())).contains("installer twice"));
      }
    }
  }

  @Test
  void settingsComeFromConfigAndBadValuesNameTheKey() {
    ParserSettings defaults = TikaExtractorTest.DEFAULTS;
    assertEquals(Duration.ofSeconds(60), defaults.timeout());
    assertEquals(1, defaults.workers());
    assertEquals("512m", defaults.workerHeap());
    assertEquals(100L << 20, defaults.maxInputBytes());
    ConfigurationException e =
        assertThrows(
            ConfigurationException.class,
            () ->
                ParserSettings.fromConfig(
                    ConfigFactory.parseMap(
                            Map.of("tramontane.retrieval.parser.worker-heap", "lots"))
                        .withFallback(ConfigFactory.load())));
    assertTrue(e.getMessage().contains("tramontane.retrieval.parser.worker-heap"), e.getMessage());
    e =
        assertThrows(
            ConfigurationException.class,
            () ->
                ParserSettings.fromConfig(
                    ConfigFactory.parseMap(Map.of("tramontane.retrieval.parser.timeout", "soon"))
                        .withFallback(ConfigFactory.load())));
    assertTrue(e.getMessage().contains("tramontane.retrieval.parser.timeout"), e.getMessage());
  }
}
