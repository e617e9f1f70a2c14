package io.tramontane.connectors.email;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import io.tramontane.agents.tool.ToolAudit;
import io.tramontane.agents.tool.ToolCall;
import io.tramontane.agents.tool.ToolException;
import io.tramontane.agents.tool.ToolResult;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code mail.reply}: answers a message of the synced folders, found by its Message-ID, to its
 * Reply-To (else From), with "Re: subject", {@code In-Reply-To} and {@code References} set so mail
 * clients thread it. Once per idempotency key, recipients checked like {@code mail.send}.
 */
final class ReplyMailTool extends OutgoingMailTool {

  private static final JsonObjectSchema PARAMETERS =
      JsonObjectSchema.builder()
          .addStringProperty(
              "messageId", "Message-ID of the mail to answer (from the mail.received event)")
          .addStringProperty("body", "Plain-text body of the reply")
          .addProperty("cc", addresses("Additional copy recipients (optional)"))
          .required("messageId", "body")
          .build();

  ReplyMailTool(Outbox outbox) {
    super(
        outbox,
        "reply",
        "Replies to an e-mail of this mailbox, given its Message-ID: to its sender, threaded"
            + " (In-Reply-To, References). Returns the reply's Message-ID.",
        PARAMETERS);
  }

  @Override
  ToolResult send(ToolCall call, JsonNode a) throws ToolException {
    String id = a.get("messageId").asText().strip();
    if (!id.startsWith("<")) {
      id = "<" + id + ">";
    }
    String messageId = id;
    MimeMessage original =
        outbox
            .find(messageId)
            .orElseThrow(
                () ->
                    ToolAudit.refused(
                        call,
                        "no message with Message-ID "
                            + MimeReader.cap(messageId)
                            + " in the synced folders; use the messageId of a mail.received"
                            + " event"));
    try {
      Address[] replyTo = original.getReplyTo();
      List<InternetAddress> to = new ArrayList<>();
      for (Address r : replyTo == null ? new Address[0] : replyTo) {
        if (r instanceof InternetAddress ia) {
          to.add(ia);
        }
      }
      String subject = original.getSubject() == null ? "" : original.getSubject();
      if (!subject.toLowerCase(Locale.ROOT).startsWith("re:")) {
        subject = "Re: " + subject;
      }
      subject = subject.replaceAll("[\\r\\n]+", " ");
      String refs = original.getHeader("References", " ");
      if (refs == null) {
        refs = original.getHeader("In-Reply-To", " ");
      }
      String references = refs == null ? messageId : refs.strip() + " " + messageId;
      return outbox.send(
          call,
          new Outbox.Draft(
              to,
              outbox.recipients(call, strings(a.get("cc")), "cc"),
              subject,
              a.get("body").asText(),
              messageId,
              references));
    } catch (MessagingException e) {
      throw new ToolException("the original message could not be read: " + e.getMessage(), false);
    }
  }
}
