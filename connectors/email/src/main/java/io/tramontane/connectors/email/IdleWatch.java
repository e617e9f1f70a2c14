package io.tramontane.connectors.email;

import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.event.MessageCountAdapter;
import jakarta.mail.event.MessageCountEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IMAP IDLE on each synced folder, each on its own connection and virtual thread: new mail (EXISTS)
 * calls {@code syncNow}. A lost connection is re-opened with jittered exponential backoff (1 s to
 * 60 s), followed by one {@code syncNow} for what arrived meanwhile. Every {@code keepAlive} the
 * IDLE is interrupted by a NOOP, which both re-issues IDLE (servers drop it after about 30 minutes)
 * and detects a dead connection (read timeout of twice the keep-alive). A server without IDLE is
 * left to the connector's polling interval.
 */
final class IdleWatch implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(IdleWatch.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

  private final ImapSettings settings;
  private final Runnable syncNow;
  private final Duration keepAlive;
  private final Set<IMAPStore> stores = ConcurrentHashMap.newKeySet();
  private final Set<IMAPFolder> idling = ConcurrentHashMap.newKeySet();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean closed;

  private IdleWatch(ImapSettings settings, Runnable syncNow, Duration keepAlive) {
    this.settings = settings;
    this.syncNow = syncNow;
    this.keepAlive = keepAlive;
  }

  static IdleWatch start(ImapSettings settings, Runnable syncNow) {
    return start(settings, syncNow, Duration.ofMinutes(5));
  }

  static IdleWatch start(ImapSettings settings, Runnable syncNow, Duration keepAlive) {
    IdleWatch w = new IdleWatch(settings, syncNow, keepAlive);
    for (String folder : settings.folders()) {
      w.threads.add(
          Thread.ofVirtual()
              .name("imap-idle-" + settings.mailbox() + "/" + folder)
              .start(() -> w.loop(folder)));
    }
    w.threads.add(
        Thread.ofVirtual().name("imap-idle-keepalive-" + settings.mailbox()).start(w::keepAlive));
    return w;
  }

  private void loop(String name) {
    Duration backoff = Duration.ofSeconds(1);
    boolean reconnected = false;
    while (!closed) {
      IMAPStore store = null;
      IMAPFolder folder = null;
      try {
        store = MailSessions.connect(settings, keepAlive.multipliedBy(2));
        stores.add(store);
        if (!store.hasCapability("IDLE")) {
          LOG.info(
              "{} does not support IDLE; new mail is picked up every interval", settings.mailbox());
          return;
        }
        folder = (IMAPFolder) store.getFolder(name);
        folder.open(Folder.READ_ONLY);
        folder.addMessageCountListener(
            new MessageCountAdapter() {
              @Override
              public void messagesAdded(MessageCountEvent e) {
                if (!closed) {
                  syncNow.run();
                }
              }
            });
        if (closed) {
          return;
        }
        idling.add(folder);
        if (reconnected) {
          syncNow.run(); // mail may have arrived while the connection was down
        }
        backoff = Duration.ofSeconds(1);
        while (!closed && folder.isOpen()) {
          folder.idle(false); // returns when interrupted by the keep-alive NOOP, or throws
        }
      } catch (MessagingException | RuntimeException e) {
        if (closed) {
          return;
        }
        LOG.warn(
            "IDLE on {}/{} stopped ({}); reconnecting in {} s",
            settings.mailbox(),
            name,
            MailSessions.redact(e.getMessage(), settings.password()),
            backoff.toSeconds());
      } finally {
        if (folder != null) {
          idling.remove(folder);
        }
        if (store != null) {
          stores.remove(store);
          MailSessions.closeQuietly(store);
        }
      }
      reconnected = true;
      sleep(backoff.plusMillis(ThreadLocalRandom.current().nextLong(250)));
      backoff =
          backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
              ? MAX_BACKOFF
              : backoff.multipliedBy(2);
    }
  }

  private void keepAlive() {
    while (!closed) {
      sleep(keepAlive);
      for (IMAPFolder f : idling) {
        try {
          f.doCommand(
              p -> {
                p.simpleCommand("NOOP", null);
                return null;
              });
        } catch (MessagingException | RuntimeException e) {
          LOG.debug("IDLE keep-alive on {} failed; the watch reconnects", f.getFullName(), e);
        }
      }
    }
  }

  private void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  @Override
  public void close() {
    closed = true;
    for (IMAPStore s : stores) {
      MailSessions.closeQuietly(s);
    }
    for (Thread t : threads) {
      t.interrupt();
    }
    for (Thread t : threads) {
      try {
        t.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
