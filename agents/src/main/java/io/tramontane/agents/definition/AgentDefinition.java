package io.tramontane.agents.definition;

import io.tramontane.core.CborSerializable;
import java.util.List;
import java.util.Set;

/**
 * One agent, as loaded from its YAML file. {@code version} is the SHA-256 of the file's bytes: a
 * session records the version it started with.
 *
 * @param name unique within the tenant's agents
 * @param description what it is for
 * @param model a model name from {@code tramontane.agents.models} ({@code default} resolves to the
 *     configured provider, or to the extractive responder when none is configured)
 * @param instructions the system prompt
 * @param tools the allowlist: the only tools this agent can ever execute
 * @param collections retrieval collections the {@code retrieve} tool searches
 * @param approval tools whose every call waits for a human's approval
 * @param limits budgets per turn
 * @param outputSchema optional JSON schema of a structured answer (JSON text), or null
 * @param source where it was loaded from, for messages
 * @param version SHA-256 of the definition's bytes
 */
public record AgentDefinition(
    String name,
    String description,
    String model,
    String instructions,
    List<String> tools,
    List<String> collections,
    Set<String> approval,
    Limits limits,
    String outputSchema,
    String source,
    String version)
    implements CborSerializable {

  public AgentDefinition {
    tools = List.copyOf(tools);
    collections = List.copyOf(collections);
    approval = Set.copyOf(approval);
  }

  public boolean allows(String tool) {
    return tools.contains(tool);
  }

  public boolean needsApproval(String tool) {
    return approval.contains(tool);
  }
}
