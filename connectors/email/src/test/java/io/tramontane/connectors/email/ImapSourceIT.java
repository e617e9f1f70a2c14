package io.tramontane.connectors.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.tramontane.connectors.ConnectorSettings;
import io.tramontane.connectors.DryRunContext;
import io.tramontane.connectors.SyncException;
import io.tramontane.core.event.EventTypes;
import io.tramontane.retrieval.chunk.Block;
import io.tramontane.retrieval.ingest.SourceDocument;
import io.tramontane.retrieval.parse.ParseResult;
import io.tramontane.retrieval.parse.ParserSettings;
import io.tramontane.retrieval.parse.TikaExtractor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link ImapSource} against a real IMAP server (GreenMail on loopback). */
class ImapSourceIT {

  private Mailboxes boxes;

  @BeforeEach
  void start() {
    boxes = new Mailboxes();
  }

  @AfterEach
  void stop() {
    boxes.close();
  }

  @Test
  void newMailIsIndexedOnceAndASecondPassIngestsNothing() throws Exception {
    ConnectorSettings settings = boxes.settings("publish-existing = on");
    ImapSource source = boxes.source(settings);
    for (int i = 1; i <= 3; i++) {
      boxes.deliver("INBOX", Mailboxes.text("<m" + i + "@example.com>", "Hello " + i, "Body " + i));
    }
    DryRunContext first = new DryRunContext(settings);
    String cp = source.sync(null, first);
    assertEquals(
        List.of(
            "support-mail/<m1@example.com>",
            "support-mail/<m2@example.com>",
            "support-mail/<m3@example.com>"),
        first.ingested());
    assertEquals(3, first.events().size());
    assertEquals(3, first.checkpoints().size(), "a checkpoint after each message");
    JsonNode mark = new com.fasterxml.jackson.databind.ObjectMapper().readTree(cp).get("INBOX");
    assertEquals(3, mark.get("uid").asLong());

    SourceDocument doc = first.documents().get("support-mail/<m2@example.com>");
    assertEquals(Set.of("alice"), doc.acl());
    assertEquals("message/rfc822", doc.contentType());
    assertEquals("Hello 2.eml", doc.fileName());
    assertEquals("<m2@example.com>", doc.metadata().get("mail.message-id"));

    DryRunContext second = new DryRunContext(settings, cp);
    String cp2 = source.sync(cp, second);
    assertEquals(List.of(), second.ingested());
    assertEquals(List.of(), second.events());
    assertEquals(cp, cp2);

    boxes.deliver("INBOX", Mailboxes.text("<m4@example.com>", "Hello 4", "Body 4"));
    DryRunContext third = new DryRunContext(settings, cp2);
    source.sync(cp2, third);
    assertEquals(List.of("support-mail/<m4@example.com>"), third.ingested());
  }

  @Test
  void mailReceivedCarriesTheMessageAndOnlyMailThatArrivesAfterTheFirstPassIsAnnounced()
      throws Exception {
    ConnectorSettings settings = boxes.settings("acl = [support-team]");
    ImapSource source = boxes.source(settings);
    boxes.deliver("INBOX", Mailboxes.text("<old@example.com>", "Old", "Before the connector"));
    DryRunContext first = new DryRunContext(settings);
    String cp = source.sync(null, first);
    assertEquals(1, first.ingested().size(), "existing mail is indexed");
    assertEquals(List.of(), first.events(), "but not announced (publish-existing = off)");

    boxes.deliver("INBOX", Mailboxes.withAttachments("<new@example.com>", "txt", pdf("x")));
    DryRunContext second = new DryRunContext(settings, cp);
    source.sync(cp, second);
    assertEquals(1, second.events().size());
    DryRunContext.Published e = second.events().get(0);
    assertEquals(EventTypes.MAIL_RECEIVED, e.type());
    JsonNode d = e.data();
    assertEquals("alice", d.get("mailbox").asText());
    assertEquals("INBOX", d.get("folder").asText());
    assertEquals("<new@example.com>", d.get("messageId").asText());
    assertEquals("Carol <carol@example.com>", d.get("from").asText());
    assertEquals(2, d.get("to").size());
    assertEquals("Quarterly figures", d.get("subject").asText());
    assertEquals("Please find the figures attached.", d.get("body").asText().strip());
    assertEquals("notes.txt", d.get("attachments").get(0).get("name").asText());
    assertEquals(3, d.get("attachments").get(0).get("size").asLong());
    assertEquals("application/pdf", d.get("attachments").get(1).get("contentType").asText());
    assertEquals("mail", d.get("collection").asText());
    assertEquals("support-mail/<new@example.com>", d.get("document").asText());
    assertEquals(
        Set.of("alice", "support-team"),
        second.documents().get("support-mail/<new@example.com>").acl());
  }

