package io.tramontane.connectors.email;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.HeaderTerm;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mailbox's Sent folder, over IMAP: searched by Message-ID before a send (a message found there
 * was sent earlier and is not sent again), and where a sent message is filed.
 */
final class SentFolder {

  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

  private final ImapSettings imap;
  private final String folder;

  SentFolder(ImapSettings imap) {
    this.imap = imap;
    this.folder = imap.smtp().sentFolder();
  }

  /** Whether a message with this Message-ID is in the Sent folder (false when it cannot tell). */
  boolean contains(String messageId) {
    IMAPStore store = null;
    try {
      store = MailSessions.connect(imap);
      Folder f = store.getFolder(folder);
      if (!f.exists()) {
        return false;
      }
      f.open(Folder.READ_ONLY);
      try {
        return f.search(new HeaderTerm("Message-ID", messageId)).length > 0;
      } finally {
        f.close(false);
      }
    } catch (MessagingException | RuntimeException e) {
      LOG.warn(
          "could not search {} of {} for an earlier send: {}",
          folder,
          imap.mailbox(),
          MailSessions.redact(e.getMessage(), imap.password()));
      return false;
    } finally {
      MailSessions.closeQuietly(store);
    }
  }

  /** Files a sent message in the Sent folder (creating it), if one is configured. */
  void file(MimeMessage m) {
    if (folder == null) {
      return;
    }
    IMAPStore store = null;
    try {
      store = MailSessions.connect(imap);
      Folder f = store.getFolder(folder);
      if (!f.exists()) {
        f.create(Folder.HOLDS_MESSAGES);
      }
      m.setFlag(Flags.Flag.SEEN, true);
      f.appendMessages(new Message[] {m});
    } catch (MessagingException | RuntimeException e) {
      LOG.warn(
          "sent, but could not file the message in {} of {}: {}",
          folder,
          imap.mailbox(),
          MailSessions.redact(e.getMessage(), imap.password()));
    } finally {
      MailSessions.closeQuietly(store);
    }
  }
}
