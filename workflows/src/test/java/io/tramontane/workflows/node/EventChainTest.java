package io.tramontane.workflows.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tramontane.core.event.PlatformEvent;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Runs started by events a run emitted form a chain, bounded (outside tester, issue 17: a workflow
 * whose emit satisfied its own schedule.on re-triggered itself until it was deleted).
 */
class EventChainTest {

  static PlatformEvent event(String id, String tenant) {
    return new PlatformEvent(
        id, "https://src.example", "loop.go", null, Instant.EPOCH, tenant, null);
  }

  @Test
  void anOutsideEventStartsAnUnchainedRun() {
    String name = Workflows.eventRunName(event("delivery-1", "acme")).orElseThrow();
    assertTrue(name.startsWith("evt-"), name);
  }

  @Test
  void eachRunStartedByAnEmittedEventIsOneLinkFurtherUntilTheBound() {
    String run = "r1"; // started over REST
    for (int link = 1; link <= Workflows.MAX_EVENT_CHAIN; link++) {
      Optional<String> next =
          Workflows.eventRunName(event("acme/loop/" + run + "//do/0/again#1", "acme"));
      assertTrue(next.isPresent(), "link " + link);
      assertTrue(next.get().startsWith("evt" + link + "-"), next.get());
      run = next.get();
    }
    assertEquals(
        Optional.empty(),
        Workflows.eventRunName(event("acme/loop/" + run + "//do/0/again#1", "acme")));
  }

  @Test
  void anIdThatOnlyLooksEmittedInAnotherTenantIsAnOutsideEvent() {
    String name =
        Workflows.eventRunName(event("globex/loop/evt16-" + "a".repeat(40) + "/k#1", "acme"))
            .orElseThrow();
    assertTrue(name.startsWith("evt-"), name);
  }
}
