package io.tramontane.retrieval.parse;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.apache.tika.exception.TikaException;
import org.apache.tika.extractor.EmbeddedDocumentExtractor;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.apache.tika.sax.BodyContentHandler;
import org.apache.tika.sax.EmbeddedContentHandler;
import org.xml.sax.ContentHandler;
import org.xml.sax.SAXException;

/**
 * Parses attachments and embedded files within the depth and count limits, with their blocks under
 * a heading naming them. Beyond a limit an attachment is skipped with a warning; an attachment that
 * fails to parse is skipped with a warning and the rest of the document goes on.
 */
final class LimitedEmbeddedExtractor implements EmbeddedDocumentExtractor {

  private final Parser parser;
  private final ParseContext context;
  private final BlockHandler blocks;
  private final ParserSettings settings;
  private final List<String> warnings;
  private int depth;
  private int resources;
  private boolean countWarned;

  LimitedEmbeddedExtractor(
      Parser parser,
      ParseContext context,
      BlockHandler blocks,
      ParserSettings settings,
      List<String> warnings) {
    this.parser = parser;
    this.context = context;
    this.blocks = blocks;
    this.settings = settings;
    this.warnings = warnings;
  }

  @Override
  public boolean shouldParseEmbedded(Metadata metadata) {
    String name = displayName(metadata);
    if (depth >= settings.maxEmbeddedDepth()) {
      warnings.add(
          "skipped the attachment "
              + name
              + ": nested deeper than "
              + settings.maxEmbeddedDepth()
              + " (raise "
              + ParserSettings.key("max-embedded-depth")
              + ")");
      return false;
    }
    if (resources >= settings.maxEmbeddedResources()) {
      if (!countWarned) {
        countWarned = true;
        warnings.add(
            "skipped attachments after the first "
                + settings.maxEmbeddedResources()
                + " (raise "
                + ParserSettings.key("max-embedded-resources")
                + ")");
      }
      return false;
    }
    return true;
  }

  @Override
  public void parseEmbedded(
      InputStream stream, ContentHandler handler, Metadata metadata, boolean outputHtml)
      throws SAXException, IOException {
    resources++;
    depth++;
    String name = metadata.get(TikaCoreProperties.RESOURCE_NAME_KEY);
    blocks.enterEmbedded(name);
    try (TikaInputStream tis = TikaInputStream.get(stream)) {
      parser.parse(
          tis, new EmbeddedContentHandler(new BodyContentHandler(handler)), metadata, context);
    } catch (TikaException | IOException | RuntimeException e) {
      if (blocks.truncated() || Failures.isZipBomb(e)) {
        throw new SAXException(e);
      }
      warnings.add(
          "skipped the attachment " + displayName(metadata) + ": " + Failures.reason(e, metadata));
    } catch (SAXException e) {
      if (blocks.truncated() || !(e.getCause() instanceof TikaException)) {
        throw e;
      }
      warnings.add(
          "skipped the attachment " + displayName(metadata) + ": " + Failures.reason(e, metadata));
    } finally {
      blocks.exitEmbedded();
      depth--;
    }
  }

  private static String displayName(Metadata metadata) {
    String name = metadata.get(TikaCoreProperties.RESOURCE_NAME_KEY);
    return name == null || name.isBlank() ? "(unnamed)" : "\"" + name + "\"";
  }
}
