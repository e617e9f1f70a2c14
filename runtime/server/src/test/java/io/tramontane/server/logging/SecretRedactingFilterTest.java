package io.tramontane.server.logging;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.tramontane.core.KnownSecrets;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Any library's log line with a configured secret reaches the appenders redacted. */
class SecretRedactingFilterTest {

  @Test
  void aThirdPartyLoggerNeverWritesTheSecret() {
    String secret = "sk-test-" + Long.toHexString(System.nanoTime()) + "/x+y";
    KnownSecrets.register(secret);
    SecretRedactingFilter.install();
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger library = context.getLogger("dev.langchain4j.internal.RetryUtils");
    ListAppender<ILoggingEvent> seen = new ListAppender<>();
    seen.setContext(context);
    seen.start();
    library.addAppender(seen);
    try {
      library.warn("upstream failed for key={}", secret);
      library.warn("encoded " + URLEncoder.encode(secret, StandardCharsets.UTF_8));
      library.warn("failed", new IllegalStateException("Incorrect API key provided: " + secret));
    } finally {
      library.detachAppender(seen);
    }
    assertTrue(seen.list.size() >= 3, "the lines were logged: " + seen.list);
    for (ILoggingEvent e : seen.list) {
      String text =
          e.getFormattedMessage()
              + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage());
      assertFalse(text.contains("sk-test-"), text);
      assertTrue(text.contains("[redacted]"), text);
    }
  }
}
