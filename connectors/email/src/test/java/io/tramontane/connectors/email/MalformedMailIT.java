package io.tramontane.connectors.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.tramontane.connectors.ConnectorSettings;
import io.tramontane.connectors.DryRunContext;
import io.tramontane.retrieval.ingest.SourceDocument;
import io.tramontane.retrieval.parse.ParseResult;
import io.tramontane.retrieval.parse.ParserSettings;
import io.tramontane.retrieval.parse.TikaExtractor;
import java.io.ByteArrayInputStream;
import java.util.Map;
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

      TikaExtractor tika = new TikaExtractor(ParserSettings.fromConfig(ConfigFactory.load()));
      for (SourceDocument d : ctx.documents().values()) {
        ParseResult r =
            tika.extract(new ByteArrayInputStream(d.content()), d.fileName(), d.contentType());
        if (r instanceof ParseResult.Failed f) {
          assertTrue(!f.reason().isBlank(), d.sourceId());
        }
      }
      assertEquals(bad.size() + 1, ctx.events().size());
      String deepBody =
          ctx.events().stream()
              .filter(e -> e.data().get("messageId").asText().equals("<b5-deep@example.com>"))
              .findFirst()
              .orElseThrow()
              .data()
              .get("subject")
              .asText();
      assertNotNull(deepBody);
      SourceDocument huge = ctx.documents().get("support-mail/<b5-header@example.com>");
      assertTrue(huge.metadata().get("title").length() <= MimeReader.MAX_HEADER_CHARS + 1);
    }
  }
}
