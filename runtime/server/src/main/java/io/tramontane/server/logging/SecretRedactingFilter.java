package io.tramontane.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.tramontane.core.KnownSecrets;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.helpers.FormattingTuple;
import org.slf4j.helpers.MessageFormatter;

/**
 * Keeps secrets out of every log line, whichever library writes it and whichever appender prints
 * it: a logback turbo filter sees each event before any appender does. An event whose message or
 * exception (message, causes, suppressed, stack trace) contains a {@link KnownSecrets known secret}
 * — as written, JSON-escaped or URL-encoded — is dropped and logged again by the same logger at the
 * same level with every secret replaced by {@value KnownSecrets#REDACTED}; the exception's trace
 * then follows the message as text. Events without secrets pass untouched.
 *
 * <p>{@link #install()} adds it to the running logback context (the server and the CLI call it at
 * start, so it holds under any logback configuration); the shipped {@code logback.xml} declares it
 * too, so a reconfiguration keeps it.
 */
public final class SecretRedactingFilter extends TurboFilter {

  private static final String FQCN = SecretRedactingFilter.class.getName();

  /** Set while this filter logs the redacted copy, so that copy is not examined again. */
  private static final ThreadLocal<Boolean> REWRITING = ThreadLocal.withInitial(() -> false);

  /** Adds the filter to the logback context unless it is there already; no-op without logback. */
  public static void install() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    synchronized (context) {
      for (TurboFilter f : context.getTurboFilterList()) {
        if (f instanceof SecretRedactingFilter) {
          return;
        }
      }
      SecretRedactingFilter filter = new SecretRedactingFilter();
      filter.setContext(context);
      filter.setName("secret-redacting");
      filter.start();
      context.addTurboFilter(filter);
    }
  }

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (level == null
        || (format == null && t == null)
        || REWRITING.get()
        || KnownSecrets.isEmpty()
        || !level.isGreaterOrEqual(logger.getEffectiveLevel())) {
      return FilterReply.NEUTRAL;
    }
    FormattingTuple formatted = MessageFormatter.arrayFormat(format, params);
    Throwable thrown = t != null ? t : formatted.getThrowable();
    String text = formatted.getMessage();
    if (thrown != null) {
      text = text + System.lineSeparator() + trace(thrown);
    }
    if (!KnownSecrets.leaks(text)) {
      return FilterReply.NEUTRAL;
    }
    REWRITING.set(true);
    try {
      logger.log(
          marker,
          FQCN,
          Level.toLocationAwareLoggerInteger(level),
          KnownSecrets.redact(text),
          null,
          null);
    } finally {
      REWRITING.set(false);
    }
    return FilterReply.DENY;
  }

  private static String trace(Throwable thrown) {
    StringWriter out = new StringWriter();
    try (PrintWriter w = new PrintWriter(out)) {
      thrown.printStackTrace(w);
    } catch (RuntimeException e) {
      return thrown.getClass().getName() + " (its stack trace cannot be printed: " + e + ")";
    }
    return out.toString().stripTrailing();
  }
}
