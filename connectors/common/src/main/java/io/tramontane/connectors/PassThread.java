package io.tramontane.connectors;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.StatusReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass of a connector's source, on a virtual thread, never on the actor thread. It hands its
 * changes to the entity ({@link ConnectorSyncEntity.Save}, answered once persisted) and tells it
 * when it ends ({@link ConnectorSyncEntity.Finished}), failed (with a one-line reason for the
 * status), stopped (paused) or completed.
 */
final class PassThread {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectorSyncEntity.class);
  private static final Duration SAVE_TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern SECRETISH =
      Pattern.compile(
          "(?i)((?:password|passwd|secret|token|key|sig|signature|code)=)[^&\\s\"']+|(\\?)[^\\s\"']+");

  private PassThread() {}

  /** Starts pass {@code pass} of {@code instance} from {@code state}'s checkpoint and manifest. */
  static Thread start(
      String name,
      ConnectorSyncEntity.Instance instance,
      ConnectorSyncEntity.State state,
      long pass,
      AtomicBoolean stop,
      ActorRef<ConnectorSyncEntity.Command> self,
      ActorSystem<?> system,
      Clock clock) {
    PassContext ctx =
        new PassContext(
            instance.settings(),
            instance.resources(),
            state.checkpoint(),
            state.manifest(),
            stop,
            changes -> {
              StatusReply<Done> saved =
                  PassContext.await(
                      AskPattern.<ConnectorSyncEntity.Command, StatusReply<Done>>ask(
                          self,
                          r -> new ConnectorSyncEntity.Save(pass, changes, r),
                          SAVE_TIMEOUT,
                          system.scheduler()));
              if (saved.isError()) {
                throw new IllegalStateException(saved.getError().getMessage());
              }
            },
            clock);
    SyncSource source = instance.source();
    String from = state.checkpoint();
    return Thread.ofVirtual()
        .name("connector-" + name)
        .start(
            () -> {
              String checkpoint = null;
              String error = null;
              try {
                checkpoint = source.sync(from, ctx);
                ctx.flush();
              } catch (SyncException e) {
                error = e.getMessage();
                LOG.warn("Connector {}: pass failed: {}", name, error);
              } catch (Exception | Error e) {
                if (stop.get() || Thread.currentThread().isInterrupted()) {
                  LOG.debug("Connector {}: pass stopped ({})", name, e.toString());
                } else {
                  error = summary(e);
                  // The trace may quote a URL or a credential: only at debug level.
                  LOG.warn("Connector {}: pass failed: {}", name, error);
                  LOG.debug("Connector {}: pass failure", name, e);
                }
              }
              ConnectorSyncEntity.Changes rest;
              try {
                rest = ctx.drain();
              } catch (RuntimeException e) {
                rest = ConnectorSyncEntity.Changes.NONE;
              }
              self.tell(
                  new ConnectorSyncEntity.Finished(pass, checkpoint, rest, stop.get(), error));
            });
  }

  /**
   * A failure that is not a {@link SyncException}, in one line for the status: its type and
   * message, without URL queries or anything shaped like a credential, and never a stack trace.
   */
  static String summary(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    String message = t.getMessage() == null ? "" : t.getMessage().lines().findFirst().orElse("");
    message =
        SECRETISH.matcher(message).replaceAll(m -> m.group(1) != null ? m.group(1) + "***" : "?…");
    if (message.length() > 300) {
      message = message.substring(0, 300) + "…";
    }
    return "the pass failed unexpectedly ("
        + t.getClass().getSimpleName()
        + (message.isBlank() ? "" : ": " + message)
        + "); the server log has the details";
  }
}
