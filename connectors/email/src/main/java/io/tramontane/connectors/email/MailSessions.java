package io.tramontane.connectors.email;

import io.tramontane.connectors.SyncException;
import io.tramontane.connectors.email.ImapSettings.Tls;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.FolderNotFoundException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Properties;
import javax.net.ssl.SSLException;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jakarta Mail sessions for one instance, and the translation of their failures into messages a
 * user can act on. Messages name the mailbox ({@code user@host}) and never the password.
 */
final class MailSessions {

  private static final Logger LOG = LoggerFactory.getLogger(MailSessions.class);

  private MailSessions() {}

  /** Connects to the IMAP server; failures are {@link SyncException}s saying what to fix. */
  static IMAPStore connect(ImapSettings s) {
    return connect(s, s.connectTimeout());
  }

  /**
   * Connects with its own read timeout: the IDLE connection waits for minutes between responses.
   */
  static IMAPStore connect(ImapSettings s, Duration readTimeout) {
    String protocol = s.tls() == Tls.IMPLICIT ? "imaps" : "imap";
    Properties p = new Properties();
    String pre = "mail." + protocol + ".";
    long timeout = s.connectTimeout().toMillis();
    p.setProperty(pre + "connectiontimeout", Long.toString(timeout));
    p.setProperty(pre + "timeout", Long.toString(readTimeout.toMillis()));
    // A connector reads; it must not mark mail as \Seen for the person who owns the mailbox.
    p.setProperty(pre + "peek", "true");
    p.setProperty(pre + "ssl.checkserveridentity", "true");
    if (s.tls() == Tls.STARTTLS) {
      p.setProperty(pre + "starttls.enable", "true");
      p.setProperty(pre + "starttls.required", "true");
    }
    Session session = Session.getInstance(p);
    try {
      Store store = session.getStore(protocol);
      store.connect(s.host(), s.port(), s.username(), s.password());
      return (IMAPStore) store;
    } catch (MessagingException e) {
      throw failure(s, e, "connecting");
    }
  }

  /**
   * What went wrong, for the connector's status: login refused, host unknown or unreachable, TLS,
   * or a connection lost while {@code doing} something (the next pass resumes from the checkpoint).
   */
  static SyncException failure(ImapSettings s, Exception e, String doing) {
    String where = s.host() + ":" + s.port();
    String key = s.at();
    if (e instanceof AuthenticationFailedException) {
      return new SyncException(
          "IMAP login refused for "
              + s.mailbox()
              + ": check username/password ("
              + key
              + ".username and the secret "
              + key
              + ".password refers to)",
          e);
    }
    if (e instanceof FolderNotFoundException) {
      return new SyncException(
          "IMAP folder "
              + e.getMessage()
              + " does not exist in "
              + s.mailbox()
              + ": check "
              + key
              + ".folders",
          e);
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UnknownHostException) {
        return new SyncException(
            "IMAP host " + s.host() + " is unknown: check " + key + ".host", e);
      }
      if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
        return new SyncException(
            "IMAP server "
                + where
                + " is unreachable ("
                + redact(t.getMessage(), s.password())
                + "): check "
                + key
                + ".host and .port, and that the server accepts connections from this node",
            e);
      }
      if (t instanceof SSLException) {
        return new SyncException(
            "TLS with IMAP server "
                + where
                + " failed ("
                + redact(t.getMessage(), s.password())
                + "): check that "
                + key
                + ".tls (imaps, starttls) matches the port, and that the JVM trusts the server's"
                + " certificate",
            e);
      }
      if (t instanceof SocketTimeoutException) {
        return new SyncException(
            "IMAP server "
                + where
                + " did not answer within "
                + s.connectTimeout().toSeconds()
                + " s while "
                + doing
                + ": check the network or raise "
                + key
                + ".timeout",
            e);
      }
    }
    return new SyncException(
        "IMAP connection to "
            + where
            + " failed while "
            + doing
            + " ("
            + redact(String.valueOf(e.getMessage()), s.password())
            + "); the next pass resumes from the last checkpoint",
        e);
  }

  /** The text without the secret, should a server ever echo it. */
  static String redact(String text, String secret) {
    if (text == null) {
      return "";
    }
    return secret == null || secret.isEmpty() ? text : text.replace(secret, "***");
  }

  /** Closes an IMAP connection; a failure to close is only logged. */
  static void closeQuietly(IMAPStore store) {
    if (store != null) {
      try {
        store.close();
      } catch (MessagingException | RuntimeException e) {
        LOG.debug("closing an IMAP connection failed", e);
      }
    }
  }
}
