package io.tramontane.retrieval.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.ConfigFactory;
import io.tramontane.retrieval.chunk.Block;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TikaExtractorTest {

  static final ParserSettings DEFAULTS = ParserSettings.fromConfig(ConfigFactory.load());
  private final TikaExtractor extractor = new TikaExtractor(DEFAULTS);

  static ParsedDocument parsed(ParseResult result) {
    if (result instanceof ParseResult.Failed f) {
      throw new AssertionError("expected Parsed, got Failed: " + f.reason());
    }
    return ((ParseResult.Parsed) result).document();
  }

  static String failed(ParseResult result) {
    return assertInstanceOf(ParseResult.Failed.class, result, () -> "expected Failed: " + result)
        .reason();
  }

  private ParseResult extract(TikaExtractor e, byte[] content, String name, String hint) {
    return e.extract(new ByteArrayInputStream(content), name, hint);
  }

  private ParseResult extract(byte[] content, String name) {
    return extract(extractor, content, name, null);
  }

  static Block block(ParsedDocument doc, String containing) {
    return doc.blocks().stream()
        .filter(b -> b.text().contains(containing))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no block with \"" + containing + "\" in " + doc));
  }

  static String text(ParsedDocument doc) {
    return doc.blocks().stream().map(Block::text).collect(Collectors.joining("\n"));
  }

  @Test
  void docxHasHeadingPathTitleAndAuthor() throws Exception {
    ParsedDocument doc = parsed(extract(Fixtures.docx(), "guide.docx"));
    assertEquals(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        doc.contentType());
    assertEquals("Operator Guide", doc.title());
    assertEquals("Ada Lovelace", doc.author());
    assertEquals(List.of(), block(doc, "Preface text").headings());
    assertEquals(List.of("Guide"), block(doc, "explains the tramontane").headings());
    assertEquals(List.of("Guide", "Install"), block(doc, "installer twice").headings());
    assertEquals(0, block(doc, "installer twice").page());
    assertFalse(doc.truncated());
  }

  @Test
  void pdfBlocksCarryTheirPage() throws Exception {
    byte[] pdf =
        Fixtures.pdf(
            "Three pages", List.of("Alpha page text.", "Bravo page text.", "Charlie page text."));
    ParsedDocument doc = parsed(extract(pdf, null));
    assertEquals("application/pdf", doc.contentType());
    assertEquals("Three pages", doc.title());
    assertEquals("Grace Hopper", doc.author());
    assertEquals(Instant.ofEpochMilli(1_700_000_000_000L), doc.created());
    assertEquals(1, block(doc, "Alpha").page());
    assertEquals(2, block(doc, "Bravo").page());
    assertEquals(3, block(doc, "Charlie").page());
  }

  @Test
  void pptxXlsxAndOdt() throws Exception {
    ParsedDocument pptx = parsed(extract(Fixtures.pptx(), "deck.pptx"));
    assertTrue(text(pptx).contains("mistral and the bora"), text(pptx));
    assertEquals("Winds deck", pptx.title());

    ParsedDocument xlsx = parsed(extract(Fixtures.xlsx(), "budget.xlsx"));
    assertTrue(text(xlsx).contains("Sirocco"), text(xlsx));
    assertEquals(0, block(xlsx, "Sirocco").page(), "sheets are not pages");

    ParsedDocument odt = parsed(extract(Fixtures.odt(), "harbour.odt"));
    assertEquals("application/vnd.oasis.opendocument.text", odt.contentType());
    assertEquals("Harbour notes", odt.title());
    assertEquals("Ada", odt.author());
    assertNotNull(odt.created());
    assertEquals(List.of("Harbour"), block(odt, "Boats stay in").headings());
  }

  @Test
  void htmlPlainTextAndMarkdown() {
    String html =
        "<html><head><title>Page title</title><script>var x = 'hidden';</script></head><body>"
            + "<h1>Top</h1><p>First   paragraph\n spans lines.</p><h2>Sub</h2><p>Second.</p>"
            + "<ul><li>item one</li><li>item two</li></ul><h1>Other</h1><p>Third.</p></body></html>";
    ParsedDocument doc = parsed(extract(html.getBytes(StandardCharsets.UTF_8), "page.html"));
    assertEquals("text/html", doc.contentType());
    assertEquals("Page title", doc.title());
    assertEquals("First paragraph spans lines.", block(doc, "First").text());
    assertEquals(List.of("Top"), block(doc, "First").headings());
    assertEquals(List.of("Top", "Sub"), block(doc, "Second").headings());
    assertEquals(List.of("Top", "Sub"), block(doc, "item two").headings());
    assertEquals(List.of("Other"), block(doc, "Third").headings());
    assertFalse(text(doc).contains("hidden"));

    String txt = "First para\nstill first.\n\n\nSecond para.\n";
    ParsedDocument plain = parsed(extract(txt.getBytes(StandardCharsets.UTF_8), "notes.txt"));
    assertEquals("text/plain", plain.contentType());
    assertEquals(
        List.of("First para still first.", "Second para."),
        plain.blocks().stream().map(Block::text).toList());

    String md = "# Winds\n\nIntro text.\n\n## Bora\n\nCold and gusty.\n";
    ParsedDocument markdown = parsed(extract(md.getBytes(StandardCharsets.UTF_8), "winds.md"));
    assertEquals(List.of("Winds"), block(markdown, "Intro").headings());
    assertEquals(List.of("Winds", "Bora"), block(markdown, "Cold and gusty").headings());
  }

  @Test
  void emlAttachmentTextIsUnderItsName() throws Exception {
    ParsedDocument doc = parsed(extract(Fixtures.eml(), "report.eml"));
    assertEquals("message/rfc822", doc.contentType());
    assertEquals("Wind report", doc.title());
    assertTrue(text(doc).contains("The body talks about the tramontane."), text(doc));
    Block attachment = block(doc, "mentions the levante");
    assertEquals(List.of("notes.txt"), attachment.headings());
    assertEquals(
        List.of("guide.docx", "Guide", "Install"), block(doc, "installer twice").headings());
    assertEquals(List.of(), block(doc, "body talks").headings());
  }

  @Test
  void attachmentsBeyondTheDepthLimitAreSkippedWithAWarning() throws Exception {
    TikaExtractor noAttachments =
        new TikaExtractor(
            new ParserSettings(
                DEFAULTS.maxInputBytes(),
                DEFAULTS.writeLimitChars(),
                0,
                DEFAULTS.maxEmbeddedResources(),
                DEFAULTS.timeout(),
                1,
                "64m"));
    ParsedDocument doc = parsed(extract(noAttachments, Fixtures.eml(), "report.eml", null));
    assertFalse(text(doc).contains("levante"), text(doc));
    assertTrue(
        doc.warnings().stream().anyMatch(w -> w.contains("max-embedded-depth")),
        doc.warnings().toString());
  }

  @Test
  void attachmentsBeyondTheCountLimitAreSkippedWithAWarning() throws Exception {
    TikaExtractor one =
        new TikaExtractor(
            new ParserSettings(
                DEFAULTS.maxInputBytes(),
                DEFAULTS.writeLimitChars(),
                DEFAULTS.maxEmbeddedDepth(),
                1,
                DEFAULTS.timeout(),
                1,
                "64m"));
    ParsedDocument doc = parsed(extract(one, Fixtures.eml(), "report.eml", null));
    assertFalse(text(doc).contains("installer twice"), text(doc));
    assertTrue(
        doc.warnings().stream().anyMatch(w -> w.contains("max-embedded-resources")),
        doc.warnings().toString());
  }

  @Test
  void encryptedPdfFailsSayingSo() throws Exception {
    assertEquals(
        "the document is encrypted (password protected) and cannot be read",
        failed(extract(Fixtures.encryptedPdf(), "secret.pdf")));
  }

  @Test
  void zipBombDocxFailsQuickly() throws Exception {
    byte[] bomb = Fixtures.zipBombDocx(300);
    assertTrue(bomb.length < 2_000_000, "bomb is " + bomb.length + " bytes");
    long start = System.nanoTime();
    String reason = failed(extract(bomb, "bomb.docx"));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(reason.contains("zip bomb"), reason);
    // unpacking the bomb would take far longer (and its memory); the bound catches that, not
    // the machine's speed
    assertTrue(millis < 60_000, "took " + millis + " ms");
  }

  @Test
  void externalEntitiesAreNeverFetched() throws Exception {
    AtomicInteger hits = new AtomicInteger();
    HttpServer canary = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    canary.createContext(
        "/",
        exchange -> {
          hits.incrementAndGet();
          byte[] body = "CANARY-SECRET".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    canary.start();
    try {
      String url = "http://127.0.0.1:" + canary.getAddress().getPort() + "/canary";
      String xml =
          "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY xxe SYSTEM \""
              + url
              + "\">]><r><p>before</p><p>&xxe;</p></r>";
      ParseResult xmlResult = extract(xml.getBytes(StandardCharsets.UTF_8), "x.xml");
      ParseResult xfaResult = extract(Fixtures.pdfWithXfa(url), "form.pdf");
      for (ParseResult r : List.of(xmlResult, xfaResult)) {
        if (r instanceof ParseResult.Parsed p) {
          assertFalse(text(p.document()).contains("CANARY-SECRET"));
        } else {
          assertFalse(failed(r).contains("Exception"), failed(r));
        }
      }
      // The XFA XML was really read (with the entity refused), not skipped.
      if (xfaResult instanceof ParseResult.Parsed p) {
        assertTrue(text(p.document()).contains("Applicant"), text(p.document()));
      } else {
        assertTrue(failed(xfaResult).contains("xxe"), failed(xfaResult));
      }
      assertEquals(0, hits.get(), "the canary was fetched");
    } finally {
      canary.stop(0);
    }
  }

  @Test
  void largePdfIsTruncatedAtTheWriteLimit() throws Exception {
    List<String> pages = new ArrayList<>();
    String words = "lorem ipsum dolor sit amet consectetur adipiscing elit ".repeat(40);
    for (int i = 0; i < 60; i++) {
      pages.add("Page " + (i + 1) + " " + words);
    }
    byte[] pdf = Fixtures.pdf("Big", pages);
    TikaExtractor small = new TikaExtractor(DEFAULTS.withLimits(DEFAULTS.maxInputBytes(), 20_000));
    ParsedDocument doc = parsed(extract(small, pdf, "big.pdf", null));
    assertTrue(doc.truncated());
    int chars = doc.blocks().stream().mapToInt(b -> b.text().length()).sum();
    assertTrue(chars > 15_000 && chars <= 20_000, "kept " + chars);
    assertTrue(doc.warnings().stream().anyMatch(w -> w.contains("write-limit-chars")));
    int lastPage = doc.blocks().get(doc.blocks().size() - 1).page();
    assertTrue(lastPage > 1 && lastPage < 60, "stopped on page " + lastPage);
  }

  @Test
  void corruptAndUnsupportedFilesFailWithAReasonAndTheNextParses() throws Exception {
    byte[] random = new byte[4096];
    new Random(42).nextBytes(random);
    String docx = failed(extract(random, "random.docx"));
    assertTrue(docx.startsWith("the file is not a valid Word document"), docx);

    byte[] pdf = Fixtures.pdf("T", List.of("Some text."));
    String truncated = failed(extract(Arrays.copyOf(pdf, pdf.length / 3), "cut.pdf"));
    assertTrue(truncated.contains("PDF"), truncated);

    String unknown = failed(extract(random, null));
    assertTrue(unknown.startsWith("unsupported type"), unknown);

    assertEquals("the file is empty", failed(extract(new byte[0], "empty.txt")));

    assertTrue(text(parsed(extract(Fixtures.docx(), "guide.docx"))).contains("installer"));
  }

  @Test
  void inputOverTheLimitFailsNamingTheKey() throws Exception {
    TikaExtractor tiny = new TikaExtractor(DEFAULTS.withLimits(1000, 1000));
    String reason = failed(extract(tiny, Fixtures.docx(), "guide.docx", null));
    assertTrue(reason.contains("tramontane.retrieval.parser.max-input-bytes"), reason);
    assertTrue(reason.contains("1000 bytes"), reason);
  }
}
