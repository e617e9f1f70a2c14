package io.tramontane.server.cli;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigOrigin;
import io.tramontane.core.KnownSecrets;
import io.tramontane.core.TramontaneException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a command's exception becomes the line the user reads and the exit code: what is
 * wrong in plain words, never a Java class name. 2 when the user has to change something (a
 * configuration value, a request), 1 when retrying may help or the error was not expected (its
 * stack trace goes to the log).
 */
record ErrorLine(String text, int exit) {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorLine.class);

  /** {@code <origin>: <key> has type STRING rather than NUMBER}, Typesafe Config's wording. */
  private static final Pattern WRONG_TYPE =
      Pattern.compile("(?s).*?(\\S+) has type (\\S+) rather than (.+)$");

  static ErrorLine of(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null
        && !(cause instanceof TramontaneException)
        && !(cause instanceof ConfigException)) {
      cause = cause.getCause();
    }
    if (cause instanceof org.apache.pekko.pattern.StatusReply.ErrorMessage refused) {
      return line(refused.getMessage(), 1);
    }
    if (cause instanceof TramontaneException te) {
      return line(te.getMessage(), te.retriable() ? 1 : 2);
    }
    if (cause instanceof ConfigException.WrongType wrong) {
      Matcher m = WRONG_TYPE.matcher(wrong.getMessage());
      if (m.matches()) {
        return line(
            "invalid configuration: "
                + m.group(1)
                + " must be "
                + article(m.group(3))
                + ", not "
                + article(m.group(2))
                + " (set in "
                + where(wrong.origin())
                + ").",
            2);
      }
    }
    if (cause instanceof ConfigException config) {
      return line("invalid configuration: " + config.getMessage(), 2);
    }
    LOG.error("Unexpected error", e);
    String message = e.getMessage() == null ? "" : ": " + e.getMessage();
    return line("unexpected error" + message + "; see the log for the details.", 1);
  }

  private static ErrorLine line(String message, int exit) {
    return new ErrorLine(KnownSecrets.redact("tramontane: " + message), exit);
  }

  /** {@code NUMBER} → "a number", {@code OBJECT} → "an object". */
  private static String article(String type) {
    String word = type.strip().toLowerCase(Locale.ROOT);
    return (word.matches("[aeiou].*") ? "an " : "a ") + word;
  }

  /** {@code file:line} when Typesafe Config knows them, else its description (env variables…). */
  static String where(ConfigOrigin origin) {
    if (origin == null) {
      return "the configuration";
    }
    if (origin.filename() != null && origin.lineNumber() > 0) {
      return origin.filename() + ":" + origin.lineNumber();
    }
    if (origin.url() != null && origin.lineNumber() > 0) {
      return origin.url() + ":" + origin.lineNumber();
    }
    if (origin.description().startsWith("env var")) {
      return "an environment variable; docs/configuration.md names the TRAMONTANE_* variable of"
          + " each key";
    }
    return origin.description();
  }
}
