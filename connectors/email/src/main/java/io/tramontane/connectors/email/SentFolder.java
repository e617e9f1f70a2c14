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
    return inFolder(
        f -> {
          if (!f.exists()) {
            return false;
          }
          f.open(Folder.READ_ONLY);
          try {
            return f.search(new HeaderTerm("Message-ID", messageId)).length > 0;
          } finally {
            f.close(false);
          }
        },
        "could not search {} of {} for an earlier send: {}",
        false);
  }

  /** Files a sent message in the Sent folder (creating it), if one is configured. */
  void file(MimeMessage m) {
    if (folder == null) {
      return;
    }
    inFolder(
        f -> {
          if (!f.exists()) {
            f.create(Folder.HOLDS_MESSAGES);
          }
          m.setFlag(Flags.Flag.SEEN, true);
          f.appendMessages(new Message[] {m});
          return null;
        },
        "sent, but could not file the message in {} of {}: {}",
        null);
  }

  /** Work on the Sent folder of a connected store. */
  private interface FolderWork<T> {
    T on(Folder sent) throws MessagingException;
  }

  /**
   * Connects, does {@code work} on the Sent folder and disconnects; when that fails, logs {@code
   * failure} (with the folder, the mailbox and the reason, the password taken out) and answers
   * {@code otherwise}.
   */
  private <T> T inFolder(FolderWork<T> work, String failure, T otherwise) {
    IMAPStore store = null;
    try {
      store = MailSessions.connect(imap);
      return work.on(store.getFolder(folder));
    } catch (MessagingException | RuntimeException e) {
      LOG.warn(
          failure, folder, imap.mailbox(), MailSessions.redact(e.getMessage(), imap.password()));
      return otherwise;
    } finally {
      MailSessions.closeQuietly(store);
    }
  }
}
