package io.tramontane.connectors.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tramontane.agents.tool.Tool;
import io.tramontane.agents.tool.ToolCall;
import io.tramontane.agents.tool.ToolException;
import io.tramontane.agents.tool.ToolResult;
import io.tramontane.connectors.ConnectorResources;
import io.tramontane.connectors.ConnectorSettings;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mail.send} and {@code mail.reply} against GreenMail's SMTP and IMAP. */
class MailToolsIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path data;
  private Mailboxes boxes;

  @BeforeEach
  void start() {
    boxes = new Mailboxes();
  }

  @AfterEach
  void stop() {
    boxes.close();
  }

  private List<Tool> tools(String extra) {
    ConnectorSettings settings = boxes.settings(extra);
    ImapSettings imap = ImapSettings.fromConfig(settings, Mailboxes.ENV);
    return ImapKind.tools(
        settings,
        imap,
        ImapKind.ledgerFile(data, settings.name()),
        new ConnectorResources(null, null, null, Mailboxes.ENV, Clock.systemUTC()));
  }

  private static ToolCall call(String tool, String key, ObjectNode args) {
    return new ToolCall(tool, args, key, "default", Set.of("alice"), "session-1");
  }

  private static ObjectNode send(String to, String subject, String body) {
    ObjectNode a = JSON.createObjectNode();
    a.putArray("to").add(to);
    a.put("subject", subject);
    a.put("body", body);
    return a;
  }

  @Test
  void toolsAreSideEffectingAndNamedFromThePrefix() {
    List<Tool> tools = tools("smtp.tool-prefix = mail_support");
    assertEquals(
        List.of("mail_support.send", "mail_support.reply"),
        tools.stream().map(Tool::name).toList());
    assertTrue(tools.stream().allMatch(Tool::sideEffecting));
  }

  @Test
  void aReissuedSendWithTheSameKeySendsOnce() throws Exception {
    Tool send = tools("").get(0);
    ToolResult first =
        send.execute(call("mail.send", "s1/t3/c0", send("bob@example.com", "Hi", "Hello Bob")));
    assertTrue(first.text().startsWith("Sent to bob@example.com"), first.text());
    // the agent crashed and re-issues the call with the same key; a fresh tool instance (restart)
    Tool again = tools("").get(0);
    ToolResult second =
        again.execute(call("mail.send", "s1/t3/c0", send("bob@example.com", "Hi", "Hello Bob")));
    assertTrue(second.text().startsWith("Already sent"), second.text());
    assertEquals(1, boxes.inbox("bob").getMessageCount());
    // another key is another mail
    again.execute(call("mail.send", "s1/t4/c0", send("bob@example.com", "Hi", "Again")));
    assertEquals(2, boxes.inbox("bob").getMessageCount());
    MimeMessage m = boxes.inbox("bob").getMessages().get(0).getMimeMessage();
    assertTrue(m.getMessageID().startsWith("<tramontane."), m.getMessageID());
    assertTrue(m.getMessageID().endsWith("@example.com>"));
  }

  @Test
  void aSendFoundInTheSentFolderIsNotRepeatedEvenWithoutTheLedger() throws Exception {
    Tool send = tools("smtp.sent-folder = Sent").get(0);
    send.execute(call("mail.send", "k-1", send("bob@example.com", "Filed", "in Sent")));
    assertEquals(1, boxes.folder("Sent").getMessageCount());
    java.nio.file.Files.delete(ImapKind.ledgerFile(data, "support-mail")); // another node
    Tool elsewhere = tools("smtp.sent-folder = Sent").get(0);
    ToolResult r =
        elsewhere.execute(call("mail.send", "k-1", send("bob@example.com", "Filed", "in Sent")));
    assertTrue(r.text().startsWith("Already sent"), r.text());
    assertEquals(1, boxes.inbox("bob").getMessageCount());
  }

  @Test
  void anInterruptedSendIsNotRepeatedBlindly() throws Exception {
    ConnectorSettings settings = boxes.settings("");
    Outbox probe =
        new Outbox(
            settings.name(),
            ImapSettings.fromConfig(settings, Mailboxes.ENV),
            new SentLedger(ImapKind.ledgerFile(data, settings.name())),
            Clock.systemUTC());
    // the node stopped between "pending" and "sent"
    new SentLedger(ImapKind.ledgerFile(data, settings.name()))
        .record("k-crash", SentLedger.State.PENDING, probe.messageId("k-crash"));
    Tool send = tools("").get(0);
    ToolException e =
        assertThrows(
            ToolException.class,
            () -> send.execute(call("mail.send", "k-crash", send("bob@example.com", "x", "y"))));
    assertTrue(e.getMessage().contains("may have been delivered"), e.getMessage());
    assertEquals(0, boxes.inbox("bob").getMessageCount());
  }

  @Test
  void recipientsOutsideTheAllowlistAreRefused() {
    Tool send = tools("").get(0);
    ObjectNode args = send("mallory@evil.org", "Data", "secrets");
    args.putArray("cc").add("bob@example.com");
    ToolException e =
        assertThrows(ToolException.class, () -> send.execute(call("mail.send", "k", args)));
    assertTrue(e.getMessage().contains("mallory@evil.org"), e.getMessage());
    assertTrue(e.getMessage().contains("allowed-recipient-domains"), e.getMessage());
    assertFalse(e.retriable());
    assertEquals(0, boxes.inbox("bob").getMessageCount());
  }

  @Test
  void limitsAndMalformedArgumentsAreRefused() {
    Tool send = tools("smtp.max-body-chars = 10").get(0);
    assertThrows(
        ToolException.class,
        () ->
            send.execute(
                call("mail.send", "k", send("bob@example.com", "s", "far too long a body"))));
    ObjectNode noTo = JSON.createObjectNode().put("subject", "s").put("body", "b");
    assertThrows(ToolException.class, () -> send.execute(call("mail.send", "k2", noTo)));
    assertThrows(
        ToolException.class,
        () -> send.execute(call("mail.send", "k3", send("not an address", "s", "b"))));
    assertEquals(0, boxes.inbox("bob").getMessageCount());
  }

  @Test
  void replyThreadsToTheOriginal() throws Exception {
    boxes.deliver(
        "INBOX",
        """
        Message-ID: <question@example.com>
        References: <older@example.com>
        From: Bob <bob@example.com>
        To: alice@example.com
        Subject: Where is my order?
        Date: Tue, 1 Dec 2026 10:00:00 +0000
        Content-Type: text/plain

        Order 42 has not arrived.
        """);
    Tool reply = tools("").get(1);
    ObjectNode args = JSON.createObjectNode();
    args.put("messageId", "question@example.com");
    args.put("body", "It ships tomorrow.");
    ToolResult r = reply.execute(call("mail.reply", "r-1", args));
    assertTrue(r.text().startsWith("Sent to bob@example.com"), r.text());
    reply.execute(call("mail.reply", "r-1", args));
    assertEquals(1, boxes.inbox("bob").getMessageCount());
    MimeMessage m = boxes.inbox("bob").getMessages().get(0).getMimeMessage();
    assertEquals("Re: Where is my order?", m.getSubject());
    assertEquals("<question@example.com>", m.getHeader("In-Reply-To", null));
    assertEquals("<older@example.com> <question@example.com>", m.getHeader("References", null));
    assertEquals("It ships tomorrow.", String.valueOf(m.getContent()).strip());

    ObjectNode unknown = JSON.createObjectNode().put("messageId", "<nope@x>").put("body", "b");
    ToolException e =
        assertThrows(ToolException.class, () -> reply.execute(call("mail.reply", "r-2", unknown)));
    assertTrue(e.getMessage().contains("no message with Message-ID <nope@x>"), e.getMessage());
  }
}
