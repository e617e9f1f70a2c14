package io.tramontane.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.tramontane.core.TramontaneConfig;
import io.tramontane.retrieval.parse.DocumentParser;
import io.tramontane.retrieval.parse.ParseResult;
import io.tramontane.retrieval.parse.ParserSettings;
import io.tramontane.retrieval.parse.TikaExtractor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.poi.xwpf.extractor.XWPFWordExtractor;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFParagraph;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * P9, {@code tramontane bench tika}: generated PDFs and DOCX files parsed by {@link TikaExtractor}
 * (Tika with our limits and Block handler, in-process) against plain PDFBox {@code PDFTextStripper}
 * on the same PDFs and plain POI {@code XWPFWordExtractor} on the same DOCX, all in the same run;
 * plus {@link DocumentParser} (one forked worker) to show what isolation costs. Target: Tika ≥ 0.8×
 * PDFBox.
 */
@Command(
    name = "tika",
    mixinStandardHelpOptions = true,
    description = {
      "P9: documents/s of Tika extraction (TikaExtractor, in-process) against plain PDFBox"
          + " PDFTextStripper on the same generated PDFs and plain POI on the same DOCX, and of"
          + " the forked-worker DocumentParser; ratios against the baselines of the same run."
    })
public final class TikaBench implements Callable<Integer> {

  static final String NAME = "tika";
  static final double TARGET = 0.8;
  static final long SEED = 20_261_201L;

  @Mixin BenchOptions options;

  /** One timed path: documents/s and extracted characters per document (median over rounds). */
  public record Row(
      String format,
      String path,
      int documents,
      double docsPerSecond,
      double mbPerSecond,
      long charsPerDocument) {}

  /** What was measured. */
  public record Report(
      String name,
      String benchmark,
      boolean quick,
      Machine machine,
      int pdfs,
      int docx,
      int pagesPerPdf,
      int rounds,
      List<Row> rows,
      double tikaVsPdfbox,
      double tikaVsPoi,
      double workerVsPdfbox,
      double target,
      double elapsedSeconds) {}

  private interface Extract {
    long chars(byte[] document) throws Exception;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = options.out();
    PrintWriter progress = options.progress();
    BenchNode.quietLogs();
    // PDFBox warns once per generated document that Helvetica comes from a fallback font.
    ((Logger) LoggerFactory.getLogger("org.apache.pdfbox")).setLevel(Level.ERROR);
    long started = System.nanoTime();
    int perFormat = options.quick ? 40 : 100;
    int pages = options.quick ? 4 : 8;
    int rounds = options.quick ? 3 : 5;
    Random random = new Random(SEED);

    say(progress, "generating %d PDFs (%d pages) and %d DOCX...", perFormat, pages, perFormat);
    List<byte[]> pdfs = new ArrayList<>();
    List<byte[]> docx = new ArrayList<>();
    for (int i = 0; i < perFormat; i++) {
      pdfs.add(pdf(random, pages));
      docx.add(docx(random, pages * 6));
    }

    ParserSettings settings =
        ParserSettings.fromConfig(TramontaneConfig.load(Map.of()))
            .withIsolation(java.time.Duration.ofSeconds(60), 1, "512m");
    TikaExtractor tika = new TikaExtractor(settings);
    Extract viaTika = d -> chars(tika.extract(new ByteArrayInputStream(d), null, null));
    Extract viaPdfbox =
        d -> {
          try (PDDocument doc = Loader.loadPDF(d)) {
            return new PDFTextStripper().getText(doc).length();
          }
        };
    Extract viaPoi =
        d -> {
          try (XWPFDocument doc = new XWPFDocument(new ByteArrayInputStream(d));
              XWPFWordExtractor extractor = new XWPFWordExtractor(doc)) {
            return extractor.getText().length();
          }
        };

    List<Row> rows;
    try (DocumentParser parser = DocumentParser.start(settings)) {
      Extract viaWorker = d -> chars(parser.parse(d, null, null));
      rows =
          measure(
              List.of(
                  new Subject("PDF", "PDFBox PDFTextStripper (baseline)", pdfs, viaPdfbox),
                  new Subject("PDF", "TikaExtractor (in-process)", pdfs, viaTika),
                  new Subject("PDF", "DocumentParser (1 forked worker)", pdfs, viaWorker),
                  new Subject("DOCX", "POI XWPFWordExtractor (baseline)", docx, viaPoi),
                  new Subject("DOCX", "TikaExtractor (in-process)", docx, viaTika),
                  new Subject("DOCX", "DocumentParser (1 forked worker)", docx, viaWorker)),
              rounds,
              progress);
    }

    double tikaVsPdfbox = rows.get(1).docsPerSecond() / rows.get(0).docsPerSecond();
    double workerVsPdfbox = rows.get(2).docsPerSecond() / rows.get(0).docsPerSecond();
    double tikaVsPoi = rows.get(4).docsPerSecond() / rows.get(3).docsPerSecond();
    Machine machine = Machine.describe();
    Report report =
        new Report(
            NAME,
            "P9",
            options.quick,
            machine,
            pdfs.size(),
            docx.size(),
            pages,
            rounds,
            rows,
            tikaVsPdfbox,
            tikaVsPoi,
            workerVsPdfbox,
            TARGET,
            (System.nanoTime() - started) / 1e9);

