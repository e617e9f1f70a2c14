package io.tramontane.agents.tool;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.Set;

/**
 * One execution request for a tool.
 *
 * @param tool the tool's name
 * @param arguments validated arguments (a JSON object)
 * @param idempotencyKey derived from the session, turn and call index (never from the model's
 *     tool_call_id); the same after a crash and re-issue, so side effects can be deduplicated
 * @param tenant the session's tenant
 * @param principals the principals of the user the agent acts for (retrieval filters by them)
 * @param sessionId the agent session, for audit
 */
public record ToolCall(
    String tool,
    JsonNode arguments,
    String idempotencyKey,
    String tenant,
    Set<String> principals,
    String sessionId) {

  public ToolCall {
    Objects.requireNonNull(tool, "tool");
    Objects.requireNonNull(arguments, "arguments");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(tenant, "tenant");
    principals = principals == null ? Set.of() : Set.copyOf(principals);
  }
}