  @Test
  void attachmentsAndThreadingHeadersReachTheIndex() throws Exception {
    ConnectorSettings settings = boxes.settings("");
    String txt = "The warehouse inventory counts 4711 pallets of turnips.";
    boxes.deliver(
        "INBOX",
        Mailboxes.withAttachments(
            "<att@example.com>", txt, pdf("Revenue grew by 17 percent in the northern region.")));
    DryRunContext ctx = new DryRunContext(settings);
    boxes.source(settings).sync(null, ctx);
    SourceDocument doc = ctx.documents().get("support-mail/<att@example.com>");
    assertEquals("<q1@example.com>", doc.metadata().get("mail.in-reply-to"));
    assertEquals("<q0@example.com> <q1@example.com>", doc.metadata().get("mail.references"));
    assertEquals("Quarterly figures", doc.metadata().get("title"));
    assertTrue(doc.metadata().get("mail.to").contains("dan@example.com"));

    // What the retrieval pipeline extracts from the document's bytes (the same Tika set-up).
    ParseResult parsed =
        new TikaExtractor(ParserSettings.fromConfig(ConfigFactory.load()))
            .extract(new ByteArrayInputStream(doc.content()), doc.fileName(), doc.contentType());
    String text =
        assertInstanceOf(ParseResult.Parsed.class, parsed).document().blocks().stream()
            .map(Block::text)
            .collect(Collectors.joining("\n"));
    assertTrue(text.contains("Please find the figures attached"), text);
    assertTrue(text.contains("4711 pallets of turnips"), text);
    assertTrue(text.contains("Revenue grew by 17 percent"), text);
  }

  @Test
  void connectionResetMidFetchResumesFromTheCheckpointAndIngestsEveryMessageOnce()
      throws Exception {
    int n = 40;
    for (int i = 1; i <= n; i++) {
      boxes.deliver(
          "INBOX", Mailboxes.text("<f" + i + "@example.com>", "F4 " + i, "x".repeat(2000)));
    }
    try (CuttingProxy proxy = new CuttingProxy(boxes.imapPort())) {
      // small batches, so the cut falls after some batches were ingested
      ConnectorSettings settings = boxes.settings("support-mail", proxy.port(), "batch-size = 5");
      ImapSource source = boxes.source(settings);
      DryRunContext ctx = new DryRunContext(settings);
      proxy.cutAfter(30_000); // login, select, UIDs, then some 12 messages
      SyncException e = assertThrows(SyncException.class, () -> source.sync(null, ctx));
      assertTrue(e.getMessage().contains("next pass resumes"), e.getMessage());
      assertEquals(1, proxy.cuts());
      int before = ctx.ingested().size();
      assertTrue(before > 0 && before < n, "cut mid-fetch after " + before + " messages");

      int passes = 1;
      String cp = ctx.lastCheckpoint();
      while (true) {
        passes++;
        try {
          cp = source.sync(cp, ctx);
          break;
        } catch (SyncException again) {
          cp = ctx.lastCheckpoint();
          assertTrue(passes < 5);
        }
      }
      List<String> ingested = ctx.ingested();
      assertEquals(n, ingested.size(), "every message once overall: " + ingested);
      assertEquals(n, new HashSet<>(ingested).size());
    }
  }

  @Test
  void recreatedMailboxWithNewUidValidityResyncsWithoutDuplicates() throws Exception {
    ConnectorSettings settings = boxes.settings("folders = [Support]\npublish-existing = on");
    ImapSource source = boxes.source(settings);
    List<String> raws =
        List.of(
            Mailboxes.text("<r1@example.com>", "One", "1"),
            Mailboxes.text("<r2@example.com>", "Two", "2"),
            // no Message-ID: keyed by a hash of the headers and body
            Mailboxes.text("<r3@example.com>", "Three", "3")
                .replace("Message-ID: <r3@example.com>\n", ""));
    raws.forEach(r -> boxes.deliver("Support", r));
    DryRunContext ctx = new DryRunContext(settings);
    String cp = source.sync(null, ctx);
    Map<String, SourceDocument> before = ctx.documents();
    Set<String> eventIds =
        ctx.events().stream().map(DryRunContext.Published::id).collect(Collectors.toSet());
    assertEquals(3, before.size());
    assertEquals(3, eventIds.size());
    long uidValidity =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(cp)
            .get("Support")
            .get("uidvalidity")
            .asLong();

    Thread.sleep(1100); // GreenMail's UIDVALIDITY is the creation second
    boxes.deleteFolder("Support");
    raws.forEach(r -> boxes.deliver("Support", r));
    boxes.deliver("Support", Mailboxes.text("<r4@example.com>", "Four", "4"));

    DryRunContext after = new DryRunContext(settings, cp);
    String cp2 = source.sync(cp, after);
    assertNotEquals(
        uidValidity,
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(cp2)
            .get("Support")
            .get("uidvalidity")
            .asLong());
    Set<String> ids = after.documents().keySet();
    assertTrue(ids.containsAll(before.keySet()), "the same source ids: " + ids);
    assertEquals(4, ids.size(), "no duplicates: " + ids);
    for (String id : before.keySet()) {
      assertTrue(
          java.util.Arrays.equals(before.get(id).content(), after.documents().get(id).content()),
          "same bytes, so the index answers Unchanged: " + id);
    }
    // Re-announcements carry the ids already published: the event store keeps one of each.
    Set<String> newIds =
        after.events().stream().map(DryRunContext.Published::id).collect(Collectors.toSet());
    newIds.removeAll(eventIds);
    assertEquals(1, newIds.size(), "only r4 is a new event");
  }

