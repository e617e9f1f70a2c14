package io.tramontane.connectors.email;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import io.tramontane.agents.tool.ToolCall;
import io.tramontane.agents.tool.ToolException;
import io.tramontane.agents.tool.ToolResult;

/**
 * {@code mail.send}: sends a new plain-text mail from the instance's address to allowed recipients,
 * once per idempotency key ({@link Outbox}). Side-effecting: agent definitions should list it under
 * {@code approval}.
 */
final class SendMailTool extends OutgoingMailTool {

  private static final JsonObjectSchema PARAMETERS =
      JsonObjectSchema.builder()
          .addProperty("to", addresses("Recipient addresses"))
          .addProperty("cc", addresses("Copy recipient addresses (optional)"))
          .addStringProperty("subject", "Subject line")
          .addStringProperty("body", "Plain-text body")
          .required("to", "subject", "body")
          .build();

  SendMailTool(Outbox outbox) {
    super(
        outbox,
        "send",
        "Sends a plain-text e-mail from "
            + outbox.smtp().from().getAddress()
            + " to recipients in the allowed domains "
            + outbox.smtp().allowedRecipientDomains()
            + ". Returns the Message-ID.",
        PARAMETERS);
  }

  @Override
  ToolResult send(ToolCall call, JsonNode a) throws ToolException {
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
}
