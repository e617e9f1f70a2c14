package io.tramontane.core.event;

/**
 * The event types Tramontane publishes. Connectors publish the document and mail types with the
 * source {@code tramontane://connector/<kind>/<instance>}; workflows' {@code emit} publishes with
 * the source {@code tramontane://workflow/<workflow>/<run>}.
 */
public final class EventTypes {

  /**
   * A document was added or changed in a collection. Data: {@code {collection, document, title,
   * source, contentType, modified}}.
   */
  public static final String DOCUMENT_CHANGED = "io.tramontane.document.changed";

  /** A document was removed. Data: {@code {collection, document}}. */
  public static final String DOCUMENT_DELETED = "io.tramontane.document.deleted";

  /**
   * A mail arrived in a synchronised mailbox. Data: {@code {mailbox, folder, messageId, from, to,
   * subject, body, attachments: [{name, contentType, size}], collection, document}}.
   */
  public static final String MAIL_RECEIVED = "io.tramontane.mail.received";

  private EventTypes() {}
}