  @Test
  void badPasswordIsAnActionableSyncExceptionWithoutThePassword() {
    ConnectorSettings settings = boxes.settings("");
    ImapSettings wrong =
        ImapSettings.fromConfig(settings, Map.of("MAIL_PASSWORD", "not-the-Password-123")::get);
    ImapSource source = new ImapSource(settings, wrong, java.time.Clock.systemUTC());
    SyncException e =
        assertThrows(SyncException.class, () -> source.sync(null, new DryRunContext(settings)));
    assertTrue(
        e.getMessage()
            .startsWith("IMAP login refused for alice@127.0.0.1: check username/password"),
        e.getMessage());
    assertFalse(e.getMessage().contains("not-the-Password-123"));
    assertFalse(String.valueOf(e.getCause()).contains("not-the-Password-123"));
  }

  @Test
  void unreachableServerAndTlsMismatchAreNamed() throws IOException {
    int closed;
    try (var s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    ConnectorSettings down = boxes.settings("support-mail", closed, "");
    SyncException e =
        assertThrows(
            SyncException.class, () -> boxes.source(down).sync(null, new DryRunContext(down)));
    assertTrue(e.getMessage().contains("is unreachable"), e.getMessage());

    ConnectorSettings tls = boxes.settings("tls = imaps");
    SyncException t =
        assertThrows(
            SyncException.class, () -> boxes.source(tls).sync(null, new DryRunContext(tls)));
    assertTrue(t.getMessage().startsWith("TLS with IMAP server 127.0.0.1:"), t.getMessage());
  }

  @Test
  void missingFolderSaysWhichKeyToFix() {
    ConnectorSettings settings = boxes.settings("folders = [INBOX, Nope]");
    SyncException e =
        assertThrows(
            SyncException.class,
            () -> boxes.source(settings).sync(null, new DryRunContext(settings)));
    assertTrue(e.getMessage().contains("does not exist in alice@127.0.0.1"), e.getMessage());
    assertTrue(e.getMessage().contains("tramontane.connectors.support-mail.folders"));
  }

  @Test
  void messageOverTheSizeLimitIsQuarantinedAndTheSyncGoesOn() throws Exception {
    ConnectorSettings settings = boxes.settings("max-message-bytes = 4K");
    boxes.deliver("INBOX", Mailboxes.text("<big@example.com>", "Big", "y".repeat(10_000)));
    boxes.deliver("INBOX", Mailboxes.text("<small@example.com>", "Small", "ok"));
    DryRunContext ctx = new DryRunContext(settings);
    String cp = boxes.source(settings).sync(null, ctx);
    assertEquals(List.of("support-mail/<small@example.com>"), ctx.ingested());
    String reason = ctx.failures().get("alice@127.0.0.1/INBOX UID 1");
    assertTrue(reason.contains("over max-message-bytes"), String.valueOf(ctx.failures()));
    assertTrue(cp.contains("\"uid\":2"), cp);
  }

  @Test
  void idleCallsSyncNowOnNewMailAndAfterAReconnect() throws Exception {
    try (CuttingProxy proxy = new CuttingProxy(boxes.imapPort())) {
      ConnectorSettings settings = boxes.settings("support-mail", proxy.port(), "");
      ImapSource source = boxes.source(settings);
      Semaphore syncs = new Semaphore(0);
      AtomicInteger calls = new AtomicInteger();
      try (AutoCloseable watch =
          source.watch(
              () -> {
                calls.incrementAndGet();
                syncs.release();
              })) {
        Thread.sleep(1000); // the IDLE connection is up
        boxes.deliver("INBOX", Mailboxes.text("<i1@example.com>", "Idle", "1"));
        assertTrue(syncs.tryAcquire(10, TimeUnit.SECONDS), "syncNow on EXISTS");

        proxy.cutAll(); // F4: connection reset mid-IDLE
        boxes.deliver("INBOX", Mailboxes.text("<i2@example.com>", "Idle", "2"));
        assertTrue(syncs.tryAcquire(15, TimeUnit.SECONDS), "syncNow after reconnecting");
      }
      DryRunContext ctx = new DryRunContext(settings);
      source.sync(null, ctx);
      assertEquals(2, ctx.ingested().size());
    }
  }

  static byte[] pdf(String text) throws IOException {
    try (PDDocument doc = new PDDocument();
        ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      PDPage page = new PDPage();
      doc.addPage(page);
      try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
        cs.beginText();
        cs.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 11);
        cs.newLineAtOffset(50, 740);
        cs.showText(text);
        cs.endText();
      }
      doc.save(out);
      return out.toByteArray();
    }
  }
}
