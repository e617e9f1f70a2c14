package io.tramontane.connectors.email;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import io.tramontane.agents.tool.DescribedTool;
import io.tramontane.agents.tool.ToolAudit;
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
abstract class OutgoingMailTool extends DescribedTool {

  protected final Outbox outbox;

  OutgoingMailTool(Outbox outbox, String verb, String description, JsonObjectSchema parameters) {
    super(outbox.smtp().toolPrefix() + "." + verb, description, parameters, true);
    this.outbox = outbox;
  }

  /** Sends the mail the checked arguments {@code a} describe, once per idempotency key. */
  abstract ToolResult send(ToolCall call, JsonNode a) throws ToolException;

  @Override
  public final boolean approvalByDefault() {
    return true; // it writes to people on the mailbox's behalf
  }

  @Override
  public final ToolResult execute(ToolCall call) throws ToolException {
    ToolAudit.checkArguments(this, call);
    return send(call, call.arguments());
  }

  /** The schema of an argument that lists mail addresses. */
  static JsonArraySchema addresses(String description) {
    return JsonArraySchema.builder().items(new JsonStringSchema()).description(description).build();
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
