package io.tramontane.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.tramontane.server.testing.TestDatabase;
import io.tramontane.server.testing.TestServer;
import io.tramontane.testkit.Await;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mailbox on a real IMAP server (GreenMail on loopback) behind a node: a new mail with an
 * attachment is indexed once and its attachment is searchable by the mailbox owner only; its {@code
 * io.tramontane.mail.received} event starts the workflow whose {@code schedule.on} names it, once.
 */
class MailConnectorIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String KEY = TestServer.ACME_KEY;

  static void deliver(
      com.icegreen.greenmail.user.GreenMailUser alice,
      String messageId,
      String subject,
      String attachment)
      throws Exception {
    MimeMessage m =
        new MimeMessage(Session.getInstance(new Properties())) {
          @Override
          protected void updateMessageID() throws jakarta.mail.MessagingException {
            setHeader("Message-ID", messageId);
          }
        };
    m.setFrom(new InternetAddress("carol@customer.example"));
    m.setRecipient(Message.RecipientType.TO, new InternetAddress("alice@example.com"));
    m.setSubject(subject);
    MimeBodyPart body = new MimeBodyPart();
    body.setText("Hello, please see the attached note about the invoice.", "UTF-8");
    MimeBodyPart file = new MimeBodyPart();
    file.setFileName("note.txt");
    file.setText(attachment, "UTF-8");
    m.setContent(new MimeMultipart(body, file));
    m.saveChanges();
    alice.deliver(m);
  }

  static JsonNode awaitStatus(TestServer server, java.util.function.Predicate<JsonNode> done)
      throws Exception {
    return Await.until(
        "the connector in the expected state",
        Duration.ofSeconds(60),
        () -> {
          HttpResponse<String> r = server.get("/connectors/support-mail", KEY);
          return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        },
        s -> s != null && done.test(s));
  }

  static List<String> search(TestServer server, String query, List<String> principals)
      throws Exception {
    HttpResponse<String> r =
        RetrievalRestIT.search(
            server, KEY, "mail", Map.of("query", query, "principals", principals));
    return RetrievalRestIT.ids(r).stream().distinct().toList(); // hits are chunks
  }

  @Test
  void aNewMailIsIndexedOnceWithItsAttachmentAndStartsItsWorkflow(@TempDir Path dir)
      throws Exception {
    GreenMail mail =
        new GreenMail(
            ServerSetup.dynamicPort(
                new ServerSetup[] {new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)}));
    mail.start();
    try {
      var alice = mail.setUser("alice@example.com", "alice", "alice-imap-pw");
      Path password = dir.resolve("mail-password");
      Files.writeString(password, "alice-imap-pw", StandardCharsets.UTF_8);
      Path workflows = Files.createDirectories(dir.resolve("workflows"));
      Files.writeString(
          workflows.resolve("on-mail.yaml"),
          """
          document: {dsl: '1.0.0', namespace: t, name: on-mail, version: '1.0.0'}
          schedule:
            on:
              one:
                with: {type: io.tramontane.mail.received}
          input: {from: '${ .[0].data }'} # the run's input is the triggering events
          do:
            - note:
                set: {subject: '${ .subject }', from: '${ .from }'}
          """);
      Map<String, Object> extra = new HashMap<>();
      extra.put("tramontane.workflows.dir", workflows.toString());
      extra.put(
          "tramontane.connectors.support-mail",
          Map.of(
              "kind", "imap",
              "tenant", "acme",
              "collection", "mail",
              "host", "127.0.0.1",
              "port", mail.getImap().getPort(),
              "tls", "none",
              "allow-plaintext", true,
              "username", "alice",
              "password", "file:" + password,
              "owner", "alice@example.com"));
      try (TestServer server = TestServer.start(TestDatabase.h2(dir.resolve("data")), extra)) {
        // The first pass finds an empty mailbox.
        awaitStatus(server, s -> !s.path("lastSuccess").isNull());

        deliver(
            alice,
            "<inv-42@customer.example>",
            "Invoice 42 overdue",
            "The harbour crane rental for March is still unpaid.");
        HttpResponse<String> sync =
            server.send(
                HttpRequest.newBuilder(server.uri("/connectors/support-mail/sync"))
                    .header("Authorization", "Bearer " + KEY)
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build());
        assertTrue(sync.statusCode() == 202 || sync.statusCode() == 200, sync.body());
        awaitStatus(server, s -> s.path("documentsSynced").asInt() == 1);
        RetrievalRestIT.awaitDocuments(server, KEY, "mail", 1);

        // The attachment's words find the mail, for its owner only.
        List<String> hits = search(server, "crane rental unpaid", List.of("alice@example.com"));
        assertEquals(1, hits.size(), String.valueOf(hits));
        assertTrue(hits.getFirst().contains("inv-42@customer.example"), hits.getFirst());
        assertTrue(
            search(server, "crane rental unpaid", List.of("mallory@example.com")).isEmpty(),
            "someone else does not see the mailbox");

        // Its mail.received event started the workflow, once.
        JsonNode runs =
            Await.until(
                "one on-mail run completed",
                Duration.ofSeconds(30),
                () -> JSON.readTree(server.get("/workflows/on-mail/runs", KEY).body()).path("runs"),
                r -> r.size() == 1 && "completed".equals(r.get(0).path("status").asText()));
        JsonNode run =
            JSON.readTree(
                server
                    .get("/workflows/on-mail/runs/" + runs.get(0).path("name").asText(), KEY)
                    .body());
        assertEquals("Invoice 42 overdue", run.path("output").path("subject").asText());

        // Another pass takes nothing new and starts nothing new: watched until it completed.
        String lastSuccess = awaitStatus(server, s -> true).path("lastSuccess").asText();
        server.send(
            HttpRequest.newBuilder(server.uri("/connectors/support-mail/sync"))
                .header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
        JsonNode status =
            awaitStatus(
                server,
                s ->
                    "idle".equals(s.path("state").asText())
                        && !lastSuccess.equals(s.path("lastSuccess").asText()));
        assertEquals(1, status.path("documentsSynced").asInt(), status.toString());
        assertEquals(
            1,
            JSON.readTree(server.get("/workflows/on-mail/runs", KEY).body()).path("runs").size());
      }
    } finally {
      mail.stop();
    }
  }
}
