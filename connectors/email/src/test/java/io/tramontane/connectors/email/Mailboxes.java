package io.tramontane.connectors.email;

import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.typesafe.config.ConfigFactory;
import io.tramontane.connectors.ConnectorSettings;
import jakarta.mail.Flags;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/** A GreenMail server (IMAP + SMTP on loopback, dynamic ports) with one user, for the ITs. */
final class Mailboxes implements AutoCloseable {

  static final String PASSWORD = "Tr4m-s3cret-pw";
  static final Function<String, String> ENV = Map.of("MAIL_PASSWORD", PASSWORD)::get;

  final GreenMail mail;
  final GreenMailUser alice;

  Mailboxes() {
    mail =
        new GreenMail(
            ServerSetup.dynamicPort(
                new ServerSetup[] {
                  new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                  new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)
                }));
    mail.start();
    alice = mail.setUser("alice@example.com", "alice", PASSWORD);
    mail.setUser("bob@example.com", "bob", "bob-pw");
  }

  int imapPort() {
    return mail.getImap().getPort();
  }

  int smtpPort() {
    return mail.getSmtp().getPort();
  }

  /** Settings of an instance {@code name} on {@code port} (the server or a proxy), plus HOCON. */
  ConnectorSettings settings(String name, int port, String extra) {
    String hocon =
        """
        kind = imap
        collection = mail
        host = "127.0.0.1"
        port = %d
        tls = none
        allow-plaintext = on
        username = alice
        password = "env:MAIL_PASSWORD"
        timeout = 5s
        smtp {
          host = "127.0.0.1"
          port = %d
          tls = none
          allow-plaintext = on
          from = "alice@example.com"
          allowed-recipient-domains = [example.com]
        }
        %s
        """
            .formatted(port, smtpPort(), extra);
    return ConnectorSettings.fromConfig(name, ConfigFactory.parseString(hocon));
  }

  ConnectorSettings settings(String extra) {
    return settings("support-mail", imapPort(), extra);
  }

  ImapSource source(ConnectorSettings settings) {
    return new ImapSource(settings, ImapSettings.fromConfig(settings, ENV), Clock.systemUTC());
  }

  MailFolder folder(String name) {
    try {
      var hosts = mail.getManagers().getImapHostManager();
      if (name.equals("INBOX")) {
        return hosts.getInbox(alice);
      }
      MailFolder f = hosts.getFolder(alice, name);
      return f != null ? f : hosts.createMailbox(alice, name);
    } catch (FolderException | com.icegreen.greenmail.imap.AuthorizationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A user's INBOX on the server. */
  MailFolder inbox(String login) {
    try {
      return mail.getManagers().getImapHostManager().getInbox(mail.getUserManager().getUser(login));
    } catch (FolderException e) {
      throw new IllegalStateException(e);
    }
  }

  void deleteFolder(String name) {
    try {
      mail.getManagers().getImapHostManager().deleteMailbox(alice, name);
    } catch (FolderException | com.icegreen.greenmail.imap.AuthorizationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Appends raw RFC 5322 bytes to a folder, as they are. */
  void deliver(String folder, byte[] raw) {
    try {
      MimeMessage m =
          new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
      folder(folder).appendMessage(m, new Flags(), new Date());
    } catch (jakarta.mail.MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  void deliver(String folder, String raw) {
    deliver(folder, raw.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
  }

  /** A small text mail. */
  static String text(String messageId, String subject, String body) {
    return """
        Message-ID: %s
        From: Carol <carol@example.com>
        To: alice@example.com
        Subject: %s
        Date: Tue, 1 Dec 2026 10:00:00 +0000
        MIME-Version: 1.0
        Content-Type: text/plain; charset=UTF-8

        %s
        """
        .formatted(messageId, subject, body);
  }

  /** A mail with a text body, a base64 .txt attachment and a base64 PDF attachment. */
  static String withAttachments(String messageId, String txt, byte[] pdf) {
    return """
        Message-ID: %s
        In-Reply-To: <q1@example.com>
        References: <q0@example.com> <q1@example.com>
        From: Carol <carol@example.com>
        To: alice@example.com, Dan <dan@example.com>
        Subject: Quarterly figures
        Date: Tue, 1 Dec 2026 10:00:00 +0000
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="b1"

        --b1
        Content-Type: text/plain; charset=UTF-8

        Please find the figures attached.
        --b1
        Content-Type: text/plain; name="notes.txt"
        Content-Disposition: attachment; filename="notes.txt"
        Content-Transfer-Encoding: base64

        %s
        --b1
        Content-Type: application/pdf; name="report.pdf"
        Content-Disposition: attachment; filename="report.pdf"
        Content-Transfer-Encoding: base64

        %s
        --b1--
        """
        .formatted(
            messageId,
            Base64.getMimeEncoder().encodeToString(txt.getBytes(StandardCharsets.UTF_8)),
            Base64.getMimeEncoder().encodeToString(pdf));
  }

  @Override
  public void close() {
    mail.stop();
  }
}
