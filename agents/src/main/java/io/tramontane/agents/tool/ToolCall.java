package io.tramontane.agents.tool;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
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
 * @param collections the retrieval collections the agent's definition names (the model cannot widen
 *     them)
 */
public record ToolCall(
    String tool,
    JsonNode arguments,
    String idempotencyKey,
    String tenant,
    Set<String> principals,
    String sessionId,
    List<String> collections) {

  public ToolCall {
    Objects.requireNonNull(tool, "tool");
    Objects.requireNonNull(arguments, "arguments");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(tenant, "tenant");
    principals = principals == null ? Set.of() : Set.copyOf(principals);
    collections = collections == null ? List.of() : List.copyOf(collections);
  }

  /** A call outside any retrieval collection. */
  public ToolCall(
      String tool,
      JsonNode arguments,
      String idempotencyKey,
      String tenant,
      Set<String> principals,
      String sessionId) {
    this(tool, arguments, idempotencyKey, tenant, principals, sessionId, List.of());
  }
}
