package io.tramontane.agents.tool;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Collects what tools write to the audit logger while a test runs. */
final class AuditCapture implements AutoCloseable {

  private final Logger logger = (Logger) LoggerFactory.getLogger(ToolAudit.LOGGER);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  AuditCapture() {
    appender.start();
    logger.addAppender(appender);
  }

  /** The formatted WARN records so far. */
  List<String> warnings() {
    return appender.list.stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
