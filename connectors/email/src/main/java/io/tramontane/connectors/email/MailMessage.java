package io.tramontane.connectors.email;

import java.time.Instant;
import java.util.List;

/**
 * What the connector reads from one message for metadata and the {@code mail.received} event; the
 * index gets the raw message and parses it itself (attachments included).
 *
 * @param messageId the Message-ID header with its angle brackets, or null when there is none
 * @param dedupKey the Message-ID, or {@code sha256:<hex>} of the main headers and body when absent
 * @param inReplyTo In-Reply-To, or null
 * @param references References, or null
 * @param from the sender(s), as written
 * @param to the To recipients
 * @param cc the Cc recipients
 * @param subject the decoded subject ("" when none)
 * @param sent the Date header, or null
 * @param body the text body (text/plain preferred, else HTML as text)
 * @param attachments the attached files
 * @param problems what could not be read (malformed MIME), in words a user understands
 */
public record MailMessage(
    String messageId,
    String dedupKey,
    String inReplyTo,
    String references,
    String from,
    List<String> to,
    List<String> cc,
    String subject,
    Instant sent,
    String body,
    List<Attachment> attachments,
    List<String> problems) {

  public MailMessage {
    to = List.copyOf(to);
    cc = List.copyOf(cc);
    attachments = List.copyOf(attachments);
    problems = List.copyOf(problems);
  }

  /** One attached file: its name, declared type and decoded size (-1 when unreadable). */
  public record Attachment(String name, String contentType, long size) {}
}
