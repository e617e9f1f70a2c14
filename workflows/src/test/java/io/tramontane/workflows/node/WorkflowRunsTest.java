package io.tramontane.workflows.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tramontane.workflows.run.WorkflowRunEntity;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The user-facing view of run events, and the tenant boundary of run listings. */
class WorkflowRunsTest {

  @Test
  void eachEventHasItsTypeSequenceNumberAndWhatAUserNeeds() {
    Instant at = Instant.parse("2026-03-01T10:00:00Z");
    var started =
        WorkflowRuns.view(1, 0, new WorkflowRunEntity.RunStarted("h1", "{}", "{\"ticket\":7}", at));
    assertEquals("started", started.type());
    assertEquals(1, started.json().get("seq").asLong());
    assertEquals("2026-03-01T10:00:00Z", started.json().get("at").asText());
    assertEquals(7, started.json().get("input").get("ticket").asInt());
    assertFalse(started.last());

    var effect =
        WorkflowRuns.view(
            2,
            at.toEpochMilli(),
            new WorkflowRunEntity.EffectRecorded("/do/1/reply#2", "{\"result\":{\"ok\":true}}"));
    assertEquals("effect", effect.json().get("type").asText());
    assertEquals("/do/1/reply", effect.json().get("task").asText());
    assertEquals(2, effect.json().get("occurrence").asInt());
    assertTrue(effect.json().get("outcome").get("result").get("ok").asBoolean());

    var due =
        WorkflowRuns.view(
            3,
            0,
            new WorkflowRunEntity.EffectRecorded("/do/0/pause#1/due", "\"2026-03-02T00:00:00Z\""));
    assertEquals("/do/0/pause", due.json().get("task").asText());
    assertEquals("due", due.json().get("timer").asText());

    var event =
        WorkflowRuns.view(
            4, 0, new WorkflowRunEntity.EventReceived("{\"id\":\"e1\",\"type\":\"approved\"}"));
    assertEquals("approved", event.json().get("event").get("type").asText());

    var failed =
        WorkflowRuns.view(
            5, 0, new WorkflowRunEntity.RunFailed("{\"title\":\"Boom\",\"status\":500}"));
    assertEquals("failed", failed.type());
    assertEquals("Boom", failed.json().get("error").get("title").asText());
    assertTrue(failed.last());
    assertTrue(WorkflowRuns.view(6, 0, new WorkflowRunEntity.RunCompleted("{}")).last());
    assertEquals(
        "ops",
        WorkflowRuns.view(6, 0, new WorkflowRunEntity.RunCancelled("ops"))
            .json()
            .get("by")
            .asText());
  }

  @Test
  void aListingSeesOnlyTheCallersTenantAndWorkflow() {
    String prefix = WorkflowRuns.persistenceId("acme", "answer", "");
    assertEquals("WorkflowRun|acme/answer/", prefix);
    assertEquals(Optional.of("r1"), WorkflowRuns.runName(prefix, "WorkflowRun|acme/answer/r1"));
    assertEquals(Optional.empty(), WorkflowRuns.runName(prefix, "WorkflowRun|globex/answer/r1"));
    assertEquals(Optional.empty(), WorkflowRuns.runName(prefix, "WorkflowRun|acme/answers/r1"));
    assertEquals(Optional.empty(), WorkflowRuns.runName(prefix, "AgentSession|acme/answer/r1"));
    // A tenant named "acme/answer" would own "acme/answer/<workflow>/<run>": never acme's.
    assertEquals(Optional.empty(), WorkflowRuns.runName(prefix, "WorkflowRun|acme/answer/x/r1"));
  }

  @Test
  void aSummaryFollowsTheRunToItsEnd() {
    Instant at = Instant.parse("2026-03-01T10:00:00Z");
    var s = new WorkflowRuns.RunSummary("r1", WorkflowRunEntity.Status.NEW, null, null, 0);
    s = WorkflowRuns.fold(s, new WorkflowRunEntity.RunStarted("h", "{}", "{}", at), 0);
    s = WorkflowRuns.fold(s, new WorkflowRunEntity.EffectRecorded("/do/0/a#1", "{}"), 0);
    assertEquals(WorkflowRunEntity.Status.RUNNING, s.status());
    s = WorkflowRuns.fold(s, new WorkflowRunEntity.RunCompleted("{}"), at.toEpochMilli() + 5_000);
    assertEquals(WorkflowRunEntity.Status.COMPLETED, s.status());
    assertEquals(at, s.startedAt());
    assertEquals(at.plusSeconds(5), s.endedAt());
    assertEquals(1, s.effects());
  }
}
