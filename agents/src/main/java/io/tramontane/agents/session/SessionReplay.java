package io.tramontane.agents.session;

import io.tramontane.agents.definition.AgentDefinition;
import io.tramontane.agents.session.SessionEvents.Event;
import io.tramontane.agents.tool.ToolRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Replays a recorded session against a definition — typically the current one — with no live model
 * or tool call: the recorded model answers and tool results are fed through the session's own rules
 * (allowlist, argument schemas, approvals, budgets, the model's input) and every place where the
 * outcome would now differ is reported.
 */
public final class SessionReplay {

  private SessionReplay() {}

  /** One place where the replayed session departs from the recording. */
  public record Divergence(int turn, int step, String what) {}

  /**
   * A call requested in the recording with no outcome recorded: it waits for a person's decision,
   * or the node stopped while it was due or running (a server on this journal resumes the session
   * and issues it again with the same key).
   */
  public record Interrupted(int turn, String key, String tool, boolean awaitingApproval) {}

  /** The outcome: how much was replayed, where it diverges, and what was left unfinished. */
  public record Report(
      int turns,
      int modelCalls,
      int toolCalls,
      String recordedVersion,
      List<Divergence> diverges,
      List<Interrupted> interrupted,
      boolean unfinished,
      List<Interrupted> outcomeUnknown,
      boolean agentDeleted) {

    public Report(
        int turns,
        int modelCalls,
        int toolCalls,
        String recordedVersion,
        List<Divergence> diverges) {
      this(
          turns,
          modelCalls,
          toolCalls,
          recordedVersion,
          diverges,
          List.of(),
          false,
          List.of(),
          false);
    }

    /** The same report, saying the agent is deleted and was replayed against its pinned version. */
    public Report ofDeletedAgent() {
      return new Report(
          turns,
          modelCalls,
          toolCalls,
          recordedVersion,
          diverges,
          interrupted,
          unfinished,
          outcomeUnknown,
          true);
    }

    public boolean identical() {
      return diverges.isEmpty();
    }
  }

  /**
   * Replays a recorded session against the current definition of its agent (a deleted agent:
   * against the version the session ran), and the version it ran when the catalog still has it.
   */
  public static Report replay(
      List<Event> events,
      io.tramontane.agents.definition.AgentCatalog catalog,
      String tenant,
      String agent,
      java.util.function.Supplier<? extends RuntimeException> noAgent,
      io.tramontane.agents.tool.ToolRegistry tools) {
    String pinned = ((SessionEvents.MessageReceived) events.getFirst()).agentVersion();
    Optional<AgentDefinition> recorded = catalog.exact(tenant, agent, pinned);
    AgentDefinition current =
        catalog.current(tenant, agent).or(() -> recorded).orElseThrow(noAgent);
    return replay(events, current, recorded, tools);
  }

  public static Report replay(
      List<Event> recorded,
      AgentDefinition definition,
      Optional<AgentDefinition> recordedDefinition,
      ToolRegistry tools) {
    List<Divergence> out = new ArrayList<>();
    Map<String, String> outcome = new HashMap<>();
    for (Event e : recorded) {
      switch (e) {
        case SessionEvents.ToolCallDenied d -> outcome.put(d.key(), "denied");
        case SessionEvents.ApprovalRequested a -> outcome.put(a.key(), "approval");
        case SessionEvents.ToolCallCompleted c -> outcome.putIfAbsent(c.key(), "ran");
        case SessionEvents.ToolCallFailed f -> outcome.putIfAbsent(f.key(), "ran");
        case SessionEvents.ToolCallOutcomeUnknown u -> outcome.putIfAbsent(u.key(), "unknown");
        case SessionEvents.ToolCallAbandoned a -> outcome.putIfAbsent(a.key(), "abandoned");
        default -> {}
      }
    }
    String version = null;
    int turns = 0;
    int modelCalls = 0;
    int toolCalls = 0;
    int stepInTurn = 0;
    int callsInTurn = 0;
    int tokensInTurn = 0;
    for (int i = 0; i < recorded.size(); i++) {
      Event e = recorded.get(i);
      switch (e) {
        case SessionEvents.MessageReceived m -> {
          turns++;
          stepInTurn = 0;
          callsInTurn = 0;
          tokensInTurn = 0;
          if (version == null) {
            version = m.agentVersion();
            if (!m.agentVersion().equals(definition.version())) {
              out.add(
                  new Divergence(
                      m.turn(),
                      0,
                      "the session ran definition "
                          + shortVersion(m.agentVersion())
                          + ", replayed against "
                          + shortVersion(definition.version())
                          + describeChange(recordedDefinition, definition)));
            }
          }
        }
        case SessionEvents.ModelAnswered a -> {
          modelCalls++;
          stepInTurn++;
          if (stepInTurn > definition.limits().maxSteps()) {
            out.add(
                new Divergence(
                    a.turn(),
                    stepInTurn,
                    "max-steps "
                        + definition.limits().maxSteps()
                        + " would have ended the turn before this model call"));
          }
          tokensInTurn += a.inputTokens() + a.outputTokens();
          if (tokensInTurn > definition.limits().maxTokens()) {
            out.add(
                new Divergence(
                    a.turn(),
                    stepInTurn,
                    "max-tokens "
                        + definition.limits().maxTokens()
                        + " would have been exceeded ("
                        + tokensInTurn
                        + " tokens recorded so far)"));
          }
          int index = 0;
          for (SessionEvents.RequestedCall call : a.calls()) {
            String key = keyOf(recorded, i, index++);
            String was = key == null ? "?" : outcome.getOrDefault(key, "pending");
            Optional<String> refusal = ToolPolicy.check(definition, tools, call);
            String now =
                refusal.isPresent()
                    ? "denied"
                    : definition.needsApproval(call.tool()) ? "approval" : "ran";
            if (now.equals("ran") && was.equals("pending")) {
              // Interrupted with no outcome (listed in the report's interrupted calls): the same
              // decision; a server resumes it under the same key.
              toolCalls++;
            } else if (now.equals("ran") && (was.equals("unknown") || was.equals("abandoned"))) {
              // The turn ended (cancel, timeout) around this call, not the policy: same decision.
              toolCalls += was.equals("unknown") ? 1 : 0;
            } else if (now.equals("ran") && was.equals("ran")) {
              callsInTurn++;
              toolCalls++;
              if (callsInTurn > definition.limits().maxToolCalls()) {
                out.add(
                    new Divergence(
                        a.turn(),
                        stepInTurn,
                        "max-tool-calls "
                            + definition.limits().maxToolCalls()
                            + " would have stopped the call to "
                            + call.tool()));
              }
            } else if (!now.equals(was)) {
              out.add(
                  new Divergence(
                      a.turn(),
                      stepInTurn,
                      "the call to "
                          + call.tool()
                          + " was "
                          + describe(was)
                          + "; now it would be "
                          + describe(now)
                          + refusal.map(r -> " (" + r + ")").orElse("")));
            }
          }
        }
        case SessionEvents.ModelCallFailed f -> {
          modelCalls++;
          stepInTurn++;
        }
        default -> {}
      }
    }
    return new Report(
        turns,
        modelCalls,
        toolCalls,
        version,
        List.copyOf(out),
        interrupted(recorded),
        unfinished(recorded),
        outcomeUnknown(recorded),
        false);
  }

  /** Calls requested with no outcome recorded, in order. */
  private static List<Interrupted> interrupted(List<Event> recorded) {
    Map<String, Interrupted> open = new java.util.LinkedHashMap<>();
    for (Event e : recorded) {
      switch (e) {
        case SessionEvents.ToolCallRequested r ->
            open.put(r.key(), new Interrupted(r.turn(), r.key(), r.tool(), false));
        case SessionEvents.ApprovalRequested a ->
            open.computeIfPresent(a.key(), (k, i) -> new Interrupted(i.turn(), k, i.tool(), true));
        case SessionEvents.ApprovalGranted g ->
            open.computeIfPresent(g.key(), (k, i) -> new Interrupted(i.turn(), k, i.tool(), false));
        case SessionEvents.ToolCallCompleted c -> open.remove(c.key());
        case SessionEvents.ToolCallFailed f -> open.remove(f.key());
        case SessionEvents.ToolCallDenied d -> open.remove(d.key());
        case SessionEvents.ToolCallAbandoned a -> open.remove(a.key());
        case SessionEvents.ToolCallOutcomeUnknown u -> open.remove(u.key());
        case SessionEvents.ApprovalDenied d -> open.remove(d.key());
        default -> {}
      }
    }
    return List.copyOf(open.values());
  }

  /** Calls issued and then cut off (cancel, turn timeout): recorded as outcome unknown. */
  private static List<Interrupted> outcomeUnknown(List<Event> recorded) {
    List<Interrupted> out = new ArrayList<>();
    for (Event e : recorded) {
      if (e instanceof SessionEvents.ToolCallOutcomeUnknown u) {
        out.add(new Interrupted(u.turn(), u.key(), u.tool(), false));
      }
    }
    return List.copyOf(out);
  }

  /** Whether the last turn has no end (answer, cancel, failed model call) recorded. */
  private static boolean unfinished(List<Event> recorded) {
    boolean open = false;
    for (Event e : recorded) {
      switch (e) {
        case SessionEvents.MessageReceived m -> open = true;
        case SessionEvents.AnswerProduced a -> open = false;
        case SessionEvents.TurnCancelled c -> open = false;
        case SessionEvents.ModelCallFailed f -> open = false;
        default -> {}
      }
    }
    return open;
  }

  /** The key of the {@code index}-th call requested after the model answer at {@code at}. */
  private static String keyOf(List<Event> recorded, int at, int index) {
    int seen = 0;
    for (int j = at + 1; j < recorded.size(); j++) {
      if (recorded.get(j) instanceof SessionEvents.ToolCallRequested r) {
        if (seen++ == index) {
          return r.key();
        }
      } else if (recorded.get(j) instanceof SessionEvents.ModelAnswered) {
        break;
      }
    }
    return null;
  }

  private static String describe(String outcome) {
    return switch (outcome) {
      case "ran" -> "executed";
      case "denied" -> "refused by policy";
      case "approval" -> "held for approval";
      case "unknown" -> "issued with no recorded outcome (it may have been applied)";
      case "abandoned" -> "abandoned, not run, when the turn ended";
      default -> "left pending";
    };
  }

  private static String describeChange(Optional<AgentDefinition> before, AgentDefinition now) {
    if (before.isEmpty()) {
      return " (the recorded version is not loaded on this node, so only outcomes are compared)";
    }
    AgentDefinition b = before.get();
    List<String> changes = new ArrayList<>();
    if (!b.instructions().equals(now.instructions())) {
      changes.add("instructions changed, so every model call would get a different prompt");
    }
    if (!b.model().equals(now.model())) {
      changes.add("model " + b.model() + " → " + now.model());
    }
    if (!b.tools().equals(now.tools())) {
      changes.add("tools " + b.tools() + " → " + now.tools());
    }
    if (!b.limits().equals(now.limits())) {
      changes.add("limits changed");
    }
    return changes.isEmpty() ? "" : ": " + String.join("; ", changes);
  }

  private static String shortVersion(String v) {
    return v == null ? "?" : v.substring(0, Math.min(12, v.length()));
  }
}