    Table table =
        new Table(
            "P9 — Tika vs PDFBox/POI (median of " + rounds + " rounds; " + machine.line() + ")",
            "format · path",
            "docs",
            "docs/s",
            "MB/s",
            "chars/doc",
            "vs baseline");
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      Row baseline = rows.get(i < 3 ? 0 : 3);
      table.row(
          r.format() + " · " + r.path(),
          Integer.toString(r.documents()),
          String.format("%.1f", r.docsPerSecond()),
          String.format("%.1f", r.mbPerSecond()),
          String.format("%,d", r.charsPerDocument()),
          Table.ratio(r.docsPerSecond() / baseline.docsPerSecond()));
    }
    table.note(
        String.format(
            "Tika/PDFBox = %.2f× (target ≥ %.1f×: %s). Tika also builds Blocks with headings and"
                + " pages and reads metadata; the forked worker adds JSON framing over a pipe.",
            tikaVsPdfbox, TARGET, tikaVsPdfbox >= TARGET ? "met" : "NOT met"));
    table.note(
        "Plain PDFBox runs with its defaults, which suppress duplicate overlapping text (a costly"
            + " check Tika turns off); Tika on DOCX also spools to a temporary file and inflates"
            + " the container once for the zip-bomb check.");
    table.print(out);
    options.finish(NAME, report, report.elapsedSeconds());
    return 0;
  }

  private record Subject(String format, String label, List<byte[]> docs, Extract extract) {}

  /**
   * Warms every path up once, then times them round-robin (round 1 of each path, round 2 of each
   * path, …) so JIT warm-up and machine noise hit all paths alike; the median round counts.
   */
  private static List<Row> measure(List<Subject> paths, int rounds, PrintWriter progress)
      throws Exception {
    long[] chars = new long[paths.size()];
    for (int i = 0; i < paths.size(); i++) {
      Subject p = paths.get(i);
      say(progress, "warm-up: %s · %s...", p.format(), p.label());
      for (byte[] d : p.docs()) {
        chars[i] += p.extract().chars(d);
      }
    }
    double[][] seconds = new double[paths.size()][rounds];
    for (int r = 0; r < rounds; r++) {
      say(progress, "round %d of %d...", r + 1, rounds);
      for (int i = 0; i < paths.size(); i++) {
        Subject p = paths.get(i);
        long start = System.nanoTime();
        for (byte[] d : p.docs()) {
          p.extract().chars(d);
        }
        seconds[i][r] = (System.nanoTime() - start) / 1e9;
      }
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < paths.size(); i++) {
      Subject p = paths.get(i);
      double[] s = seconds[i].clone();
      Arrays.sort(s);
      double median = s[rounds / 2];
      long bytes = p.docs().stream().mapToLong(d -> d.length).sum();
      int n = p.docs().size();
      rows.add(new Row(p.format(), p.label(), n, n / median, bytes / 1e6 / median, chars[i] / n));
    }
    return rows;
  }

  private static long chars(ParseResult result) {
    return switch (result) {
      case ParseResult.Parsed p ->
          p.document().blocks().stream().mapToLong(b -> b.text().length()).sum();
      case ParseResult.Failed f -> throw new IllegalStateException("parse failed: " + f.reason());
    };
  }

  private static final String[] WORDS = {
    "wind",
    "harbour",
    "north",
    "valley",
    "pressure",
    "front",
    "cold",
    "gust",
    "coast",
    "storm",
    "forecast",
    "mountain",
    "sea",
    "current",
    "weather",
    "station",
    "record",
    "measure",
    "dry",
    "season",
    "the",
    "of",
    "and",
    "a",
    "in",
    "over",
    "through",
    "strong",
    "light",
    "blows"
  };

  private static String sentence(Random random) {
    int n = 8 + random.nextInt(12);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
    }
    return s.append('.').toString();
  }

  static byte[] pdf(Random random, int pages) throws IOException {
    try (PDDocument doc = new PDDocument();
        ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
      for (int p = 0; p < pages; p++) {
        PDPage page = new PDPage();
        doc.addPage(page);
        try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
          cs.beginText();
          cs.setFont(font, 10);
          cs.setLeading(13);
          cs.newLineAtOffset(50, 740);
          for (int line = 0; line < 50; line++) {
            cs.showText(line % 10 == 9 ? "" : sentence(random));
            cs.newLine();
          }
          cs.endText();
        }
      }
      doc.getDocumentInformation().setTitle("Generated " + random.nextInt(1000));
      doc.save(out);
      return out.toByteArray();
    }
  }

  static byte[] docx(Random random, int paragraphs) throws IOException {
    try (XWPFDocument doc = new XWPFDocument();
        ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      for (int i = 0; i < paragraphs; i++) {
        XWPFParagraph p = doc.createParagraph();
        StringBuilder text = new StringBuilder();
        for (int s = 0; s < 5; s++) {
          text.append(s == 0 ? "" : " ").append(sentence(random));
        }
        p.createRun().setText(text.toString());
      }
      doc.getProperties().getCoreProperties().setTitle("Generated " + random.nextInt(1000));
      doc.write(out);
      return out.toByteArray();
    }
  }

  static void say(PrintWriter progress, String format, Object... args) {
    progress.printf("bench tika: " + format + "%n", args);
    progress.flush();
  }
}
