package io.tramontane.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.pekko.actor.CoordinatedShutdown;
import org.junit.jupiter.api.Test;

class ServeCommandTest {

  @Test
  void aNodeStoppedByTheClusterExitsWithAFailureStatus() {
    assertEquals(0, ServeCommand.exitCode(CoordinatedShutdown.jvmExitReason()));
    assertEquals(0, ServeCommand.exitCode(CoordinatedShutdown.actorSystemTerminateReason()));
    assertEquals(1, ServeCommand.exitCode(CoordinatedShutdown.clusterDowningReason()));
    assertEquals(1, ServeCommand.exitCode(CoordinatedShutdown.clusterJoinUnsuccessfulReason()));
  }
}
