package io.tramontane.server.http.body;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tramontane.agents.definition.AgentDefinition;
import io.tramontane.agents.session.SessionEvents;
import io.tramontane.agents.tool.Citation;
import java.util.List;
import java.util.Set;

/** The bodies of the agents API ({@code /agents}) that are not a session's. */
public final class AgentBodies {

  private AgentBodies() {}

  /** {@code GET /agents}. */
  public record AgentList(List<AgentSummary> agents) {}

  /** One deployed agent. */
  public record AgentSummary(
      String name,
      String description,
      String model,
      List<String> tools,
      List<String> collections,
      Set<String> approval,
      String version) {

    public static AgentSummary of(AgentDefinition d) {
      return new AgentSummary(
          d.name(),
          d.description(),
          d.model(),
          d.tools(),
          d.collections(),
          d.approval(),
          d.version());
    }
  }

  /** {@code PUT /agents/{agent}}: the version now deployed. */
  public record AgentDeployed(String name, String version) {}

  /** A passage an answer rests on. */
  public record CitationBody(
      String documentId, String title, String sourceUri, String section, int page) {

    public static List<CitationBody> of(List<Citation> citations) {
      return citations.stream()
          .map(
              c ->
                  new CitationBody(c.documentId(), c.title(), c.sourceUri(), c.section(), c.page()))
          .toList();
    }
  }

  /** A tool call that was issued and had not answered when its turn ended: it may have run. */
  public record UnknownOutcome(String key, String tool, String reason) {

    public static List<UnknownOutcome> of(List<SessionEvents.ToolCallOutcomeUnknown> calls) {
      return calls.stream().map(u -> new UnknownOutcome(u.key(), u.tool(), u.reason())).toList();
    }
  }

  /**
   * {@code POST .../cancel}: the turn cancelled, and the calls whose outcome is unknown.
   *
   * @param detail present when some call's outcome is unknown: what to check before repeating it
   */
  public record TurnCancelled(
      String status,
      int turn,
      List<UnknownOutcome> outcomeUnknown,
      @JsonInclude(JsonInclude.Include.NON_NULL) String detail) {}
}
