package io.tramontane.core;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import scala.concurrent.ExecutionContextExecutor;

/** Named dispatchers for blocking work (JDBC, files, HTTP clients), declared in reference.conf. */
public final class Dispatchers {

  /** Bounded pool for blocking I/O; never run blocking calls on the default dispatcher. */
  public static final String BLOCKING_IO = "tramontane-blocking-io-dispatcher";

  private Dispatchers() {}

  public static DispatcherSelector blockingIoSelector() {
    return DispatcherSelector.fromConfig(BLOCKING_IO);
  }

  public static ExecutionContextExecutor blockingIo(ActorSystem<?> system) {
    return system.dispatchers().lookup(blockingIoSelector());
  }
}
