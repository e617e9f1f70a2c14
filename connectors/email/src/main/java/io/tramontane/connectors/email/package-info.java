/**
 * The {@code imap} connector: an IMAP mailbox kept in sync with a collection, and SMTP send/reply
 * as agent tools.
 *
 * <ul>
 *   <li>{@link io.tramontane.connectors.email.ImapKind} — the kind; settings in {@link
 *       io.tramontane.connectors.email.ImapSettings} and {@link
 *       io.tramontane.connectors.email.SmtpSettings}.
 *   <li>{@link io.tramontane.connectors.email.ImapSource} — a pass: per folder from (UIDVALIDITY,
 *       UID), one document per message (the raw {@code message/rfc822}, parsed with its attachments
 *       by the retrieval pipeline), {@code io.tramontane.mail.received} per new mail; IDLE watch
 *       ({@code IdleWatch}).
 *   <li>{@code MimeReader} — malformed MIME read as far as possible (RELIABILITY B5).
 *   <li>{@code Outbox}, {@code SentLedger} — at most one send per idempotency key.
 * </ul>
 */
package io.tramontane.connectors.email;
