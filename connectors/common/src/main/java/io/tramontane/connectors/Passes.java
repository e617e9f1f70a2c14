package io.tramontane.connectors;

import io.tramontane.connectors.ConnectorSyncEntity.Event;
import io.tramontane.connectors.ConnectorSyncEntity.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The passes of one configured connector: at most one runs ({@link PassThread}); requests that
 * arrive meanwhile are coalesced into one follow-up; after a pass comes the follow-up, the retry
 * (after a failure) or the interval timer. Only the current pass may save or finish.
 */
final class Passes {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectorSyncEntity.class);
  private static final String NEXT = "next-pass";
  private static final AtomicLong PASSES = new AtomicLong();

  private final String name;
  private final ConnectorSyncEntity.Instance instance;
  private final ConnectorSyncEntity.Runtime runtime;
  private final ActorContext<ConnectorSyncEntity.Command> context;
  private final TimerScheduler<ConnectorSyncEntity.Command> timers;
  private final EffectFactories<Event, State> effect;
  private final Predicate<State> paused;
  private long pass;
  private boolean running;
  private Thread worker;
  private AtomicBoolean stopping = new AtomicBoolean();
  private boolean followUp;

  Passes(
      String name,
      ConnectorSyncEntity.Instance instance,
      ConnectorSyncEntity.Runtime runtime,
      ActorContext<ConnectorSyncEntity.Command> context,
      TimerScheduler<ConnectorSyncEntity.Command> timers,
      EffectFactories<Event, State> effect,
      Predicate<State> paused) {
    this.name = name;
    this.instance = instance;
    this.runtime = runtime;
    this.context = context;
    this.timers = timers;
    this.effect = effect;
    this.paused = paused;
  }

  boolean running() {
    return running;
  }

  /** A pass is asked for: now, or once the running one ends. */
  ReplyEffect<Event, State> syncNow(ConnectorSyncEntity.SyncNow c) {
    if (running) {
      followUp = true;
      return effect.reply(c.replyTo(), StatusReply.ack());
    }
    return launch().thenReply(c.replyTo(), st -> StatusReply.ack());
  }

  /** A pass is wanted (timer, watch): run it now, or once the running one ends. */
  ReplyEffect<Event, State> requested(boolean change) {
    if (running) {
      followUp = followUp || change;
      return effect.noReply();
    }
    return launch().thenNoReply();
  }

  private EffectBuilder<Event, State> launch() {
    timers.cancel(NEXT);
    followUp = false;
    long mine = PASSES.incrementAndGet();
    pass = mine;
    stopping = new AtomicBoolean();
    // Running from now, before the persist completes, so requests in between coalesce.
    running = true;
    return effect
        .persist(new ConnectorSyncEntity.PassStarted(runtime.clock().instant()))
        .thenRun(st -> startWorker(st, mine));
  }

  private void startWorker(State state, long mine) {
    if (pass != mine) {
      return;
    }
    if (stopping.get()) {
      // Paused between the request and the persist: end the pass at once.
      context
          .getSelf()
          .tell(
              new ConnectorSyncEntity.Finished(
                  mine, null, ConnectorSyncEntity.Changes.NONE, true, null));
      return;
    }
    worker =
        PassThread.start(
            name,
            instance,
            state,
            mine,
            stopping,
            context.getSelf(),
            context.getSystem(),
            runtime.clock());
  }

  /** The current pass hands over its changes. */
  ReplyEffect<Event, State> save(ConnectorSyncEntity.Save c) {
    if (c.pass() != pass) {
      return effect.reply(c.replyTo(), StatusReply.error("this pass is no longer current"));
    }
    return effect
        .persist(new ConnectorSyncEntity.Progressed(c.changes()))
        .thenReply(c.replyTo(), st -> StatusReply.ack());
  }

  /** A pass ended: its last changes and how it ended are persisted, then what comes next. */
  ReplyEffect<Event, State> finished(ConnectorSyncEntity.Finished f) {
    if (f.pass() != pass) {
      return effect.noReply();
    }
    running = false;
    worker = null;
    Instant now = runtime.clock().instant();
    List<Event> events = new ArrayList<>();
    if (!f.changes().isEmpty()) {
      events.add(new ConnectorSyncEntity.Progressed(f.changes()));
    }
    if (f.error() != null) {
      events.add(new ConnectorSyncEntity.PassFailed(f.error(), now));
    } else if (f.stopped()) {
      events.add(new ConnectorSyncEntity.PassStopped(f.checkpoint(), now));
    } else {
      events.add(new ConnectorSyncEntity.PassCompleted(f.checkpoint(), now));
    }
    return effect.persist(events).thenRun(this::next).thenNoReply();
  }

  /** After a pass: the follow-up, or the timer for the next one. */
  private void next(State st) {
    if (paused.test(st) || running) {
      return;
    }
    if (st.lastError() != null) {
      followUp = false;
      Duration retry = instance.source().retryAfter(st.failuresInARow());
      LOG.info(
          "Connector {}: retrying in {} ({} failure(s) in a row)",
          name,
          retry,
          st.failuresInARow());
      timers.startSingleTimer(NEXT, ConnectorSyncEntity.Tick.INSTANCE, retry);
    } else if (followUp) {
      context.getSelf().tell(ConnectorSyncEntity.Tick.INSTANCE);
    } else {
      timers.startSingleTimer(
          NEXT, ConnectorSyncEntity.Tick.INSTANCE, instance.settings().interval());
    }
  }

  /** Pause: the running pass stops at its next safe point, the watch closes; no pass is due. */
  ReplyEffect<Event, State> pause(ConnectorSyncEntity.Pause c, SourceWatch watch) {
    Runnable then =
        () -> {
          stopping.set(true);
          followUp = false;
          timers.cancel(NEXT);
          watch.close();
        };
    return persisted(new ConnectorSyncEntity.SyncPaused(runtime.clock().instant()), then, c);
  }

  /** Resume: watch again, and a pass now or right after the stopping one. */
  ReplyEffect<Event, State> resume(ConnectorSyncEntity.Resume c, SourceWatch watch) {
    Runnable then =
        () -> {
          watch.open();
          if (running) {
            followUp = true; // the stopping pass ends first
          } else {
            context.getSelf().tell(ConnectorSyncEntity.Tick.INSTANCE);
          }
        };
    return persisted(new ConnectorSyncEntity.SyncResumed(runtime.clock().instant()), then, c);
  }

  private ReplyEffect<Event, State> persisted(
      Event e, Runnable then, ConnectorSyncEntity.Command c) {
    String what = e instanceof ConnectorSyncEntity.SyncPaused ? "paused" : "resumed";
    ActorRef<StatusReply<Done>> replyTo =
        c instanceof ConnectorSyncEntity.Pause p
            ? p.replyTo()
            : ((ConnectorSyncEntity.Resume) c).replyTo();
    return effect
        .persist(e)
        .thenRun(
            st -> {
              LOG.info("Connector {} {}", name, what);
              then.run();
            })
        .thenReply(replyTo, st -> StatusReply.ack());
  }

  /** Where the connector stands, for its status. */
  ConnectorStatus status(State s) {
    String phase =
        paused.test(s)
            ? "paused"
            : running ? "syncing" : s.lastError() != null ? "failing" : "idle";
    ConnectorSettings settings = instance == null ? null : instance.settings();
    return ConnectorStatus.of(name, settings, phase, s, runtime.clock().instant());
  }

  /** The actor stops or restarts (journal failure): end the pass. */
  void stopAll() {
    stopping.set(true);
    running = false;
    followUp = false;
    pass = -1;
    if (worker != null) {
      worker.interrupt();
      worker = null;
    }
  }
}
