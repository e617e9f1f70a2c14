package io.tramontane.connectors.email;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import io.tramontane.agents.tool.ArgumentValidator;
import io.tramontane.agents.tool.Tool;
import io.tramontane.agents.tool.ToolCall;
import io.tramontane.agents.tool.ToolException;
import io.tramontane.agents.tool.ToolResult;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code mail.send}: sends a new plain-text mail from the instance's address to allowed recipients,
 * once per idempotency key ({@link Outbox}). Side-effecting: agent definitions should list it under
 * {@code approval}.
 */
final class SendMailTool implements Tool {

  private static final JsonObjectSchema PARAMETERS =
      JsonObjectSchema.builder()
          .addProperty(
              "to",
              JsonArraySchema.builder()
                  .items(new JsonStringSchema())
                  .description("Recipient addresses")
                  .build())
          .addProperty(
              "cc",
              JsonArraySchema.builder()
                  .items(new JsonStringSchema())
                  .description("Copy recipient addresses (optional)")
                  .build())
          .addStringProperty("subject", "Subject line")
          .addStringProperty("body", "Plain-text body")
          .required("to", "subject", "body")
          .build();

  private final String name;
  private final Outbox outbox;

  SendMailTool(Outbox outbox) {
    this.outbox = outbox;
    this.name = outbox.smtp().toolPrefix() + ".send";
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String description() {
    return "Sends a plain-text e-mail from "
        + outbox.smtp().from().getAddress()
        + " to recipients in the allowed domains "
        + outbox.smtp().allowedRecipientDomains()
        + ". Returns the Message-ID.";
  }

  @Override
  public JsonObjectSchema parameters() {
    return PARAMETERS;
  }

  @Override
  public boolean approvalByDefault() {
    return true; // it writes to people on the mailbox's behalf
  }

  @Override
  public boolean sideEffecting() {
    return true;
  }

  @Override
  public ToolResult execute(ToolCall call) throws ToolException {
    checkArguments(this, call);
    JsonNode a = call.arguments();
    return outbox.send(
        call,
        new Outbox.Draft(
            outbox.recipients(call, strings(a.get("to")), "to"),
            outbox.recipients(call, strings(a.get("cc")), "cc"),
            a.get("subject").asText(),
            a.get("body").asText(),
            null,
            null));
  }

  static void checkArguments(Tool tool, ToolCall call) throws ToolException {
    var problem = ArgumentValidator.validate(tool.parameters(), call.arguments());
    if (problem.isPresent()) {
      throw Outbox.refused(call, "bad arguments: " + problem.get());
    }
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array != null && array.isArray()) {
      array.forEach(n -> out.add(n.asText()));
    }
    return out;
  }
}
