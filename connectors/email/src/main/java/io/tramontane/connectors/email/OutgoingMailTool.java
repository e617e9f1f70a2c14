package io.tramontane.connectors.email;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import io.tramontane.agents.tool.ArgumentValidator;
import io.tramontane.agents.tool.Tool;
import io.tramontane.agents.tool.ToolCall;
import io.tramontane.agents.tool.ToolException;
import io.tramontane.agents.tool.ToolResult;
import java.util.ArrayList;
import java.util.List;

/**
 * A tool that writes mail through the instance's {@link Outbox} ({@code <prefix>.send}, {@code
 * <prefix>.reply}): side-effecting, under approval by default, its arguments checked against its
 * schema before {@link #send} sees them.
 */
abstract class OutgoingMailTool implements Tool {

  protected final Outbox outbox;
  private final String name;
  private final JsonObjectSchema parameters;

  OutgoingMailTool(Outbox outbox, String verb, JsonObjectSchema parameters) {
    this.outbox = outbox;
    this.name = outbox.smtp().toolPrefix() + "." + verb;
    this.parameters = parameters;
  }

  /** Sends the mail the checked arguments {@code a} describe, once per idempotency key. */
  abstract ToolResult send(ToolCall call, JsonNode a) throws ToolException;

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final JsonObjectSchema parameters() {
    return parameters;
  }

  @Override
  public final boolean approvalByDefault() {
    return true; // it writes to people on the mailbox's behalf
  }

  @Override
  public final boolean sideEffecting() {
    return true;
  }

  @Override
  public final ToolResult execute(ToolCall call) throws ToolException {
    var problem = ArgumentValidator.validate(parameters, call.arguments());
    if (problem.isPresent()) {
      throw Outbox.refused(call, "bad arguments: " + problem.get());
    }
    return send(call, call.arguments());
  }

  /** The texts of a JSON array argument; empty when it is absent. */
  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array != null && array.isArray()) {
      array.forEach(n -> out.add(n.asText()));
    }
    return out;
  }
}
