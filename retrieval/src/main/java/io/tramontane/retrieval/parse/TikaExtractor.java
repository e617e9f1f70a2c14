package io.tramontane.retrieval.parse;

import io.tramontane.retrieval.chunk.Block;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.tika.config.TikaConfig;
import org.apache.tika.detect.Detector;
import org.apache.tika.extractor.EmbeddedDocumentExtractor;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.Property;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MediaTypeRegistry;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.apache.tika.parser.pdf.PDFParserConfig;

/**
 * Extracts {@link Block}s and metadata with Apache Tika in this JVM, within the input, write and
 * embedded-document limits of {@link ParserSettings}. It has no timeout and no memory bound of its
 * own: {@link DocumentParser} runs it in a forked worker for that. Used directly by the worker and
 * by benchmarks. Thread-safe.
 *
 * <p>Zip bombs are caught by POI's {@code ZipSecureFile} (inflation ratio) and Tika's {@code
 * SecureContentHandler}; XML parsers are Tika's, which refuse external entities and DTDs from the
 * network.
 */
public final class TikaExtractor {

  private final ParserSettings settings;
  private final AutoDetectParser parser;
  private final Detector detector;
  private final MediaTypeRegistry registry;
  private final Map<MediaType, Parser> parsers;

  public TikaExtractor(ParserSettings settings) {
    this.settings = settings;
    TikaConfig config = TikaConfig.getDefaultConfig();
    this.parser = new AutoDetectParser(config);
    this.detector = config.getDetector();
    this.registry = config.getMediaTypeRegistry();
    this.parsers = parser.getParsers(new ParseContext());
  }

  /**
   * Parses one document. Never throws for a bad document.
   *
   * @param in the document; read up to {@code maxInputBytes + 1} bytes, not closed
   * @param fileName its name (helps type detection), or null
   * @param contentTypeHint its declared media type, or null
   */
  public ParseResult extract(InputStream in, String fileName, String contentTypeHint) {
    Metadata metadata = new Metadata();
    if (fileName != null && !fileName.isBlank()) {
      metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, fileName);
    }
    if (contentTypeHint != null && !contentTypeHint.isBlank()) {
      metadata.set(Metadata.CONTENT_TYPE, contentTypeHint);
    }
    List<String> warnings = new ArrayList<>();
    SizeLimit limited = new SizeLimit(in, settings.maxInputBytes());
    try (TikaInputStream tis = TikaInputStream.get(limited)) {
      MediaType type = detector.detect(tis, metadata);
      if (!supported(type)) {
        return new ParseResult.Failed(
            "unsupported type "
                + type.getBaseType()
                + (fileName == null ? "" : " (" + fileName + ")"));
      }
      String base = type.getBaseType().toString();
      boolean paged = base.equals("application/pdf");
      boolean markdown =
          base.equals("text/x-web-markdown")
              || base.equals("text/markdown")
              || (fileName != null
                  && fileName.toLowerCase(Locale.ROOT).matches(".*\\.(md|markdown)$"));
      BlockHandler blocks = new BlockHandler(paged, markdown, settings.writeLimitChars());
      ParseContext context = new ParseContext();
      context.set(Parser.class, parser);
      // An XFA form's content is in its XFA XML (the pages of a dynamic form say "please wait");
      // parsed with Tika's secure XML reader like every other XML.
      PDFParserConfig pdf = new PDFParserConfig();
      pdf.setIfXFAExtractOnlyXFA(true);
      context.set(PDFParserConfig.class, pdf);
      context.set(
          EmbeddedDocumentExtractor.class,
          new LimitedEmbeddedExtractor(parser, context, blocks, settings, warnings));
      metadata.set(Metadata.CONTENT_TYPE, type.toString());
      try {
        // Spooled to a temporary file (deleted on close) for the zip-bomb check and so that POI
        // and PDFBox get random access.
        if (ZipBombCheck.inflatesTooFar(tis.getPath())) {
          return new ParseResult.Failed(ZipBombCheck.REASON);
        }
        parser.parse(tis, blocks, metadata, context);
      } catch (Exception e) {
        if (limited.exceeded) {
          return tooLarge();
        }
        if (!blocks.truncated()) {
          return new ParseResult.Failed(Failures.reason(e, metadata));
        }
      }
      if (limited.exceeded) {
        return tooLarge();
      }
      if (blocks.truncated()) {
        warnings.add(
            "the text was cut after "
                + settings.writeLimitChars()
                + " characters (raise "
                + ParserSettings.key("write-limit-chars")
                + ")");
      }
      return new ParseResult.Parsed(
          new ParsedDocument(
              Failures.baseType(metadata.get(Metadata.CONTENT_TYPE)),
              blankToNull(metadata.get(TikaCoreProperties.TITLE)),
              author(metadata),
              instant(metadata, TikaCoreProperties.CREATED),
              instant(metadata, TikaCoreProperties.MODIFIED),
              blocks.blocks(),
              blocks.truncated(),
              warnings));
    } catch (IOException | RuntimeException e) {
      if (limited.exceeded) {
        return tooLarge();
      }
      return new ParseResult.Failed(Failures.reason(e, metadata));
    }
  }

  private ParseResult tooLarge() {
    return new ParseResult.Failed(tooLargeReason(settings));
  }

  static String tooLargeReason(ParserSettings settings) {
    return "the file is larger than the limit of "
        + settings.maxInputBytes()
        + " bytes (raise "
        + ParserSettings.key("max-input-bytes")
        + ")";
  }

  private boolean supported(MediaType type) {
    for (MediaType t = type; t != null; t = registry.getSupertype(t)) {
      if (parsers.containsKey(t)) {
        return true;
      }
    }
    return false;
  }

  private static String author(Metadata metadata) {
    String[] creators = metadata.getValues(TikaCoreProperties.CREATOR);
    List<String> names = new ArrayList<>();
    for (String c : creators) {
      if (c != null && !c.isBlank()) {
        names.add(c.strip());
      }
    }
    return names.isEmpty() ? null : String.join(", ", names);
  }

  private static Instant instant(Metadata metadata, Property property) {
    Date date = metadata.getDate(property);
    return date == null ? null : date.toInstant();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  /** Fails the read once more than {@code max} bytes come; remembers that it did. */
  private static final class SizeLimit extends FilterInputStream {
    private final long max;
    private long count;
    boolean exceeded;

    SizeLimit(InputStream in, long max) {
      super(in);
      this.max = max;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    @Override
    public void close() {
      // the caller owns the stream
    }

    private void count(int n) throws IOException {
      count += n;
      if (count > max) {
        exceeded = true;
        throw new IOException("input larger than " + max + " bytes");
      }
    }
  }
}
