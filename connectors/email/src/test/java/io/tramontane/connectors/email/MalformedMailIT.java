package io.tramontane.connectors.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.tramontane.connectors.ConnectorSettings;
import io.tramontane.connectors.DryRunContext;
import io.tramontane.retrieval.chunk.Block;
import io.tramontane.retrieval.ingest.SourceDocument;
import io.tramontane.retrieval.parse.ParseResult;
import io.tramontane.retrieval.parse.ParserSettings;
import io.tramontane.retrieval.parse.TikaExtractor;
import java.io.ByteArrayInputStream;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * RELIABILITY B5 over IMAP: each malformed message is indexed as far as it can be read (or
 * quarantined with a reason), and the pass goes on to the next message.
 */
class MalformedMailIT {

  @Test
  void everyMalformedMessageIsIndexedOrQuarantinedAndTheSyncContinues() throws Exception {
    try (Mailboxes boxes = new Mailboxes()) {
      Map<String, String> bad = MalformedMail.all();
      bad.values().forEach(raw -> boxes.deliver("INBOX", raw));
      boxes.deliver("INBOX", Mailboxes.text("<after@example.com>", "After", "still synced"));
      ConnectorSettings settings = boxes.settings("publish-existing = on");
      DryRunContext ctx = new DryRunContext(settings);
      String cp = boxes.source(settings).sync(null, ctx);

      assertTrue(cp.contains("\"uid\":" + (bad.size() + 1)), "checkpoint past all: " + cp);
      assertEquals(bad.size() + 1, ctx.ingested().size() + ctx.failures().size());
      assertTrue(ctx.ingested().contains("support-mail/<after@example.com>"));
      ctx.failures().values().forEach(r -> assertTrue(!r.isBlank()));

      // Each message is indexed with what a reader of it would find, and announced with its
      // subject.
      Map<String, String> subjects = new java.util.HashMap<>();
      ctx.events()
          .forEach(
              e ->
                  subjects.put(
                      e.data().get("messageId").asText(), e.data().get("subject").asText()));
      assertEquals("No boundary", subjects.get("<b5-noboundary@example.com>"));
      assertEquals("Deep nesting", subjects.get("<b5-deep@example.com>"));
      assertEquals("Corrupt base64", subjects.get("<b5-base64@example.com>"));
      assertTrue(subjects.get("<b5-charset@example.com>").contains("Caf"), subjects.toString());
      assertEquals("After", subjects.get("<after@example.com>"));
      assertTrue(
          subjects.get("<b5-header@example.com>").length() <= MimeReader.MAX_HEADER_CHARS + 1,
          "a huge subject is cut");

      TikaExtractor tika = new TikaExtractor(ParserSettings.fromConfig(ConfigFactory.load()));
      Map<String, String> texts = new java.util.HashMap<>();
      for (SourceDocument d : ctx.documents().values()) {
        ParseResult r =
            tika.extract(new ByteArrayInputStream(d.content()), d.fileName(), d.contentType());
        if (r instanceof ParseResult.Failed f) {
          assertTrue(!f.reason().isBlank(), d.sourceId());
          texts.put(d.sourceId(), "");
        } else if (r instanceof ParseResult.Parsed p) {
          texts.put(
              d.sourceId(),
              p.document().blocks().stream().map(Block::text).collect(Collectors.joining("\n")));
        }
      }
      assertTrue(
          texts
              .get("support-mail/<b5-noboundary@example.com>")
              .contains("boundary parameter is missing"),
          texts.toString());
      assertTrue(
          texts.get("support-mail/<b5-base64@example.com>").contains("See attachment"),
          texts.toString());
      assertTrue(
          texts.get("support-mail/<b5-charset@example.com>").contains("cr"), texts.toString());
      assertTrue(
          texts.get("support-mail/<after@example.com>").contains("still synced"), texts.toString());
      assertEquals(bad.size() + 1, ctx.events().size());
      SourceDocument huge = ctx.documents().get("support-mail/<b5-header@example.com>");
      assertTrue(huge.metadata().get("title").length() <= MimeReader.MAX_HEADER_CHARS + 1);
    }
  }
}
