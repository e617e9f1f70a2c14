package io.tramontane.connectors.email;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tramontane.connectors.ConnectorSettings;
import io.tramontane.connectors.SyncContext;
import io.tramontane.connectors.SyncSource;
import io.tramontane.connectors.email.MailCheckpoint.Mark;
import io.tramontane.core.Sha256;
import io.tramontane.core.event.EventTypes;
import io.tramontane.retrieval.ingest.IngestResult;
import io.tramontane.retrieval.ingest.SourceCheckpoint;
import io.tramontane.retrieval.ingest.SourceDocument;
import jakarta.mail.FetchProfile;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessageRemovedException;
import jakarta.mail.MessagingException;
import jakarta.mail.UIDFolder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IMAP mailbox kept in sync with a collection. Per folder the checkpoint is (UIDVALIDITY, last
 * ingested UID) ({@link MailCheckpoint}); a pass fetches the UIDs above it in batches and saves the
 * checkpoint after each message, once it is ingested. A changed UIDVALIDITY (mailbox re-created)
 * resyncs the folder from UID 1: documents are keyed by Message-ID (or a hash of the main headers
 * and body when there is none), so re-ingesting gives the same documents and the same event ids.
 *
 * <p>Each message becomes one document: the raw message ({@code message/rfc822}), which the
 * retrieval pipeline parses with Tika in its isolated workers — body and attachments alike, under
 * headings naming the attachments. Threading headers, sender, recipients, subject and date go into
 * the metadata.
 */
public final class ImapSource implements SyncSource {

