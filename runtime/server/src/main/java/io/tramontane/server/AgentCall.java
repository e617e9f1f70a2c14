package io.tramontane.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tramontane.agents.Agents;
import io.tramontane.agents.tool.Citation;
import io.tramontane.workflows.call.CallHandler;
import java.util.Set;

/**
 * {@code call: agent} for workflows: one turn of an agent session ({@code with: agent, message,
 * session}; the session defaults to one per run), answered with the text, the turn number and the
 * citations. A run acts for no user: the agent reads the tenant's public documents only.
 */
final class AgentCall implements CallHandler {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Agents agents;

  AgentCall(Agents agents) {
    this.agents = agents;
  }

  @Override
  public String function() {
    return "agent";
  }

  @Override
  public JsonNode call(Call call, JsonNode with) {
    String agent = with.path("agent").asText();
    String session = with.path("session").asText("wf-" + call.runId().replace('/', '-'));
    String message = with.path("message").asText();
    Agents.Answer a =
        CallAnswers.await(
            agents.ask(call.tenant(), agent, session, message, Set.of()),
            call,
            502,
            "Agent call failed");
    ObjectNode out = JSON.createObjectNode().put("answer", a.text()).put("turn", a.turn());
    ArrayNode cs = out.putArray("citations");
    for (Citation c : a.citations()) {
      cs.addObject()
          .put("documentId", c.documentId())
          .put("title", c.title())
          .put("section", c.section())
          .put("page", c.page());
    }
    return out;
  }
}
