package io.tramontane.core.audit;

import io.tramontane.core.KnownSecrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The platform's one writer of audit records: the SLF4J logger {@value #LOGGER}, WARN for a
 * refusal, INFO for an action taken. A record is an event name and named fields; each field is also
 * attached as an SLF4J key-value pair, so a structured encoder gets them as fields. Every value is
 * sanitised here, once: known secrets redacted ({@link KnownSecrets}), control characters replaced
 * (a value cannot forge a log line), length capped. Callers still pass what an auditor needs and
 * nothing more: a host rather than a URL with its query, a path rather than content.
 *
 * <p>The text form is {@code <event>: name=value name=value ...}.
 */
public final class Audit {

  public static final String LOGGER = "tramontane.audit";

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
  private static final int MAX_VALUE_CHARS = 300;

  private Audit() {}

  /** One named value of a record. */
  public record Field(String name, Object value) {}

  public static Field field(String name, Object value) {
    return new Field(name, value);
  }

  /** A refusal or a denied attempt (WARN). */
  public static void refused(String event, Field... fields) {
    write(LOG.atWarn(), event, fields);
  }

  /** An action taken (INFO): what was done, never payloads. */
  public static void done(String event, Field... fields) {
    write(LOG.atInfo(), event, fields);
  }

  private static void write(LoggingEventBuilder record, String event, Field... fields) {
    StringBuilder text = new StringBuilder(printable(event)).append(':');
    for (Field f : fields) {
      String value = printable(String.valueOf(f.value()));
      record = record.addKeyValue(f.name(), value);
      text.append(' ').append(f.name()).append('=').append(value);
    }
    record.log(text.toString());
  }

  /** Secrets redacted, control characters replaced by '?', at most 300 characters (then "…"). */
  public static String printable(String text) {
    String redacted = KnownSecrets.redact(text);
    StringBuilder out = new StringBuilder();
    redacted
        .codePoints()
        .limit(MAX_VALUE_CHARS)
        .forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return redacted.codePointCount(0, redacted.length()) > MAX_VALUE_CHARS
        ? out + "…"
        : out.toString();
  }
}
