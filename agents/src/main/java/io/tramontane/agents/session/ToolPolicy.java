package io.tramontane.agents.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tramontane.agents.definition.AgentDefinition;
import io.tramontane.agents.session.SessionEvents.RequestedCall;
import io.tramontane.agents.tool.ArgumentValidator;
import io.tramontane.agents.tool.Tool;
import java.util.Optional;

/**
 * Policy is code: a call the model requests runs only if the agent's allowlist has its tool, the
 * tool is registered on this node, and its arguments are JSON that match the tool's schema. Shared
 * by live sessions and {@link SessionReplay}.
 */
final class ToolPolicy {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ToolPolicy() {}

  /** A call's arguments as the model wrote them (JSON text): none is an empty object. */
  static JsonNode arguments(String json) throws java.io.IOException {
    return json == null || json.isBlank() ? JSON.createObjectNode() : JSON.readTree(json);
  }

  /** Why {@code call} may not run, if it may not. */
  static Optional<String> check(
      AgentDefinition def, io.tramontane.agents.tool.ToolRegistry tools, RequestedCall call) {
    if (!def.allows(call.tool())) {
      return Optional.of("tool '" + call.tool() + "' is not allowed for agent " + def.name());
    }
    Optional<Tool> tool = tools.find(call.tool());
    if (tool.isEmpty()) {
      return Optional.of("tool '" + call.tool() + "' is not available on this node");
    }
    JsonNode args;
    try {
      args = arguments(call.arguments());
    } catch (java.io.IOException e) {
      return Optional.of("the arguments are not valid JSON");
    }
    return ArgumentValidator.validate(tool.get().parameters(), args)
        .map(problem -> "invalid arguments: " + problem);
  }
}