  static final int MAX_EVENT_BODY_CHARS = 8000;
  static final int PREFETCH_MAX_BYTES = 256 * 1024;
  private static final int MAX_KEY_CHARS = 500;
  private static final Logger LOG = LoggerFactory.getLogger(ImapSource.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ConnectorSettings connector;
  private final ImapSettings settings;
  private final Clock clock;

  public ImapSource(ConnectorSettings connector, ImapSettings settings, Clock clock) {
    this.connector = connector;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public String sync(String checkpoint, SyncContext context) {
    MailCheckpoint cp = MailCheckpoint.parse(checkpoint);
    IMAPStore store = MailSessions.connect(settings);
    try {
      for (String folder : settings.folders()) {
        if (context.stopping()) {
          break;
        }
        syncFolder(store, folder, cp, context);
      }
      return cp.toJson();
    } finally {
      try {
        store.close();
      } catch (MessagingException | RuntimeException e) {
        LOG.debug("closing the IMAP connection to {} failed", settings.mailbox(), e);
      }
    }
  }

  @Override
  public AutoCloseable watch(Runnable syncNow) {
    return IdleWatch.start(settings, syncNow);
  }

  private void syncFolder(IMAPStore store, String name, MailCheckpoint cp, SyncContext context) {
    IMAPFolder folder;
    long uidValidity;
    long uidNext;
    try {
      folder = (IMAPFolder) store.getFolder(name);
      folder.open(Folder.READ_ONLY);
      uidValidity = folder.getUIDValidity();
      uidNext = folder.getUIDNext();
    } catch (MessagingException e) {
      throw MailSessions.failure(settings, e, "opening folder " + name);
    }
    try {
      Mark mark = cp.get(name).orElse(null);
      if (mark == null) {
        mark = new Mark(uidValidity, 0, clock.instant().getEpochSecond(), Math.max(1, uidNext));
      } else if (mark.uidValidity() != uidValidity) {
        LOG.info(
            "{} folder {}: UIDVALIDITY changed from {} to {} (mailbox re-created); resyncing it",
            settings.mailbox(),
            name,
            mark.uidValidity(),
            uidValidity);
        mark = new Mark(uidValidity, 0, mark.since(), -1);
      }
      boolean changed = !cp.get(name).equals(Optional.of(mark));
      cp.put(name, mark);
      if (uidNext > 0 && uidNext - 1 <= mark.uid()) {
        if (changed) {
          context.checkpoint(cp.toJson());
        }
        return;
      }
      Message[] found = folder.getMessagesByUID(mark.uid() + 1, UIDFolder.MAXUID);
      List<Message> todo = new ArrayList<>();
      for (Message m : found) {
        // "n:*" always returns the highest message, even when its UID is below n
        if (m != null && folder.getUID(m) > mark.uid()) {
          todo.add(m);
        }
      }
      if (todo.isEmpty() && changed) {
        context.checkpoint(cp.toJson());
      }
      FetchProfile profile = new FetchProfile();
      profile.add(UIDFolder.FetchProfileItem.UID);
      profile.add(FetchProfile.Item.SIZE);
      profile.add(IMAPFolder.FetchProfileItem.INTERNALDATE);
      for (int from = 0; from < todo.size(); from += settings.batchSize()) {
        Message[] batch =
            todo.subList(from, Math.min(todo.size(), from + settings.batchSize()))
                .toArray(Message[]::new);
        folder.fetch(batch, profile);
        prefetch(folder, batch);
        for (Message m : batch) {
          if (context.stopping()) {
            return;
          }
          long uid = folder.getUID(m);
          mark = mark.withUid(uid);
          cp.put(name, mark);
          String after = cp.toJson();
          take(folder, name, uid, m, mark, after, context);
          context.checkpoint(after);
        }
      }
    } catch (MessagingException e) {
      throw MailSessions.failure(settings, e, "reading folder " + name);
    } finally {
      try {
        if (folder.isOpen()) {
          folder.close(false);
        }
      } catch (MessagingException | RuntimeException e) {
        LOG.debug("closing folder {} failed", name, e);
      }
    }
  }

  /**
   * Fetches the whole of the batch's small messages in one round trip (BODY.PEEK[] for each);
   * larger ones are fetched one at a time in {@link #take}, so a batch never holds more than
   * {@value #PREFETCH_MAX_BYTES} bytes per message in memory.
   */
  private static void prefetch(IMAPFolder folder, Message[] batch) throws MessagingException {
    List<Message> small = new ArrayList<>();
    for (Message m : batch) {
      try {
        if (m.getSize() >= 0 && m.getSize() <= PREFETCH_MAX_BYTES) {
          small.add(m);
        }
      } catch (MessageRemovedException e) {
        // expunged meanwhile: take() skips it
      }
    }
    if (!small.isEmpty()) {
      FetchProfile whole = new FetchProfile();
      whole.add(IMAPFolder.FetchProfileItem.MESSAGE);
      folder.fetch(small.toArray(Message[]::new), whole);
    }
  }

  /** Ingests one message (or quarantines it with a reason) and announces it. */
  private void take(
      IMAPFolder folder,
      String name,
      long uid,
      Message m,
      Mark mark,
      String after,
      SyncContext context)
      throws MessagingException {
    String item = settings.mailbox() + "/" + name + " UID " + uid;
    int size;
    Instant received;
    try {
      size = m.getSize();
      received = m.getReceivedDate() == null ? null : m.getReceivedDate().toInstant();
    } catch (MessageRemovedException e) {
      return; // expunged meanwhile: nothing to index
    }
    if (size > settings.maxMessageBytes()) {
      context.itemFailed(item, tooLarge(size));
      return;
    }
    byte[] raw;
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(size, 256));
      m.writeTo(out);
      raw = out.toByteArray();
    } catch (MessageRemovedException e) {
      return;
    } catch (IOException | MessagingException e) {
      if (!folder.isOpen() || !folder.getStore().isConnected()) {
        throw MailSessions.failure(settings, e, "fetching " + name + " UID " + uid);
      }
      context.itemFailed(
          item, "the server could not return this message (" + e.getMessage() + "); skipped");
      return;
    } catch (RuntimeException e) {
      // Angus reports some broken responses and lost connections unchecked
      if (!folder.isOpen() || !folder.getStore().isConnected()) {
        throw MailSessions.failure(settings, new MessagingException(e.toString(), e), "fetching");
      }
      context.itemFailed(item, "the message could not be read (" + e + "); skipped");
      return;
    }
    if (raw.length > settings.maxMessageBytes()) {
      context.itemFailed(item, tooLarge(raw.length));
      return;
    }
    MailMessage mail = MimeReader.read(raw);
    if (!mail.problems().isEmpty()) {
      LOG.info("{}: malformed parts read as far as possible: {}", item, mail.problems());
    }
    String sourceId = sourceId(mail);
    SourceDocument doc =
        new SourceDocument(
            connector.tenant(),
            connector.collection(),
            sourceId,
            settings.acl(),
            connector.publicToTenant(),
            sourceUri(name, mail),
            fileName(mail),
            "message/rfc822",
            raw,
            mail.sent() != null ? mail.sent() : received,
            after.length() <= 8192 ? new SourceCheckpoint(connector.sourceName(), after) : null,
            metadata(mail));
    IngestResult result = context.ingest(doc);
    if (result instanceof IngestResult.Failed f) {
      LOG.info("{}: not indexed: {}", item, f.reason());
    }
    boolean announce =
        settings.publishExisting()
            || (mark.announceFrom() >= 0
                ? uid >= mark.announceFrom()
                : received != null && received.getEpochSecond() > mark.since());
    if (announce) {
      context.publish(
          EventTypes.MAIL_RECEIVED, eventId(mail), sourceId, event(name, mail, sourceId));
    }
  }

