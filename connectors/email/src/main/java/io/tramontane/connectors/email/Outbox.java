package io.tramontane.connectors.email;

import io.tramontane.agents.tool.ToolAudit;
import io.tramontane.agents.tool.ToolCall;
import io.tramontane.agents.tool.ToolException;
import io.tramontane.agents.tool.ToolResult;
import io.tramontane.connectors.SyncException;
import io.tramontane.connectors.email.ImapSettings.Tls;
import io.tramontane.connectors.email.SentLedger.Entry;
import io.tramontane.connectors.email.SentLedger.State;
import io.tramontane.core.audit.Audit;
import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.HeaderTerm;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends mail for the {@code mail.send} and {@code mail.reply} tools, at most once per idempotency
 * key: the Message-ID is derived from the key, the {@link SentLedger} records the attempt before
 * and after the SMTP transaction, and when a Sent folder is configured it is searched for that
 * Message-ID before sending (and the sent message filed there). An attempt interrupted mid-way is
 * never repeated blindly: without proof in the Sent folder the call is refused with what to check.
 * Recipients outside {@code smtp.allowed-recipient-domains} are refused and audited.
 */
final class Outbox {

  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

  private final String instance;
  private final ImapSettings imap;
  private final SmtpSettings smtp;
  private final SentLedger ledger;
  private final Clock clock;
  private final SentFolder sent;

  Outbox(String instance, ImapSettings imap, SentLedger ledger, Clock clock) {
    this.instance = instance;
    this.imap = imap;
    this.smtp = imap.smtp();
    this.ledger = ledger;
    this.clock = clock;
    this.sent = new SentFolder(imap);
  }

  SmtpSettings smtp() {
    return smtp;
  }

  /** A draft, checked and not yet sent. */
  record Draft(
      List<InternetAddress> to,
      List<InternetAddress> cc,
      String subject,
      String body,
      String inReplyTo,
      String references) {}

  /** Parses and checks recipients against the allowlist and limits. */
  List<InternetAddress> recipients(ToolCall call, List<String> raw, String field)
      throws ToolException {
    List<InternetAddress> out = new ArrayList<>();
    for (String r : raw) {
      try {
        InternetAddress[] parsed = InternetAddress.parse(r, true);
        for (InternetAddress a : parsed) {
          a.validate();
          out.add(a);
        }
      } catch (AddressException e) {
        throw ToolAudit.refused(
            call, field + ": '" + MimeReader.cap(r) + "' is not a mail address");
      }
    }
    return out;
  }

  /** Sends {@code draft} once for {@code call}'s idempotency key. */
  ToolResult send(ToolCall call, Draft draft) throws ToolException {
    check(call, draft);
    String key = call.idempotencyKey();
    String messageId = messageId(key);
    Entry entry = ledger.get(key);
    if (entry != null && entry.state() == State.SENT) {
      return alreadySent(call, entry.messageId());
    }
    boolean interrupted = entry != null && entry.state() == State.PENDING;
    if (smtp.sentFolder() != null && sent.contains(messageId)) {
      ledger.record(key, State.SENT, messageId);
      return alreadySent(call, messageId);
    }
    if (interrupted) {
      throw ToolAudit.refused(
          call,
          "an earlier attempt of this call was interrupted during sending and may have been"
              + " delivered (Message-ID "
              + messageId
              + "); it is not sent again to avoid a duplicate. Check the Sent folder or the"
              + " recipient, and ask again as a new request if it did not arrive.");
    }
    MimeMessage message = compose(draft, messageId);
    ledger.record(key, State.PENDING, messageId);
    try {
      transport(message);
    } catch (MessagingException e) {
      ledger.record(key, State.FAILED, messageId);
      throw failed(call, e);
    }
    ledger.record(key, State.SENT, messageId);
    sent.file(message);
    ToolAudit.done(
        "tool call executed",
        call,
        Audit.field("sent", messageId),
        Audit.field("recipients", draft.to().size() + draft.cc().size()));
    return ToolResult.of(
        "Sent to "
            + join(draft.to())
            + (draft.cc().isEmpty() ? "" : ", cc " + join(draft.cc()))
            + " with Message-ID "
            + messageId
            + ".");
  }

  /** Looks a message up by Message-ID in the synced folders, for replies. */
  Optional<MimeMessage> find(String messageId) throws ToolException {
    IMAPStore store;
    try {
      store = MailSessions.connect(imap);
    } catch (SyncException e) {
      throw new ToolException("cannot look up the message: " + e.getMessage(), true);
    }
    try {
      for (String name : imap.folders()) {
        Folder f = store.getFolder(name);
        f.open(Folder.READ_ONLY);
        try {
          Message[] hits = f.search(new HeaderTerm("Message-ID", messageId));
          for (Message m : hits) {
            String[] ids = m.getHeader("Message-ID");
            if (ids != null && ids[0].strip().equals(messageId)) {
              return Optional.of(new MimeMessage((MimeMessage) m));
            }
          }
        } finally {
          f.close(false);
        }
      }
      return Optional.empty();
    } catch (MessagingException e) {
      throw new ToolException(
          "cannot look up the message in "
              + imap.mailbox()
              + " ("
              + MailSessions.redact(e.getMessage(), imap.password())
              + "); try again later",
          true);
    } finally {
      MailSessions.closeQuietly(store);
    }
  }

