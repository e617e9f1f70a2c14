package io.tramontane.agents.session;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A ChatModel that answers from a script and records every request it receives. */
final class ScriptedModel implements ChatModel {

  final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
  private final Function<ChatRequest, AiMessage> script;

  ScriptedModel(Function<ChatRequest, AiMessage> script) {
    this.script = script;
  }

  @Override
  public ChatResponse doChat(ChatRequest request) {
    requests.add(request);
    return ChatResponse.builder()
        .aiMessage(script.apply(request))
        .tokenUsage(new TokenUsage(100, 20))
        .build();
  }

  static AiMessage call(String id, String tool, String arguments) {
    return AiMessage.from(
        List.of(ToolExecutionRequest.builder().id(id).name(tool).arguments(arguments).build()));
  }
}