  private String tooLarge(long size) {
    return "message is "
        + size
        + " bytes, over max-message-bytes ("
        + settings.maxMessageBytes()
        + "); raise "
        + settings.at()
        + ".max-message-bytes to index it";
  }

  /** Stable across UIDVALIDITY changes and folders: the instance and the Message-ID (or hash). */
  String sourceId(MailMessage mail) {
    String key = mail.dedupKey().replaceAll("\\p{Cntrl}", "");
    if (key.length() > MAX_KEY_CHARS || key.isBlank()) {
      key = "sha256:" + sha256(key);
    }
    return connector.name() + "/" + key;
  }

  /** One event per message and instance: a resync or a second folder holding it adds none. */
  private String eventId(MailMessage mail) {
    return "mail:" + connector.name() + ":" + sha256(mail.dedupKey());
  }

  private String sourceUri(String folder, MailMessage mail) {
    String base =
        "imap://"
            + URLEncoder.encode(settings.username(), StandardCharsets.UTF_8)
            + "@"
            + settings.host()
            + "/"
            + URLEncoder.encode(folder, StandardCharsets.UTF_8).replace("+", "%20");
    return mail.messageId() == null
        ? base
        : base + "?message-id=" + URLEncoder.encode(mail.messageId(), StandardCharsets.UTF_8);
  }

  private static String fileName(MailMessage mail) {
    String subject = mail.subject().replaceAll("[\\\\/:*?\"<>|\\p{Cntrl}]", "_").strip();
    if (subject.length() > 120) {
      subject = subject.substring(0, 120);
    }
    return (subject.isEmpty() ? "(no subject)" : subject) + ".eml";
  }

  private static Map<String, String> metadata(MailMessage mail) {
    Map<String, String> md = new LinkedHashMap<>();
    md.put("title", mail.subject().isEmpty() ? "(no subject)" : mail.subject());
    putIf(md, "mail.message-id", mail.messageId());
    putIf(md, "mail.in-reply-to", mail.inReplyTo());
    putIf(md, "mail.references", mail.references());
    putIf(md, "mail.from", mail.from());
    putIf(md, "mail.to", String.join(", ", mail.to()));
    putIf(md, "mail.cc", String.join(", ", mail.cc()));
    putIf(md, "mail.subject", mail.subject());
    putIf(md, "mail.date", mail.sent() == null ? null : mail.sent().toString());
    return md;
  }

  private static void putIf(Map<String, String> md, String key, String value) {
    if (value != null && !value.isBlank()) {
      md.put(key, MimeReader.cap(value));
    }
  }

  private ObjectNode event(String folder, MailMessage mail, String sourceId) {
    ObjectNode data = JSON.createObjectNode();
    data.put("mailbox", settings.owner());
    data.put("folder", folder);
    data.put("messageId", mail.messageId());
    data.put("from", mail.from());
    ArrayNode to = data.putArray("to");
    mail.to().forEach(to::add);
    ArrayNode cc = data.putArray("cc");
    mail.cc().forEach(cc::add);
    data.put("subject", mail.subject());
    data.put("date", mail.sent() == null ? null : mail.sent().toString());
    data.put("inReplyTo", mail.inReplyTo());
    String body = mail.body();
    boolean cut = body.length() > MAX_EVENT_BODY_CHARS;
    data.put("body", cut ? body.substring(0, MAX_EVENT_BODY_CHARS) : body);
    data.put("bodyTruncated", cut);
    ArrayNode attachments = data.putArray("attachments");
    for (MailMessage.Attachment a : mail.attachments()) {
      attachments
          .addObject()
          .put("name", a.name())
          .put("contentType", a.contentType())
          .put("size", a.size());
    }
    data.put("collection", connector.collection());
    data.put("document", sourceId);
    return data;
  }

  static String sha256(String text) {
    return Sha256.hex(text);
  }

  @Override
  public String toString() {
    return "ImapSource[" + connector.name() + ", " + settings + "]";
  }
}