  private void check(ToolCall call, Draft d) throws ToolException {
    int count = d.to().size() + d.cc().size();
    if (d.to().isEmpty()) {
      throw ToolAudit.refused(call, "no recipient: give at least one address in 'to'");
    }
    if (count > smtp.maxRecipients()) {
      throw ToolAudit.refused(
          call,
          count
              + " recipients, over the limit of "
              + smtp.maxRecipients()
              + " ("
              + smtp.at()
              + ".max-recipients)");
    }
    List<String> outside = new ArrayList<>();
    for (InternetAddress a : concat(d.to(), d.cc())) {
      if (!smtp.allows(a)) {
        outside.add(a.getAddress());
      }
    }
    if (!outside.isEmpty()) {
      throw ToolAudit.refused(
          call,
          "recipient(s) "
              + outside
              + " are outside the allowed domains "
              + smtp.allowedRecipientDomains()
              + " ("
              + smtp.at()
              + ".allowed-recipient-domains); not sent");
    }
    if (d.subject().length() > 500 || d.subject().chars().anyMatch(c -> c == '\r' || c == '\n')) {
      throw ToolAudit.refused(call, "the subject must be one line of at most 500 characters");
    }
    if (d.body().length() > smtp.maxBodyChars()) {
      throw ToolAudit.refused(
          call,
          "the body is "
              + d.body().length()
              + " characters, over the limit of "
              + smtp.maxBodyChars()
              + " ("
              + smtp.at()
              + ".max-body-chars)");
    }
  }

  /** {@code <hash-of-instance-and-key@sender-domain>}: the same for every re-issue of a call. */
  String messageId(String key) {
    String address = smtp.from().getAddress();
    String domain = address.substring(address.lastIndexOf('@') + 1);
    return "<tramontane."
        + ImapSource.sha256(instance + "\u0000" + key).substring(0, 40)
        + "@"
        + domain
        + ">";
  }

  private MimeMessage compose(Draft d, String messageId) throws ToolException {
    try {
      MimeMessage m =
          new MimeMessage(session()) {
            @Override
            protected void updateMessageID() throws MessagingException {
              setHeader("Message-ID", messageId);
            }
          };
      m.setFrom(smtp.from());
      m.setRecipients(Message.RecipientType.TO, d.to().toArray(Address[]::new));
      if (!d.cc().isEmpty()) {
        m.setRecipients(Message.RecipientType.CC, d.cc().toArray(Address[]::new));
      }
      m.setSubject(d.subject(), StandardCharsets.UTF_8.name());
      m.setSentDate(Date.from(clock.instant()));
      m.setText(d.body(), StandardCharsets.UTF_8.name());
      if (d.inReplyTo() != null) {
        m.setHeader("In-Reply-To", d.inReplyTo());
      }
      if (d.references() != null) {
        m.setHeader("References", d.references());
      }
      m.saveChanges();
      return m;
    } catch (MessagingException e) {
      throw new ToolException("the message could not be composed: " + e.getMessage(), false);
    }
  }

  private Session session() {
    Properties p = new Properties();
    String protocol = smtp.tls() == Tls.IMPLICIT ? "smtps" : "smtp";
    String pre = "mail." + protocol + ".";
    long timeout = imap.connectTimeout().toMillis();
    p.setProperty("mail.transport.protocol", protocol);
    p.setProperty(pre + "host", smtp.host());
    p.setProperty(pre + "port", Integer.toString(smtp.port()));
    p.setProperty(pre + "connectiontimeout", Long.toString(timeout));
    p.setProperty(pre + "timeout", Long.toString(timeout));
    p.setProperty(pre + "auth", Boolean.toString(smtp.username() != null));
    p.setProperty(pre + "ssl.checkserveridentity", "true");
    if (smtp.tls() == Tls.STARTTLS) {
      p.setProperty(pre + "starttls.enable", "true");
      p.setProperty(pre + "starttls.required", "true");
    }
    return Session.getInstance(p);
  }

  private void transport(MimeMessage m) throws MessagingException {
    Session session = m.getSession();
    try (Transport t = session.getTransport()) {
      if (smtp.username() != null) {
        t.connect(smtp.host(), smtp.port(), smtp.username(), smtp.password());
      } else {
        t.connect();
      }
      t.sendMessage(m, m.getAllRecipients());
    }
  }

  private ToolException failed(ToolCall call, MessagingException e) {
    String where = smtp.host() + ":" + smtp.port();
    if (e instanceof AuthenticationFailedException) {
      return ToolAudit.refused(
          call,
          "SMTP login refused at "
              + where
              + ": an operator must check "
              + smtp.at()
              + ".username/password");
    }
    if (e instanceof SendFailedException sf
        && sf.getInvalidAddresses() != null
        && sf.getInvalidAddresses().length > 0) {
      return ToolAudit.refused(
          call, "the server refused recipient(s) " + List.of(sf.getInvalidAddresses()));
    }
    return new ToolException(
        "the mail server "
            + where
            + " did not accept the message ("
            + MailSessions.redact(e.getMessage(), smtp.password())
            + "); not sent, try again later",
        true);
  }

  private ToolResult alreadySent(ToolCall call, String messageId) {
    ToolAudit.done("tool call deduplicated", call, Audit.field("already-sent", messageId));
    return ToolResult.of(
        "Already sent earlier for this request (Message-ID " + messageId + "); not sent again.");
  }

  private static List<InternetAddress> concat(List<InternetAddress> a, List<InternetAddress> b) {
    List<InternetAddress> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static String join(List<InternetAddress> as) {
    return String.join(", ", as.stream().map(InternetAddress::getAddress).toList());
  }
}
