package io.tramontane.agents.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import java.util.List;

/**
 * The embedded default when no language model is configured: a {@link ChatModel} that retrieves
 * with the user's question and answers with the best passages, verbatim and numbered, saying
 * plainly that no model composed the answer. It goes through the same session steps as a real model
 * (a {@code retrieve} tool call, persisted, permission-filtered), so the platform works with
 * nothing but the JVM.
 */
public final class ExtractiveResponder implements ChatModel {

  public static final String NAME = "extractive";

  static final String NOTICE =
      "No language model is configured, so this answer is not composed: these are the passages"
          + " from your documents that best match your question.";
  static final String NO_TOOL =
      "No language model is configured (set MISTRAL_API_KEY or TRAMONTANE_OPENAI_BASE_URL, see"
          + " the README), and this agent has no 'retrieve' tool to quote documents with.";

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public ChatResponse doChat(ChatRequest request) {
    List<ChatMessage> messages = request.messages();
    ChatMessage last = messages.isEmpty() ? null : messages.getLast();
    boolean canRetrieve =
        request.toolSpecifications() != null
            && request.toolSpecifications().stream()
                .map(ToolSpecification::name)
                .anyMatch("retrieve"::equals);
    if (last instanceof UserMessage user && canRetrieve) {
      ObjectNode args = JSON.createObjectNode().put("query", user.singleText()).put("k", 3);
      ToolExecutionRequest call =
          ToolExecutionRequest.builder()
              .id("extractive-" + messages.size())
              .name("retrieve")
              .arguments(args.toString())
              .build();
      return ChatResponse.builder()
          .aiMessage(AiMessage.from(List.of(call)))
          .finishReason(FinishReason.TOOL_EXECUTION)
          .build();
    }
    if (last instanceof ToolExecutionResultMessage result) {
      return answer(NOTICE + "\n\n" + unwrap(result.text()));
    }
    return answer(NO_TOOL);
  }

  private static ChatResponse answer(String text) {
    return ChatResponse.builder()
        .aiMessage(AiMessage.from(text))
        .finishReason(FinishReason.STOP)
        .build();
  }

  /** The tool output without the data delimiters the session wraps it in. */
  static String unwrap(String text) {
    String t = text.strip();
    if (t.startsWith("<tool-output")) {
      t = t.substring(t.indexOf('>') + 1);
    }
    if (t.endsWith("</tool-output>")) {
      t = t.substring(0, t.length() - "</tool-output>".length());
    }
    return t.strip();
  }
}
